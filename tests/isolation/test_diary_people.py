"""One person's Diary never returns, changes or deletes another person's rows (issue 16).

Two people share one database (SQLite, and PostgreSQL as an ordinary role, where row-level
security also applies) with one of everything on the same days, metrics, sources and client
ids. Every public method of `Diary` has a check here, found by introspection: a method added
later without a check fails `test_every_public_diary_method_has_an_isolation_check`.

Each check is run by person A against B's ids and keys; afterwards B's rows must be exactly as
they were, and nothing A was given may contain B's marker.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from twitchwise.diary import LOCAL_PERSON, DayValue, Diary, DiaryError, NotFoundError

from .conftest import (
    B_ONLY_DAY,
    DAY,
    MARK_A,
    MARK_B,
    SHARED_SOURCE,
    World,
    new_person,
    view_of,
)

Check = Callable[[World], object]
CHECKS: dict[str, Check] = {}
READS: set[str] = set()
"""Checks that only read: they share one world (per database kind), which is faster."""


def check(name: str, *, reads: bool = False) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        if reads:
            READS.add(name)
        return function

    return register


def text_of(value: object) -> str:
    """What a person would be shown of `value` (a frame as CSV: its repr is cut short)."""
    to_csv = getattr(value, "to_csv", None)
    if callable(to_csv):
        return str(to_csv())
    if inspect.isgenerator(value):
        return repr(list(value))
    return repr(value)


def without_ids(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {t: [{k: v for k, v in r.items() if k != "id"} for r in rs] for t, rs in rows.items()}


# -- twitches ---------------------------------------------------------------------------------


@check("add_twitch")
def _add_twitch(w: World) -> object:
    # B's client id, sent by A, stores a new twitch of A's: it is not B's twitch handed back.
    twin = w.a.add_twitch("left_calf", datetime(2026, 3, 2, 9, 0), client_id="phone-1")
    assert twin.id not in w.held_b.twitches and twin.id in w.held_a.twitches
    new = w.a.add_twitch("neck", datetime(2026, 3, 7, 9, 0), client_id="fresh-1")
    assert new.id not in w.held_b.twitches
    assert w.a.get_twitch(new.id) == new
    return [twin, new]


@check("add_twitch_once")
def _add_twitch_once(w: World) -> object:
    # A's own "phone-1" comes back unstored; B's "b-only-1", sent by A, stores A's own twitch.
    twin, stored = w.a.add_twitch_once("left_calf", datetime(2026, 3, 2, 9, 0), client_id="phone-1")
    assert not stored and twin.id in w.held_a.twitches and twin.id not in w.held_b.twitches
    new, stored = w.a.add_twitch_once("neck", datetime(2026, 3, 7, 9, 0), client_id="b-only-1")
    assert stored and new.id not in w.held_b.twitches and w.a.get_twitch(new.id) == new
    return [twin, new]


@check("get_twitch", reads=True)
def _get_twitch(w: World) -> object:
    for twitch_id in w.held_b.twitches:
        with pytest.raises(NotFoundError):
            w.a.get_twitch(twitch_id)
    return [w.a.get_twitch(i) for i in w.held_a.twitches]


@check("list_twitches", reads=True)
def _list_twitches(w: World) -> object:
    found = w.a.list_twitches()
    assert [t.id for t in found] == w.held_a.twitches
    assert w.a.list_twitches(B_ONLY_DAY, B_ONLY_DAY) == []
    return found


@check("twitch_page", reads=True)
def _twitch_page(w: World) -> object:
    pages = [w.a.twitch_page(limit=1)]
    pages.append(w.a.twitch_page(after=(datetime(2000, 1, 1), 0), limit=100))
    assert [t.id for t in pages[1]] == w.held_a.twitches
    return pages


@check("iter_twitches", reads=True)
def _iter_twitches(w: World) -> object:
    found = list(w.a.iter_twitches(batch=1))
    assert [t.id for t in found] == w.held_a.twitches
    return found


if hasattr(Diary, "twitch_by_client_id"):  # comes with the import jobs of issue 16

    @check("twitch_by_client_id", reads=True)
    def _twitch_by_client_id(w: World) -> object:
        assert w.a.twitch_by_client_id("b-only-1") is None
        own = w.a.twitch_by_client_id("phone-1")  # B sent the same client id
        assert own is not None and own.id == w.held_a.twitches[0]
        return own


@check("update_twitch")
def _update_twitch(w: World) -> object:
    for twitch_id in w.held_b.twitches:
        with pytest.raises(NotFoundError):
            w.a.update_twitch(twitch_id, note="changed by A")
    return w.a.update_twitch(w.held_a.twitches[0], note="A's own edit")


@check("delete_twitch")
def _delete_twitch(w: World) -> object:
    for twitch_id in w.held_b.twitches:
        with pytest.raises(NotFoundError):
            w.a.delete_twitch(twitch_id)
    w.a.delete_twitch(w.held_a.twitches[0])
    return w.a.list_twitches()


@check("twitch_counts_by_day", reads=True)
def _twitch_counts_by_day(w: World) -> object:
    counts = w.a.twitch_counts_by_day()
    assert counts.to_csv() == w.a_before["counts_by_day"]
    assert B_ONLY_DAY not in {d.date() if hasattr(d, "date") else d for d in counts.index}
    return counts


# -- check-ins ---------------------------------------------------------------------------------


@check("save_checkin")
def _save_checkin(w: World) -> object:
    saved = w.a.save_checkin(DAY, sleep_hours=4.5)  # the day B has a check-in on too
    assert saved.notes == MARK_A  # A's own row was updated, not B's
    return [saved, w.a.save_checkin(B_ONLY_DAY, sleep_hours=3, replace=True)]


@check("mark_no_twitches")
def _mark_no_twitches(w: World) -> object:
    # B logged twitches on B_ONLY_DAY; that does not stop A saying A had none.
    return w.a.mark_no_twitches(B_ONLY_DAY)


@check("get_checkin", reads=True)
def _get_checkin(w: World) -> object:
    assert w.a.get_checkin(B_ONLY_DAY) is None
    own = w.a.get_checkin(DAY)
    assert own is not None and own.notes == MARK_A
    return own


@check("list_checkins", reads=True)
def _list_checkins(w: World) -> object:
    found = w.a.list_checkins()
    assert [c.day for c in found] == w.held_a.days
    return found


@check("delete_checkin")
def _delete_checkin(w: World) -> object:
    with pytest.raises(NotFoundError):
        w.a.delete_checkin(B_ONLY_DAY)
    w.a.delete_checkin(DAY)  # A's; B's check-in of the same day stays (checked by the runner)
    return w.a.list_checkins()


# -- imported values and imports ---------------------------------------------------------------


@check("import_day_values")
def _import_day_values(w: World) -> object:
    same = [DayValue(DAY, "sleep_hours", 6.5), DayValue(B_ONLY_DAY, "steps", 5.0)]
    stats = w.a.import_day_values(same, SHARED_SOURCE)
    # A's sleep value of DAY is replaced; the B-only day is new for A, not B's value updated.
    assert (stats.added, stats.updated) == (1, 1)
    return stats


@check("list_day_values", reads=True)
def _list_day_values(w: World) -> object:
    found = w.a.list_day_values()
    assert {source for source, _ in found} == {SHARED_SOURCE, f"{MARK_A}-app"}
    assert w.a.list_day_values(source=f"{MARK_B}-app") == []
    return found


@check("day_values_in_use", reads=True)
def _day_values_in_use(w: World) -> object:
    in_use = w.a.day_values_in_use()
    assert in_use == w.a_before["day_values_in_use"]
    return in_use


@check("delete_day_values")
def _delete_day_values(w: World) -> object:
    assert w.a.delete_day_values(SHARED_SOURCE) == 2  # A's two, not B's as well
    assert w.a.delete_day_values(f"{MARK_B}-app") == 0
    return w.a.list_day_values()


@check("import_entries")
def _import_entries(w: World) -> object:
    # B's own twitch and check-in, imported by A: new to A (never "unchanged" because B has them).
    b_twitch = w.b.get_twitch(w.held_b.twitches[-1])
    twitch = {
        "time": b_twitch.time,
        "explicit_offset": b_twitch.explicit_offset,
        "site": b_twitch.site,
        "intensity": b_twitch.intensity,
        "count": b_twitch.count,
        "duration_s": b_twitch.duration_s,
        "note": "imported by A",
    }
    checkin = {"day": B_ONLY_DAY, "sleep_hours": 5.0}
    values = {SHARED_SOURCE: {(DAY, "steps"): 8000.0}}
    stats = w.a.import_entries([twitch], [checkin], values)
    assert stats.by_kind["twitches"] == {"added": 1, "unchanged": 0}
    assert stats.by_kind["days"] == {"added": 1, "updated": 0, "unchanged": 0}
    assert stats.by_kind["day_values"] == {"added": 0, "updated": 1, "unchanged": 0}
    again = w.a.import_entries([twitch], [checkin], values)
    assert again.added == again.updated == 0
    return [stats, again]


# -- what statistics read -------------------------------------------------------------------


@check("daily_frame", reads=True)
def _daily_frame(w: World) -> object:
    frame = w.a.daily_frame()
    assert frame.to_csv() == w.a_before["daily_frame"]
    return frame


@check("last_change")
def _last_change(w: World) -> object:
    key = w.a.last_change()
    assert key == w.a_before["last_change"]  # B's writes do not move A's cache key
    w.b.add_twitch("neck", datetime(2026, 3, 8, 9, 0), note=f"{MARK_B} later")
    assert w.a.last_change() == key
    return key


# -- experiments and assessments ------------------------------------------------------------


@check("save_experiment")
def _save_experiment(w: World) -> object:
    with pytest.raises(DiaryError, match="still running"):  # A's own, not B's
        w.a.save_experiment({"factor": "water"})
    w.a.end_experiment(w.held_a.active_experiment)
    started = w.a.save_experiment({"factor": "water"})  # B's running one does not stop A
    assert started not in w.held_b.experiments
    return started


@check("active_experiment", reads=True)
def _active_experiment(w: World) -> object:
    active = w.a.active_experiment()
    assert active is not None and active[0] == w.held_a.active_experiment
    return active


@check("list_experiments", reads=True)
def _list_experiments(w: World) -> object:
    found = w.a.list_experiments()
    assert sorted(e.id for e in found) == sorted(w.held_a.experiments)
    return found


@check("end_experiment")
def _end_experiment(w: World) -> object:
    for experiment_id in w.held_b.experiments:
        with pytest.raises(NotFoundError):
            w.a.end_experiment(experiment_id)
    assert w.b.active_experiment() is not None
    w.a.end_experiment(w.held_a.active_experiment)
    return w.a.list_experiments()


@check("record_assessment")
def _record_assessment(w: World) -> object:
    again = w.a.record_assessment({}, {"triage": "x"}, "web", client_id="assess-1")
    assert again == w.held_a.assessments[0]  # A's own retry, not B's assessment
    new = w.a.record_assessment({}, {"triage": "x"}, "web", client_id="a-only")
    assert new not in w.held_b.assessments
    return [again, new]


@check("list_assessments", reads=True)
def _list_assessments(w: World) -> object:
    found = w.a.list_assessments(limit=None)
    assert sorted(r.id for r in found) == sorted(w.held_a.assessments)
    return found


# -- whole tables: backups, restores, erasing ------------------------------------------------


@check("tables", reads=True)
def _tables(w: World) -> object:
    # A backup never carries the owner: it restores as whoever restores it.
    assert all("person_id" not in t.c for t in w.a.tables())
    return [t.name for t in w.a.tables()]


@check("all_rows", reads=True)
def _all_rows(w: World) -> object:
    rows = w.a.all_rows()
    assert rows == w.a_before["all_rows"]
    return rows


@check("row_counts", reads=True)
def _row_counts(w: World) -> object:
    counts = w.a.row_counts()
    assert counts == w.a_before["row_counts"]
    return counts


@check("is_empty")
def _is_empty(w: World) -> object:
    newcomer = w.base.for_person(new_person(w.base.engine))
    assert newcomer.is_empty() and not w.a.is_empty()
    return newcomer.all_rows()


@check("replace_tables")
def _replace_tables(w: World) -> object:
    """A restores B's backup (the rows B's diary holds): A gets a copy, B keeps theirs, and the
    ids B holds are not taken from B."""
    b_rows = w.b.all_rows()
    with pytest.raises(DiaryError, match="not empty"):
        w.a.replace_tables(b_rows)
    w.a.replace_tables(b_rows, replace=True)
    copied = w.a.all_rows()
    assert without_ids(copied) == without_ids(b_rows)
    b_ids = {r["id"] for r in b_rows["twitches"]}
    assert b_ids.isdisjoint(r["id"] for r in copied["twitches"])
    w.a.replace_tables(w.a_before["all_rows"], replace=True)  # and A's own back
    assert without_ids(w.a.all_rows()) == without_ids(w.a_before["all_rows"])
    return None  # A was handed B's rows on purpose; nothing returned


@check("erase")
def _erase(w: World) -> object:
    w.a.erase()
    assert w.a.is_empty()
    return w.a.all_rows()


# -- opening, views, closing ----------------------------------------------------------------


@check("open", reads=True)
def _open(w: World) -> object:
    with Diary.open(w.url, person_id=w.a.person_id) as again:
        assert again.all_rows() == w.a_before["all_rows"]
        return view_of(again)


@check("for_person", reads=True)
def _for_person(w: World) -> object:
    view = w.b.for_person(w.a.person_id)  # a view from B's object is still only A's
    assert view.all_rows() == w.a_before["all_rows"]
    with pytest.raises(DiaryError, match="person"):
        w.a.for_person(0)
    return view_of(view)


@check("close")
def _close(w: World) -> object:
    w.a.close()  # a view's close leaves the shared connections to the others
    return w.b.row_counts() and w.a.row_counts()


@check("memory", reads=True)
def _memory(w: World) -> object:
    with Diary.memory() as fresh:
        assert fresh.is_empty() and fresh.person_id == LOCAL_PERSON
        return fresh.all_rows()


@check("ping", reads=True)
def _ping(w: World) -> object:
    return w.a.ping()


def public_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(Diary)
        if not name.startswith("_") and callable(member)
    }


def test_every_public_diary_method_has_an_isolation_check() -> None:
    missing = sorted(public_methods() - set(CHECKS))
    assert not missing, f"Diary methods without an isolation check: {missing}"
    assert not set(CHECKS) - public_methods(), "checks for methods that no longer exist"


@pytest.mark.parametrize("name", sorted(READS))
def test_reading_as_person_a_never_shows_person_b(reading_world: World, name: str) -> None:
    _run(reading_world, name)


@pytest.mark.parametrize("name", sorted(set(CHECKS) - READS))
def test_writing_as_person_a_never_touches_person_b(world: World, name: str) -> None:
    _run(world, name)


def _run(world: World, name: str) -> None:
    before = world.b_rows()
    handed_to_a = CHECKS[name](world)
    assert MARK_B not in text_of(handed_to_a), f"{name} gave A some of B's data"
    after = world.b_rows()
    if name == "last_change":  # that check has B add a twitch, to show A's key does not move
        after["twitches"] = after["twitches"][:-1]
    assert after == before, f"{name} called by A changed B's rows"


def test_the_local_person_sees_neither(reading_world: World) -> None:
    """The diary of the computer's owner (person 1) stays empty while A and B write."""
    world = reading_world
    assert world.base.person_id == LOCAL_PERSON
    assert world.base.is_empty()
    assert MARK_B not in text_of(world.base.all_rows())


def test_b_sees_none_of_a_either(reading_world: World) -> None:
    """The same from B's side, for the reads: nothing of A's marker reaches B."""
    world = reading_world
    for answer in view_of(world.b).values():
        assert MARK_A not in text_of(answer)
    assert not set(world.held_a.twitches) & {t.id for t in world.b.list_twitches()}
    assert len(world.b.list_checkins()) == 3 and world.b.get_checkin(DAY) is not None
    assert world.b.get_checkin(DAY).notes == MARK_B  # type: ignore[union-attr]
    assert world.a.get_checkin(DAY + timedelta(days=1)) is not None
