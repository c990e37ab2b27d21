"""Every public clinical vignette: no under-triage, every expectation met."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from twitchwise.engine import Case, Triage, assess
from twitchwise.knowledge import load_knowledge

DATA = Path(__file__).parents[1] / "data"
VIGNETTES = json.loads((DATA / "vignettes.json").read_text())
SECOND_PASS = json.loads((DATA / "vignettes_second_pass.json").read_text())
VIGNETTES += SECOND_PASS


def _case(vignette: dict[str, Any]) -> Case:
    body = {k: v for k, v in vignette.items() if k not in ("id", "note", "expect")}
    return Case.model_validate(body)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(vignette: dict[str, Any]) -> None:
    expect = vignette["expect"]
    result = assess(_case(vignette))
    lowest_ok = min(Triage.parse(t) for t in expect["triage"])
    assert Triage.parse(result.triage) >= lowest_ok, f"under-triage: {result.triage}"
    assert result.triage in expect["triage"], vignette["note"]
    assert set(expect.get("red_flags", [])) <= set(result.red_flags)
    assert not set(expect.get("not_red_flags", [])) & set(result.red_flags)
    top3 = {c.id for c in result.contributors[:3]}
    assert set(expect.get("contributors_top3", [])) <= top3
    assert not set(expect.get("not_contributors", [])) & {c.id for c in result.contributors}


def test_second_pass_vignettes_each_cite_a_known_source() -> None:
    """Issue 9: at least 40 new vignettes, each with the source for its expected level."""
    sources = load_knowledge().sources
    assert len(SECOND_PASS) >= 40
    assert all(v["expect"]["source"] in sources for v in SECOND_PASS)


def test_there_are_vignettes_of_every_level() -> None:
    levels = {t for v in VIGNETTES for t in v["expect"]["triage"]}
    assert levels == {"self_care", "doctor", "urgent", "emergency"}
