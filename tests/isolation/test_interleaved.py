"""Random interleavings of two people's writes: each person's diary equals a model kept per person.

Hypothesis draws a sequence of operations by A and B (log, edit and delete twitches, save and
delete check-ins, import values with the same keys, record assessments with the same client ids),
including attempts at the other person's ids; each person's view must then be exactly their own
model. Every example uses two new people in the same database, among the earlier examples' rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.diary import DayValue, Diary, NotFoundError

from .conftest import new_person

START = date(2026, 5, 1)
SITES = ("left_calf", "eyelid", "neck")
METRICS = ("steps", "sleep_hours")


@dataclass
class Model:
    """What one person's diary should hold."""

    twitches: dict[int, tuple[str, date, int]] = field(default_factory=dict)
    checkins: dict[date, float] = field(default_factory=dict)
    values: dict[tuple[date, str], float] = field(default_factory=dict)
    assessments: dict[str, int] = field(default_factory=dict)


who = st.sampled_from((0, 1))
day = st.integers(0, 4).map(lambda n: START + timedelta(days=n))
operation = st.one_of(
    st.tuples(st.just("add"), who, st.sampled_from(SITES), day, st.integers(1, 5)),
    st.tuples(st.just("update"), who, st.integers(0, 30), st.integers(1, 5)),
    st.tuples(st.just("delete"), who, st.integers(0, 30)),
    st.tuples(st.just("checkin"), who, day, st.integers(3, 9).map(float)),
    st.tuples(st.just("uncheck"), who, day),
    st.tuples(st.just("import"), who, day, st.sampled_from(METRICS), st.integers(1, 9)),
    st.tuples(st.just("assess"), who, st.sampled_from(("c1", "c2", "c3"))),
)


def _apply(op: tuple[Any, ...], diaries: list[Diary], models: list[Model], ids: list[int]) -> None:
    """Do `op` as person op[1] and in their model; an id is any twitch id either person got."""
    kind, person = op[0], int(op[1])
    diary, model = diaries[person], models[person]
    if kind == "add":
        _, _, site, on, count = op
        twitch = diary.add_twitch(site, datetime.combine(on, datetime.min.time()), count=count)
        model.twitches[twitch.id] = (str(site), on, int(count))
        ids.append(twitch.id)
    elif kind in ("update", "delete") and ids:
        twitch_id = ids[int(op[2]) % len(ids)]
        if twitch_id not in model.twitches:  # the other person's, or deleted: not found
            with pytest.raises(NotFoundError):
                _edit(diary, kind, twitch_id, op)
            return
        _edit(diary, kind, twitch_id, op)
        if kind == "delete":
            del model.twitches[twitch_id]
        else:
            site, on, _ = model.twitches[twitch_id]
            model.twitches[twitch_id] = (site, on, int(op[3]))
    elif kind == "checkin":
        diary.save_checkin(op[2], sleep_hours=op[3])
        model.checkins[op[2]] = float(op[3])
    elif kind == "uncheck":
        if op[2] in model.checkins:
            diary.delete_checkin(op[2])
            del model.checkins[op[2]]
        else:
            with pytest.raises(NotFoundError):
                diary.delete_checkin(op[2])
    elif kind == "import":
        _, _, on, metric, value = op
        diary.import_day_values([DayValue(on, metric, value)], "watch")
        model.values[(on, metric)] = float(value)
    elif kind == "assess":
        got = diary.record_assessment({}, {"triage": "x"}, "api", client_id=str(op[2]))
        assert model.assessments.setdefault(str(op[2]), got) == got


def _edit(diary: Diary, kind: str, twitch_id: int, op: tuple[Any, ...]) -> None:
    if kind == "delete":
        diary.delete_twitch(twitch_id)
    else:
        diary.update_twitch(twitch_id, count=op[3])


def _view(diary: Diary) -> Model:
    return Model(
        twitches={t.id: (t.site, t.day, t.count) for t in diary.list_twitches()},
        checkins={c.day: c.sleep_hours for c in diary.list_checkins()},
        values={(v.day, v.metric): v.value for _, v in diary.list_day_values()},
        assessments={},
    )


@pytest.fixture
def shared(shared_url: str) -> Iterator[Diary]:
    with Diary.open(shared_url) as diary:
        yield diary


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, max_size=25))
def test_interleaved_writes_keep_each_persons_diary_their_own(
    shared: Diary, ops: list[tuple[Any, ...]]
) -> None:
    diaries = [shared.for_person(new_person(shared.engine)) for _ in range(2)]
    models = [Model(), Model()]
    ids: list[int] = []
    for op in ops:
        _apply(op, diaries, models, ids)
    for diary, model in zip(diaries, models, strict=True):
        seen = _view(diary)
        assert (seen.twitches, seen.checkins, seen.values) == (
            model.twitches,
            model.checkins,
            model.values,
        )
        kept = {r.id for r in diary.list_assessments(limit=None)}
        assert kept == set(model.assessments.values())
