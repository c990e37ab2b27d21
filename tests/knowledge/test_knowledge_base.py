"""The knowledge base is complete, sourced and consistent with the case format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from twitchwise.engine._vocab import CONTRIBUTOR_IDS, RED_FLAG_IDS, SYMPTOM_IDS
from twitchwise.knowledge import KnowledgeError, RedFlag, load_knowledge
from twitchwise.knowledge._load import _check

CASE_FORMAT = (Path(__file__).parents[2] / "docs" / "reference" / "case-format.md").read_text()


def _table_ids(heading: str) -> set[str]:
    section = CASE_FORMAT.split(heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))


def test_vocabulary_matches_the_case_format_document() -> None:
    added = CASE_FORMAT.split("New symptom ids:", 1)[1].split("\n\n", 1)[0]
    added_ids = set(re.findall(r"`([a-z_]+)`", added))
    assert _table_ids("### Symptom ids") | added_ids == set(SYMPTOM_IDS)
    flags = set(re.findall(r"`([a-z_]+)`", CASE_FORMAT.split("- `red_flags`", 1)[1][:600]))
    assert {"persistent", "worsening", "widespread", "medication_suspected", "bulbar"} <= flags
    contributors = CASE_FORMAT.split("- `contributors`", 1)[1].split("- `plan`", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", contributors)) == set(CONTRIBUTOR_IDS)


def test_every_case_format_id_has_an_entry() -> None:
    kb = load_knowledge()
    assert set(kb.symptoms) == set(SYMPTOM_IDS)
    assert set(kb.causes) == set(CONTRIBUTOR_IDS)
    non_symptom_flags = set(RED_FLAG_IDS) - set(SYMPTOM_IDS)
    assert non_symptom_flags <= {f.id for f in kb.red_flags}


def test_every_symptom_is_asked_in_the_interview() -> None:
    kb = load_knowledge()
    asked = {s for q in kb.questions for s in q.symptoms}
    asked |= {o for q in kb.questions for o in q.options if isinstance(o, str)}
    assert asked == set(SYMPTOM_IDS)


def test_every_contributor_has_a_strategy() -> None:
    kb = load_knowledge()
    served = {c for s in kb.strategies for c in s.serves}
    assert served == set(CONTRIBUTOR_IDS)


def test_every_citation_names_a_known_source() -> None:
    kb = load_knowledge()
    from twitchwise.knowledge._load import _cited

    cited = list(_cited(kb))
    assert len(cited) > 40
    assert all(src in kb.sources for _, src in cited)
    assert {"seed", "nhs-twitching", "fda-caffeine", "aasm-sleep"} <= {s for _, s in cited}


def test_red_flags_only_test_for_something_present() -> None:
    """Absence tests could make a worrying answer lower the triage."""
    for flag in load_knowledge().red_flags:
        assert not flag.when.tests_absence(), flag.id
        assert not any(e.when.tests_absence() for e in flag.escalations), flag.id


def test_emergency_questions_come_first() -> None:
    phases = [q.phase for q in load_knowledge().questions]
    n = phases.count("emergency")
    assert n >= 4 and phases[:n] == ["emergency"] * n


def test_an_entry_without_a_source_is_refused() -> None:
    with pytest.raises(ValidationError, match="source"):
        RedFlag.model_validate(
            {
                "id": "weakness",
                "title": "t",
                "when": {},
                "level": "doctor",
                "why": "w",
                "advice": "a",
            }
        )


def test_an_unknown_id_is_refused() -> None:
    with pytest.raises(ValidationError):
        RedFlag.model_validate(
            {"id": "twitchiness", "question": "neuro_signs", "title": "t", "when": {},
             "level": "doctor", "why": "w", "advice": "a", "source": "seed"}
        )  # fmt: skip
    with pytest.raises(ValidationError):
        RedFlag.model_validate(
            {"id": "weakness", "question": "neuro_signs", "title": "t",
             "when": {"symptoms_any": ["twitchiness"]},
             "level": "doctor", "why": "w", "advice": "a", "source": "seed"}
        )  # fmt: skip


def test_an_unknown_source_is_refused() -> None:
    kb = load_knowledge()
    flag = kb.red_flags[0].model_copy(update={"source": "my-blog"})
    broken = kb.model_copy(update={"red_flags": (flag, *kb.red_flags[1:])})
    with pytest.raises(KnowledgeError, match="my-blog"):
        _check(broken)


def test_every_red_flag_is_asked_by_a_question_that_can_raise_it() -> None:
    kb = load_knowledge()
    questions = {q.id: q for q in kb.questions}
    for flag in kb.red_flags:
        q = questions[flag.question]
        symptoms = set(q.symptoms) | {o for o in q.options if isinstance(o, str)}
        asked = {"symptoms"} if symptoms else {(q.field or "").partition(".")[0]}
        assert flag.when.case_fields() & asked, flag.id
