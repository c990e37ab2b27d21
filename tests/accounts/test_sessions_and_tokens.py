"""Signed-in browsers (sessions) and personal access tokens: only hashes are stored, sessions
end when idle or old, tokens work until revoked and only for their owner."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from twitchwise.accounts import AccountError, Accounts
from twitchwise.accounts._accounts import SESSION_MAX_AGE, TOUCH_EVERY, digest, utc_now
from twitchwise.diary._models import AccessTokenRow, SessionRow

from .conftest import OTHER_PASSWORD, PASSWORD


def all_text(accounts: Accounts, table: str) -> str:
    """Every value of every row of `table`, as one string."""
    with accounts.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {table}")).all()
    return " ".join(str(value) for row in rows for value in row)


def edit_session(accounts: Accounts, **values: object) -> None:
    with Session(accounts.engine) as session, session.begin():
        for row in session.scalars(select(SessionRow)):
            for name, value in values.items():
                setattr(row, name, value)


def test_a_session_is_stored_only_as_a_hash(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    cookie = accounts.start_session(person.id, user_agent="Firefox on a phone")
    assert len(cookie) >= 40  # 32 random bytes
    stored = all_text(accounts, "auth_sessions")
    assert cookie not in stored and digest(cookie) in stored
    signed = accounts.session_person(cookie)
    assert signed is not None and signed.person.id == person.id
    assert signed.session_hash == digest(cookie) and signed.token_id is None


def test_every_sign_in_is_a_new_random_session(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    cookies = {accounts.start_session(person.id) for _ in range(20)}
    assert len(cookies) == 20


@pytest.mark.parametrize("cookie", [None, "", "unknown", "x" * 500])
def test_an_unknown_session_is_nobody(accounts: Accounts, cookie: str | None) -> None:
    accounts.add_person("ann@example.org", PASSWORD)
    assert accounts.session_person(cookie) is None


def test_an_idle_session_ends(db_url: str) -> None:
    accounts = Accounts.open(db_url, session_idle=timedelta(days=3))
    try:
        person = accounts.add_person("ann@example.org", PASSWORD)
        cookie = accounts.start_session(person.id)
        edit_session(accounts, last_seen_at=utc_now() - timedelta(days=3) + timedelta(minutes=1))
        assert accounts.session_person(cookie) is not None  # used just in time: renewed
        edit_session(accounts, last_seen_at=utc_now() - timedelta(days=3, minutes=1))
        assert accounts.session_person(cookie) is None
        assert all_text(accounts, "auth_sessions") == ""  # and it is deleted
    finally:
        accounts.close()


def test_use_keeps_a_session_alive_but_writes_at_most_every_few_minutes(
    accounts: Accounts,
) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    cookie = accounts.start_session(person.id)
    recent = utc_now() - TOUCH_EVERY / 2
    edit_session(accounts, last_seen_at=recent)
    accounts.session_person(cookie)
    with Session(accounts.engine) as session:
        assert session.scalars(select(SessionRow.last_seen_at)).one() == recent
    edit_session(accounts, last_seen_at=utc_now() - TOUCH_EVERY * 2)
    accounts.session_person(cookie)
    with Session(accounts.engine) as session:
        seen = session.scalars(select(SessionRow.last_seen_at)).one()
    assert utc_now() - seen < timedelta(minutes=1)


def test_a_session_ends_after_a_year_however_often_it_is_used(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    cookie = accounts.start_session(person.id)
    with Session(accounts.engine) as session:
        row = session.scalars(select(SessionRow)).one()
        assert row.expires_at - row.created_at == SESSION_MAX_AGE
    edit_session(accounts, expires_at=utc_now() - timedelta(seconds=1), last_seen_at=utc_now())
    assert accounts.session_person(cookie) is None


def test_signing_out_ends_one_session_or_all(accounts: Accounts) -> None:
    ann = accounts.add_person("ann@example.org", PASSWORD)
    ben = accounts.add_person("ben@example.org", OTHER_PASSWORD)
    one, two, three = (accounts.start_session(ann.id) for _ in range(3))
    bens = accounts.start_session(ben.id)
    accounts.end_session(one)
    assert accounts.session_person(one) is None and accounts.session_person(two) is not None
    keep = digest(three)
    assert accounts.end_all_sessions(ann.id, keep=keep) == 1
    assert accounts.session_person(two) is None and accounts.session_person(three) is not None
    assert accounts.end_all_sessions(ann.id) == 1
    assert accounts.session_person(three) is None
    assert accounts.session_person(bens) is not None


def test_a_token_is_stored_only_as_a_hash(accounts: Accounts, tmp_path: Path) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    listed, secret = accounts.new_token(person.id, "phone")
    assert secret.startswith("tw_") and len(secret) >= 40
    assert listed.hint == secret[:10] and listed.name == "phone"
    stored = all_text(accounts, "access_tokens")
    assert secret not in stored and secret[10:] not in stored and digest(secret) in stored
    if accounts.engine.dialect.name == "sqlite":  # not even in the file's free pages
        database = accounts.engine.url.database
        assert database is not None
        assert secret[10:].encode() not in Path(database).read_bytes()


def test_a_token_names_its_owner_until_revoked(accounts: Accounts) -> None:
    ann = accounts.add_person("ann@example.org", PASSWORD)
    ben = accounts.add_person("ben@example.org", OTHER_PASSWORD)
    token, secret = accounts.new_token(ann.id, "script")
    bens, _ = accounts.new_token(ben.id, "ben's")
    signed = accounts.token_person(secret)
    assert signed is not None and signed.person.id == ann.id and signed.token_id == token.id
    assert signed.session_hash is None
    (used,) = accounts.tokens(ann.id)
    assert used.last_used_at is not None
    with pytest.raises(AccountError):
        accounts.revoke_token(ann.id, bens.id)  # not hers: "no such token"
    assert [t.name for t in accounts.tokens(ben.id)] == ["ben's"]
    accounts.revoke_token(ann.id, token.id)
    assert accounts.token_person(secret) is None
    assert accounts.tokens(ann.id) == []
    with pytest.raises(AccountError):
        accounts.revoke_token(ann.id, token.id)


@pytest.mark.parametrize(
    "secret", [None, "", "tw_", "tw_unknown", "no-prefix-at-all", "tw_" + "x" * 300]
)
def test_an_unknown_token_is_nobody(accounts: Accounts, secret: str | None) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    accounts.new_token(person.id, "script")
    assert accounts.token_person(secret) is None


def test_a_token_needs_a_name_and_an_owner(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    for name in ("", "   ", "x" * 101):
        with pytest.raises(AccountError) as caught:
            accounts.new_token(person.id, name)
        assert caught.value.field == "name"
    with pytest.raises(AccountError):
        accounts.new_token(9999, "nobody's")
    with Session(accounts.engine) as session:
        assert session.scalars(select(AccessTokenRow)).all() == []


def test_a_person_sees_their_signed_in_browsers_and_ends_one(accounts: Accounts) -> None:
    ann = accounts.add_person("ann@example.org", PASSWORD)
    ben = accounts.add_person("ben@example.org", OTHER_PASSWORD)
    phone = accounts.start_session(ann.id, user_agent="Phone browser")
    laptop = accounts.start_session(ann.id, user_agent="Laptop browser")
    bens = accounts.start_session(ben.id, user_agent="Ben's browser")
    listed = accounts.sessions(ann.id)
    assert {s.user_agent for s in listed} == {"Phone browser", "Laptop browser"}
    handles = {s.user_agent: s.handle for s in listed}
    assert handles["Phone browser"] == digest(phone)[:16]
    assert all(phone not in s.handle and len(s.handle) == 16 for s in listed)
    with pytest.raises(AccountError):  # Ben's browser is not Ann's to end
        accounts.end_session_of(ann.id, digest(bens)[:16])
    for bad in ("", "%", "x" * 16, digest(phone)):
        with pytest.raises(AccountError):
            accounts.end_session_of(ann.id, bad)
    accounts.end_session_of(ann.id, handles["Phone browser"])
    assert accounts.session_person(phone) is None
    assert accounts.session_person(laptop) is not None
    assert accounts.session_person(bens) is not None
