"""Backups between people: a backup is one person's diary and restores as the restorer's.

Ids are shared by everyone in a database. A restore keeps a backup's ids only when nobody holds
them, which on PostgreSQL under row-level security cannot be seen with a query (other people's
rows are hidden): the primary key's refusal is what tells. And a restore never writes an id the
sequence has not handed out, so someone adding an entry during a restore is never given one of
the restored ids, and the sequence never has to move (setval could move it back under them).
"""

from __future__ import annotations

import io
import threading
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, text

from twitchwise.backup import backup_bytes, restore_backup
from twitchwise.diary import Diary

from .conftest import MARK_A, MARK_B, World, new_person


def _content(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {t: [{k: v for k, v in r.items() if k != "id"} for r in rs] for t, rs in rows.items()}


def test_a_backup_restored_into_b_becomes_b_and_leaves_a_alone(world: World) -> None:
    a_rows = world.a.all_rows()
    data, _ = backup_bytes(world.a)
    assert MARK_B.encode() not in data  # A's backup holds nothing of B's
    restore_backup(world.b, io.BytesIO(data), replace=True)
    assert _content(world.b.all_rows()) == _content(a_rows)
    assert world.a.all_rows() == a_rows  # A's rows, ids included, untouched
    # B's copy is B's: B can change it, A does not see the change, and A's ids are not B's.
    b_twitch = world.b.list_twitches()[0]
    assert b_twitch.id not in {t.id for t in world.a.list_twitches()}
    world.b.update_twitch(b_twitch.id, note="B's now")
    world.b.delete_checkin(world.b.list_checkins()[0].day)
    assert world.a.all_rows() == a_rows
    assert MARK_A in (world.b.get_twitch(world.b.list_twitches()[-1].id).note or "")


def test_restoring_ids_someone_else_holds_renumbers_them_in_order(world: World) -> None:
    """B's backup holds ids that A's rows have: restored into a newcomer, they are renumbered,
    in the backup's order, and nobody's rows move."""
    data, _ = backup_bytes(world.b)
    before = {who: d.all_rows() for who, d in (("a", world.a), ("b", world.b))}
    newcomer = world.base.for_person(new_person(world.base.engine))
    restore_backup(newcomer, io.BytesIO(data))
    restored = newcomer.all_rows()
    assert _content(restored) == _content(before["b"])
    for table in ("twitches", "day_values", "assessments", "experiments"):
        ids = [r["id"] for r in restored[table]]
        assert ids == sorted(ids)
        assert not set(ids) & {r["id"] for r in before["a"][table] + before["b"][table]}
    assert {"a": world.a.all_rows(), "b": world.b.all_rows()} == before
    # and everyone can go on adding entries without a collision
    for diary in (world.a, world.b, newcomer):
        diary.add_twitch("neck", datetime(2026, 3, 9, 9, 0))


def test_a_restore_of_ids_the_database_never_gave_out_renumbers_them(
    app_postgres_url: str,
) -> None:
    """A backup from another database (a laptop's SQLite) holds ids this server's sequence has
    not reached: written as they are, the next person adding an entry would be handed one of
    them. They are renumbered instead, and the sequence only ever moves forward."""
    with Diary.open(app_postgres_url) as base:
        a = base.for_person(new_person(base.engine))
        b = base.for_person(new_person(base.engine))
        b.add_twitch("neck", datetime(2026, 3, 1, 9, 0))
        laptop = {"twitches": [_twitch_row(5000, "first"), _twitch_row(7000, "second")]}
        last_before = _last_value(base)
        a.replace_tables(laptop)
        ids = [t.id for t in a.list_twitches()]
        assert ids == sorted(ids) and max(ids) <= _last_value(base)
        assert [t.note for t in a.list_twitches()] == ["first", "second"]
        assert _last_value(base) >= last_before
        b.add_twitch("neck", datetime(2026, 3, 2, 9, 0))  # no collision with A's


def test_someone_adding_an_entry_during_a_restore_is_not_given_a_restored_id(
    app_postgres_url: str,
) -> None:
    """Right after A's restore has written its twitches (not yet committed), B adds a twitch.
    B's insert must neither wait on nor collide with A's restored ids."""
    with Diary.open(app_postgres_url) as base:
        a = base.for_person(new_person(base.engine))
        b = base.for_person(new_person(base.engine))
        for n in range(3):
            b.add_twitch("neck", datetime(2026, 3, 1, 9, n))
        backup = {"twitches": [_twitch_row(4, "A1"), _twitch_row(5, "A2")]}
        outcome: list[object] = []
        me = threading.get_ident()

        def after_execute(conn: Any, clause: Any, *_: Any) -> None:
            table = getattr(clause, "table", None)
            if threading.get_ident() != me or outcome or getattr(table, "name", "") != "twitches":
                return
            if not getattr(clause, "is_insert", False):
                return
            worker = threading.Thread(target=_add, args=(b, outcome))
            worker.start()
            worker.join(timeout=5)  # B must finish while A's transaction is still open
            assert not worker.is_alive(), "B's insert waited on A's uncommitted restored rows"

        event.listen(base.engine, "after_execute", after_execute)
        try:
            a.replace_tables(backup)
        finally:
            event.remove(base.engine, "after_execute", after_execute)
        assert outcome and not isinstance(outcome[0], BaseException), outcome
        assert len(b.list_twitches()) == 4 and len(a.list_twitches()) == 2


def _add(diary: Diary, outcome: list[object]) -> None:
    try:
        outcome.append(diary.add_twitch("neck", datetime(2026, 3, 3, 9, 0)))
    except BaseException as exc:  # reported to the test's thread
        outcome.append(exc)


def _twitch_row(row_id: int, note: str) -> dict[str, Any]:
    return {
        "id": row_id,
        "at_utc": datetime(2026, 2, 1, 8, row_id % 60),
        "utc_offset_min": 0,
        "explicit_offset": True,
        "local_day": datetime(2026, 2, 1).date(),
        "site": "left_calf",
        "intensity": None,
        "count": 1,
        "duration_s": None,
        "note": note,
        "created_at": datetime(2026, 2, 1, 9, 0),
        "client_id": None,
    }


def _last_value(diary: Diary) -> int:
    with diary.engine.connect() as conn:
        value = conn.execute(
            text("SELECT pg_sequence_last_value(pg_get_serial_sequence('twitches', 'id'))")
        ).scalar_one()
    return int(value or 0)


def test_a_backup_cannot_name_an_owner(world: World) -> None:
    """A crafted backup whose rows carry `person_id` (B's) is refused before anything is
    written: the owner is never read from a file, always the restoring person."""
    import csv
    import hashlib
    import json
    import zipfile

    from twitchwise.diary import DiaryError

    data, _ = backup_bytes(world.a)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    rows = list(csv.reader(io.StringIO(files["twitches.csv"].decode())))
    rows = [[*rows[0], "person_id"]] + [[*r, str(world.b.person_id)] for r in rows[1:]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    files["twitches.csv"] = out.getvalue().encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    before = {"a": world.a.all_rows(), "b": world.b.all_rows()}
    with pytest.raises(DiaryError, match="person_id"):
        restore_backup(world.a, io.BytesIO(crafted.getvalue()), replace=True)
    assert {"a": world.a.all_rows(), "b": world.b.all_rows()} == before
