"""Migrations: upgrade and downgrade on both databases; the migrations create exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from twitchwise.diary import Diary
from twitchwise.diary._models import Base
from twitchwise.diary._store import current_revision, head_revision, make_engine, migrate

TABLES = {"twitches", "checkins", "day_values", "assessments", "experiments"}


def test_upgrade_then_downgrade_then_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        migrate(engine, "base", downgrade=True)
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        migrate(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_migrations_match_models(db_url: str) -> None:
    with Diary.open(db_url) as diary, diary.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_open_keeps_data_and_is_repeatable(db_url: str) -> None:
    with Diary.open(db_url) as diary:
        diary.add_twitch("left_thigh")
    with Diary.open(db_url) as diary:
        assert len(diary.list_twitches()) == 1
