"""`row_security_binds`: whether PostgreSQL's row-level security holds for the connected role."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from twitchwise.diary._store import make_engine, open_engine, row_security_binds

if TYPE_CHECKING:
    from conftest import PostgresServer

pytestmark = pytest.mark.postgres


def test_an_ordinary_role_is_bound(app_postgres_url: str) -> None:
    engine = open_engine(app_postgres_url)
    try:
        assert row_security_binds(engine)
    finally:
        engine.dispose()


def test_a_superuser_is_not(postgres_url: str) -> None:
    engine = open_engine(postgres_url)
    try:
        assert not row_security_binds(engine)
    finally:
        engine.dispose()


def test_an_owner_whose_table_lost_force_is_not(app_postgres_url: str) -> None:
    engine = open_engine(app_postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(text('ALTER TABLE "checkins" NO FORCE ROW LEVEL SECURITY'))
        assert not row_security_binds(engine)
    finally:
        engine.dispose()


def test_sqlite_has_no_row_security(sqlite_url: str) -> None:
    engine = open_engine(sqlite_url)
    try:
        assert not row_security_binds(engine)
    finally:
        engine.dispose()


def test_a_bypassrls_role_is_not(app_postgres_url: str, postgres_server: PostgresServer) -> None:
    """An ordinary role but for BYPASSRLS: no superuser, yet every policy is skipped."""
    with postgres_server.admin() as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = 'twitchwise_bypass'"
        ).fetchone():
            conn.execute("CREATE ROLE twitchwise_bypass LOGIN NOSUPERUSER BYPASSRLS")
    open_engine(app_postgres_url).dispose()  # migrated by the owner
    engine = make_engine(app_postgres_url.replace("twitchwise_app@", "twitchwise_bypass@"))
    try:
        assert not row_security_binds(engine)
    finally:
        engine.dispose()
