"""Loading and cross-checking the knowledge files packaged beside this module."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ._models import (
    Cause,
    Combination,
    Condition,
    Constant,
    ExperimentFactor,
    MedicationClass,
    MedicationKnowledge,
    PlainName,
    Question,
    RedFlag,
    Source,
    Strategy,
    Symptom,
)

T = TypeVar("T")


class KnowledgeError(ValueError):
    """A knowledge file is invalid; the message names the file and the entry."""


class KnowledgeBase(BaseModel):
    """Everything twitchwise knows, as validated data."""

    model_config = ConfigDict(frozen=True)

    sources: dict[str, Source]
    symptoms: dict[str, Symptom]
    red_flags: tuple[RedFlag, ...]
    causes: dict[str, Cause]
    strategies: tuple[Strategy, ...]
    medications: tuple[MedicationClass, ...]
    combinations: tuple[Combination, ...] = ()
    plain_names: tuple[PlainName, ...] = ()
    constants: dict[str, Constant]
    questions: tuple[Question, ...]
    experiments: tuple[ExperimentFactor, ...]

    def constant(self, key: str) -> float:
        return self.constants[key].value


def _read(name: str, model: type[T]) -> list[T]:
    text = files("twitchwise.knowledge").joinpath(name).read_text(encoding="utf-8")
    raw: Any = yaml.safe_load(text)
    try:
        return TypeAdapter(list[model]).validate_python(raw)  # type: ignore[valid-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"{name}: entry {loc}: {first['msg']}") from exc


def _read_medications() -> MedicationKnowledge:
    text = files("twitchwise.knowledge").joinpath("medications.yaml").read_text(encoding="utf-8")
    try:
        return MedicationKnowledge.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"medications.yaml: entry {loc}: {first['msg']}") from exc


def _by_id(name: str, entries: Iterable[T]) -> dict[str, T]:
    out: dict[str, T] = {}
    for entry in entries:
        key = entry.id  # type: ignore[attr-defined]
        if key in out:
            raise KnowledgeError(f"{name}: id {key!r} appears twice")
        out[key] = entry
    return out


def _cited(kb: KnowledgeBase) -> Iterable[tuple[str, str | None]]:
    """Every (where, source id) pair the knowledge base cites."""
    for flag in kb.red_flags:
        yield f"red_flags.yaml:{flag.id}", flag.source
        for esc in flag.escalations:
            yield f"red_flags.yaml:{flag.id} escalation", esc.source
    for cause in kb.causes.values():
        yield f"causes.yaml:{cause.id}", cause.source
        for sig in cause.signals:
            if sig.source is not None:
                yield f"causes.yaml:{cause.id} signal", sig.source
    for strategy in kb.strategies:
        yield f"strategies.yaml:{strategy.id}", strategy.source
    for med in kb.medications:
        yield f"medications.yaml:{med.id}", med.source
        yield f"medications.yaml:{med.id} names", med.names_source
    for combo in kb.combinations:
        yield f"medications.yaml:{combo.names[0]}", combo.source
    for plain in kb.plain_names:
        yield f"medications.yaml:{plain.words[0]}", plain.source
    for const in kb.constants.values():
        yield f"constants.yaml:{const.id}", const.source
    for exp in kb.experiments:
        yield f"experiments.yaml:{exp.key}", exp.source
        if exp.taper is not None:
            yield f"experiments.yaml:{exp.key} taper", exp.taper_source or ""


def _check(kb: KnowledgeBase) -> None:
    for where, source in _cited(kb):
        if source not in kb.sources:
            raise KnowledgeError(f"{where}: unknown source {source!r}")
    for q in kb.questions:
        for opt in q.options:
            if isinstance(opt, str) and opt not in kb.symptoms:
                raise KnowledgeError(f"questions.yaml:{q.id}: unknown symptom {opt!r}")
    _check_medications(kb)
    question_ids = {q.id for q in kb.questions}
    for flag in kb.red_flags:
        for esc in flag.escalations:
            if esc.level in ("urgent", "emergency") and not esc.advice:
                raise KnowledgeError(f"red_flags.yaml:{flag.id}: an urgent escalation needs advice")
        if flag.question not in question_ids:
            raise KnowledgeError(f"red_flags.yaml:{flag.id}: unknown question {flag.question!r}")
    if len(question_ids) != len(kb.questions):
        raise KnowledgeError("questions.yaml: a question id appears twice")


def _check_medications(kb: KnowledgeBase) -> None:
    """Every combination part and plain name points at a drug or class that exists, and no
    name means two different drugs (a matcher cannot be right about an ambiguous name)."""
    generics = {d.generic for c in kb.medications for d in c.drugs}
    classes = {c.id for c in kb.medications}
    seen: dict[str, str] = {}
    for med in kb.medications:
        for drug in med.drugs:
            for name in drug.names():
                if seen.setdefault(name.lower(), drug.generic) != drug.generic:
                    raise KnowledgeError(f"medications.yaml: {name!r} names two drugs")
    for combo in kb.combinations:
        for part in combo.parts:
            if part not in generics:
                raise KnowledgeError(f"medications.yaml:{combo.names[0]}: unknown part {part!r}")
    for plain in kb.plain_names:
        kind, _, target = plain.means.rpartition(":")
        if (kind == "class" and target not in classes) or (not kind and target not in generics):
            raise KnowledgeError(f"medications.yaml:{plain.words[0]}: unknown {plain.means!r}")


@cache
def load_knowledge() -> KnowledgeBase:
    """Load and validate the packaged knowledge files (once per process)."""
    meds = _read_medications()
    kb = KnowledgeBase(
        sources=_by_id("sources.yaml", _read("sources.yaml", Source)),
        symptoms=_by_id("symptoms.yaml", _read("symptoms.yaml", Symptom)),
        red_flags=tuple(_by_id("red_flags.yaml", _read("red_flags.yaml", RedFlag)).values()),
        causes=_by_id("causes.yaml", _read("causes.yaml", Cause)),
        strategies=tuple(_by_id("strategies.yaml", _read("strategies.yaml", Strategy)).values()),
        medications=meds.classes,
        combinations=meds.combinations,
        plain_names=meds.plain_names,
        constants=_by_id("constants.yaml", _read("constants.yaml", Constant)),
        questions=tuple(_read("questions.yaml", Question)),
        experiments=tuple(_read("experiments.yaml", ExperimentFactor)),
    )
    _check(kb)
    return kb


__all__ = ["Condition", "KnowledgeBase", "KnowledgeError", "load_knowledge"]
