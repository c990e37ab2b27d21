"""The adaptive interview behind the terminal and web assessments.

One question at a time, in the knowledge file's order: emergency signs first, and an emergency
answer ends the interview at once, because nothing else changes what the person must do. Facts
the diary already knows (`known`) skip their questions; safety questions are always asked. The
state is only the answers, so a web page can carry it in a form and rebuild the interview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from twitchwise.knowledge import Question as QuestionSpec
from twitchwise.knowledge import load_knowledge

from ._assess import assess
from ._assessment import Assessment
from ._case import Case, refuse_control_characters
from ._context import CaseContext
from ._medications import recognise_all, understood
from ._vocab import MIDLINE_REGIONS, SITE_IDS, course_rank, site_label

Raw = str | list[str]
YES = frozenset({"yes", "y", "true", "1", "yep", "yeah"})
NO = frozenset({"no", "n", "false", "0", "nope"})
UNSURE = frozenset(
    {"not sure", "unsure", "maybe", "don't know", "dont know", "do not know", "perhaps", "possibly",
     "idk", "?", "i don't know", "i dont know", "not certain"}
)  # fmt: skip
NO_CHOICE = frozenset({"no", "n", "nothing", "none of these", "none of them", "nope"})
# Hedged answers to an emergency question ("I'm not sure", "maybe?", "kind of", "no?"): any
# doubt about an emergency sign counts as yes (nhs-pathways asks these first for that reason).
HEDGE = re.compile(
    r"\b(?:sure|unsure|maybe|perhaps|possibly|probably|might|think|know|dunno|idea|bit|"
    r"sort of|kind of|kinda|sorta|sometimes|a little|slightly|unclear|uncertain|hmm+)\b|\?",
    re.I,
)
# "perhaps not", "I don't think so": leaning to no, so asked again (with "if you are not sure,
# answer yes") rather than guessed either way.
LEANING_NO = re.compile(
    r"\b(?:perhaps|probably|maybe|possibly)\s+not\b|\bdo(?:n'?t| not)\s+think", re.I
)
SKIP = "skip"
NONE = "none"
SKIPPABLE = frozenset({"", SKIP, "unknown", "don't know", "dont know", "not sure"})
FALLBACK_SITE = "left_thigh"


class AnswerError(ValueError):
    """An answer that cannot be used; `field` is the question id."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """A question as an interface shows it."""

    id: str
    text: str
    help: str | None
    kind: str
    phase: str
    options: list[Option] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    optional: bool = False


def _present(spec: QuestionSpec) -> Question:
    kb = load_knowledge()
    if spec.kind == "sites":
        options = [Option(s, site_label(s)) for s in SITE_IDS]
    else:
        options = [
            Option(o, kb.symptoms[o].label) if isinstance(o, str) else Option(o.value, o.label)
            for o in spec.options
        ]
        if spec.kind == "multi":
            options.append(Option(NONE, "None of these"))
    return Question(
        id=spec.id,
        text=spec.text,
        help=spec.help,
        kind=spec.kind,
        phase=spec.phase,
        options=options,
        minimum=spec.minimum,
        maximum=spec.maximum,
        unit=spec.unit,
        optional=spec.optional,
    )


def _as_list(raw: Raw) -> list[str]:
    items = raw if isinstance(raw, list) else re.sub(r"[;\r\n]", ",", raw).split(",")
    return [i.strip() for i in items if i.strip()]


def _normalise_choice(q: Question, raw: Raw) -> str:
    text = " ".join(_text(raw).lower().split())
    values = [o.value for o in q.options]
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    if text in values:
        return text
    labels = {o.label.lower(): o.value for o in q.options}
    if text in labels:
        return labels[text]
    # a label's last word ("worse" for "Getting worse"), when it names one option only
    short = [v for label, v in labels.items() if text and label.split()[-1] == text]
    if len(short) == 1:
        return short[0]
    shown = ", ".join(f'"{o.label.lower()}"' for o in q.options)
    raise AnswerError(q.id, f"choose one of {shown} (or its number)")


def _normalise_many(q: Question, raw: Raw) -> list[str]:
    by_label = {o.label.lower(): o.value for o in q.options}
    values = [o.value for o in q.options]
    items = _as_list(raw)
    if q.kind == "multi" and [i.lower() for i in items] in ([n] for n in NO_CHOICE):
        return [NONE]
    chosen: list[str] = []
    unknown: list[str] = []
    for item in items:
        key = " ".join(item.lower().split())
        if key.isdigit() and 1 <= int(key) <= len(values):
            key = values[int(key) - 1]
        elif q.kind == "sites":
            key = site_from_words(q.id, key)
        key = by_label.get(key, key.replace(" ", "_"))
        if key not in values:
            unknown.append(item)
            continue
        chosen.append(key)
    if unknown:
        listed = ", ".join(f'"{u}"' for u in unknown)
        raise AnswerError(q.id, f"not one of the choices: {listed}; use the numbers shown")
    if not chosen:
        msg = (
            "choose at least one place" if q.kind == "sites" else 'choose any that apply, or "none"'
        )
        raise AnswerError(q.id, msg)
    if NONE in chosen and len(chosen) > 1:
        raise AnswerError(q.id, '"none" cannot be combined with other choices')
    return list(dict.fromkeys(chosen))


def _text(raw: Raw) -> str:
    return (", ".join(raw) if isinstance(raw, list) else raw).strip()


def _normalise_number(q: Question, raw: Raw) -> str:
    text = _text(raw).replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise AnswerError(q.id, "enter a number" + (f" of {q.unit}" if q.unit else "")) from None
    if value != value:
        raise AnswerError(
            q.id, "NaN is not a number; enter a number" + (f" of {q.unit}" if q.unit else "")
        )
    if q.minimum is not None and value < q.minimum:
        raise AnswerError(q.id, f"must be at least {q.minimum:g}")
    if q.maximum is not None and value > q.maximum:
        raise AnswerError(q.id, f"must be at most {q.maximum:g}")
    return f"{value:g}"


_SIDE_WORDS = {"left": "left", "right": "right", "l": "left", "r": "right"}
_REGION_WORDS = {
    "thigh": "thigh", "quad": "thigh", "quads": "thigh", "quadriceps": "thigh", "knee": "thigh",
    "hamstring": "hamstring", "hamstrings": "hamstring", "calf": "calf", "calves": "calf",
    "foot": "foot", "feet": "foot", "toe": "foot", "toes": "foot", "upper arm": "upper_arm",
    "bicep": "upper_arm", "biceps": "upper_arm", "tricep": "upper_arm", "triceps": "upper_arm",
    "arm": "upper_arm", "forearm": "forearm", "hand": "hand", "thumb": "hand", "finger": "hand",
    "fingers": "hand", "eyelid": "eyelid", "eye": "eyelid", "eyes": "eyelid", "face": "face",
    "cheek": "face", "lip": "face", "tongue": "tongue", "neck": "neck", "back": "back",
    "chest": "chest", "abdomen": "abdomen", "stomach": "abdomen", "belly": "abdomen",
}  # fmt: skip


def site_from_words(qid: str, text: str) -> str:
    """A site typed in words ("left thigh", "above my right knee", "back") -> its id; a limb
    without a side is asked about again rather than guessed."""
    if text in SITE_IDS or text.replace(" ", "_") in SITE_IDS:
        return text.replace(" ", "_")
    words = re.findall(r"[a-z]+", text)
    side = next((_SIDE_WORDS[w] for w in words if w in _SIDE_WORDS), None)
    joined = " ".join(words)
    region = _REGION_WORDS.get("upper arm") if "upper arm" in joined else None
    region = region or next((_REGION_WORDS[w] for w in words if w in _REGION_WORDS), None)
    if region is None:
        return text
    if region in MIDLINE_REGIONS:
        return region
    if side is None:
        raise AnswerError(qid, f'which side is "{text}"? Type left or right with it')
    return f"{side}_{region}"


def _hedged(text: str) -> bool:
    """An answer that is not a plain yes or no and shows doubt ("no, not sure", "maybe?")."""
    plain = text.lower().strip().rstrip(".!")
    if plain in UNSURE:
        return True
    return plain not in YES | NO and not LEANING_NO.search(plain) and bool(HEDGE.search(plain))


def normalise(q: Question, raw: Raw) -> Raw:
    """Check an answer and bring it to its canonical form (raises AnswerError)."""
    try:
        for item in raw if isinstance(raw, list) else [raw]:
            refuse_control_characters(item)
    except ValueError as exc:
        raise AnswerError(q.id, str(exc)) from None
    if q.phase == "emergency" and _hedged(_text(raw)):
        return "yes"  # not sure about an emergency sign: act as if it were there
    if q.optional and _text(raw).lower() in SKIPPABLE:
        return SKIP
    if q.kind == "yes_no":
        text = _text(raw).lower().rstrip(".!")
        if text in YES | NO:
            return "yes" if text in YES else "no"
        if q.phase == "emergency":
            raise AnswerError(q.id, "answer yes or no; if you are not sure, answer yes")
        raise AnswerError(q.id, "answer yes or no")
    if q.kind in ("multi", "sites"):
        return _normalise_many(q, raw)
    if q.kind == "number":
        return _normalise_number(q, raw)
    if q.kind == "choice":
        return _normalise_choice(q, raw)
    items = _as_list(raw)
    if not items:
        raise AnswerError(q.id, 'list them, or answer "none"')
    return NONE if [i.lower() for i in items] == [NONE] else items


class Interview:
    """The state of one assessment interview: the answers given so far."""

    def __init__(
        self, answers: dict[str, Any] | None = None, known: dict[str, Any] | None = None
    ) -> None:
        self._specs = {q.id: q for q in load_knowledge().questions}
        self.known: dict[str, Any] = dict(known or {})
        self.answers: dict[str, Raw] = {}
        self._skipped = self._answered_by_known()
        for qid, raw in (answers or {}).items():
            if qid not in self._specs:
                raise AnswerError(qid, "unknown question")
            self.answer(qid, raw)

    def question(self, qid: str) -> Question:
        return _present(self._specs[qid])

    def answer(self, qid: str, raw: Raw) -> None:
        """Record (or replace) the answer to question `qid`."""
        if qid not in self._specs:
            raise AnswerError(qid, "unknown question")
        self.answers.pop(qid, None)
        self.answers[qid] = normalise(self.question(qid), raw)

    def back(self) -> None:
        """Forget the most recent answer, so its question is asked again."""
        if self.answers:
            self.answers.popitem()

    @property
    def emergency_found(self) -> bool:
        return any(
            self._specs[qid].stop_if_yes and raw == "yes" for qid, raw in self.answers.items()
        )

    def _answered_by_known(self) -> frozenset[str]:
        """The questions that `known` answers well enough to skip (worked out once: `known`
        does not change during the interview).

        The diary can establish a red flag but never rule one out (twitching before the diary
        began, a place not logged), so a question that asks about a red flag is skipped only
        when the known value already raises that flag.
        """
        try:
            ctx: CaseContext | None = CaseContext.of(self._draft_case(include_answers=False))
        except ValidationError:
            ctx = None
        skipped = set()
        for spec in self._specs.values():
            if spec.phase == "emergency" or spec.field is None:
                continue
            head, _, tail = spec.field.partition(".")
            value = self.known.get(head)
            present = (tail in value) if tail and isinstance(value, dict) else value is not None
            guarded = [f for f in load_knowledge().red_flags if f.question == spec.id]
            if present and (
                not guarded or (ctx is not None and any(ctx.holds(f.when) for f in guarded))
            ):
                skipped.add(spec.id)
        return frozenset(skipped)

    def _relevant(self, spec: QuestionSpec) -> bool:
        if spec.id in self._skipped:
            return False
        if spec.ask_if is None:
            return True
        try:
            return CaseContext.of(self._draft_case()).holds(spec.ask_if)
        except ValidationError:
            return True

    def _pending(self) -> list[QuestionSpec]:
        if self.emergency_found:
            return []
        return [s for s in self._specs.values() if s.id not in self.answers and self._relevant(s)]

    def next_question(self) -> Question | None:
        """The next question to ask, or None when the interview is complete."""
        pending = self._pending()
        return _present(pending[0]) if pending else None

    @property
    def is_complete(self) -> bool:
        return self.next_question() is None

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, answered + still to ask)."""
        answered = len(self.answers)
        return answered, answered + len(self._pending())

    def _draft_case(self, include_answers: bool = True) -> Case:
        """Known facts combined with the answers; where both speak, the more worrying wins."""
        data: dict[str, Any] = {k: v for k, v in self.known.items() if k != "factors"}
        factors: dict[str, Any] = dict(self.known.get("factors") or {})
        symptoms: set[str] = set(self.known.get("symptoms") or ())
        for qid, raw in self.answers.items() if include_answers else ():
            spec = self._specs[qid]
            if raw == SKIP:
                continue
            if spec.kind == "multi" and spec.field:
                chosen = [r for r in raw if r != NONE]
                data[spec.field] = list(
                    dict.fromkeys([*(self.known.get(spec.field) or []), *chosen])
                )
            elif spec.kind == "multi":
                symptoms |= {r for r in raw if r != NONE}
            elif spec.kind == "yes_no" and spec.symptoms:
                symptoms |= set(spec.symptoms) if raw == "yes" else set()
            elif spec.field and spec.field.startswith("factors."):
                factors[spec.field[8:]] = _field_value(spec, raw)
            elif spec.field:
                data[spec.field] = _worst(spec.field, self.known.get(spec.field), raw, spec)
        data.setdefault("sites", [FALLBACK_SITE])
        data.setdefault("duration_days", 0)
        return Case.model_validate({**data, "symptoms": sorted(symptoms), "factors": factors})

    def to_case(self) -> Case:
        """The case the answers describe. After an emergency answer the interview stops early;
        unasked history then defaults to the thigh and day 0, which an emergency result ignores."""
        if not self.is_complete:
            raise AnswerError(self.next_question().id, "not answered yet")  # type: ignore[union-attr]
        return self._draft_case()

    def told(self) -> dict[str, Any]:
        """The case as the person told it (JSON), for the history of advice: after an emergency
        stop, history that was never asked is left out rather than shown as an answer."""
        told = self.to_case().model_dump(mode="json")
        if self.emergency_found:
            asked = {self._specs[q].field for q in self.answers} | set(self.known)
            for name in ("sites", "duration_days", "course"):
                if name not in asked:
                    told.pop(name)
        return told

    def assessment(self) -> Assessment:
        return assess(self.to_case())


def medicines_read(iv: Interview) -> tuple[list[str], list[str]]:
    """What the interview understood from the medicines typed so far, and what it did not."""
    raw = iv.answers.get("medications")
    typed = tuple(raw) if isinstance(raw, list) else ()
    return understood(typed), list(recognise_all(typed).unrecognised)


def _worst(name: str, known: Any, raw: Raw, spec: QuestionSpec) -> Any:
    """An answer merged with what was known: lists add up, durations and courses take the worse."""
    answer = _field_value(spec, raw)
    if known is None:
        return answer
    if isinstance(answer, list):
        return list(dict.fromkeys([*known, *answer]))
    if name == "duration_days":
        return max(float(known), answer)
    if name == "course":
        return max(known, answer, key=course_rank)
    return answer


def _field_value(spec: QuestionSpec, raw: Raw) -> Any:
    if spec.kind == "number" and spec.field == "age":
        return int(float(raw))  # type: ignore[arg-type]
    if spec.kind == "number":
        return float(raw)  # type: ignore[arg-type]
    if spec.kind == "yes_no":
        return raw == "yes"
    return [] if raw == NONE else raw


__all__ = ["AnswerError", "Interview", "Option", "Question", "medicines_read", "normalise"]
