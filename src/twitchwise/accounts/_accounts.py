"""`Accounts`: people, their passwords, their signed-in browsers and their API tokens.

Stored in the diary's database (tables `people`, `auth_sessions`, `access_tokens`,
`sign_in_attempts` of migration 0003), so every server process and the CLI see the same accounts,
and a failed-sign-in limit holds across processes. Those tables have no row-level security: they
are read to find out who is asking, before anyone is known.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from twitchwise.diary._models import (
    LOCAL_PERSON,
    RLS_TABLES,
    AccessTokenRow,
    ImportJobRow,
    PasskeyRow,
    PersonRow,
    SessionRow,
    SignInAttemptRow,
    UploadChunkRow,
)
from twitchwise.diary._store import open_engine, scrub

from ._errors import AccountError, TooManyAttempts
from ._passwords import check_password_rules, hash_password, verify_password
from ._records import AccessToken, BrowserSession, Person, SignedIn

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
TOKEN_PREFIX = "tw_"
FAILURES_PER_EMAIL = 5
"""Failed sign-ins allowed for one email address in `WINDOW` before it must wait."""
FAILURES_PER_CLIENT = 30
"""Failed sign-ins allowed from one client address in `WINDOW` (many addresses tried)."""
WINDOW = timedelta(minutes=15)
SESSION_MAX_AGE = timedelta(days=365)
"""However often it is used, a sign-in ends after a year (ASVS 3.3.2: re-authenticate)."""
SESSION_HANDLE = 16
"""Hex digits of a session's hash that name it on the Account page (64 bits: unique enough)."""
TOUCH_EVERY = timedelta(minutes=5)
"""A session's last use is written at most this often, not on every request."""


def utc_now() -> datetime:
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None)


def digest(secret: str) -> str:
    """SHA-256 of a random token: enough for 256-bit random strings (not for passwords)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_email(email: object) -> str:
    """The email as stored (trimmed, lower case), or AccountError("email", ...)."""
    if not isinstance(email, str):
        raise AccountError("email", "must be text")
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or not EMAIL.match(cleaned):
        raise AccountError("email", f"{email.strip()[:80]!r} is not an email address")
    return cleaned


class Accounts:
    """The accounts of the database at `engine` (see the module docstring)."""

    def __init__(self, engine: Engine, *, session_idle: timedelta = timedelta(days=30)) -> None:
        self.engine = engine
        self.session_idle = session_idle

    @classmethod
    def open(cls, url: str, *, session_idle: timedelta = timedelta(days=30)) -> Accounts:
        """Open (migrating as needed) the database at `url`."""
        return cls(open_engine(url), session_idle=session_idle)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    # -- people --------------------------------------------------------------------------

    def add_person(self, email: str, password: str) -> Person:
        """A new account. The first account takes over the diary kept before accounts were
        turned on (the local person's), so a diary moved to a server stays its owner's."""
        email = normalise_email(email)
        password = check_password_rules(password, email=email)
        hashed = hash_password(password)
        now = utc_now()
        try:
            with self._session() as session:
                local = session.get(PersonRow, LOCAL_PERSON)
                if local is not None and local.email is None:
                    local.email, local.password_hash, local.password_changed_at = (
                        email,
                        hashed,
                        now,
                    )
                    row = local
                else:
                    row = PersonRow(
                        email=email, password_hash=hashed, created_at=now, password_changed_at=now
                    )
                    session.add(row)
                session.flush()
                return _person(row)
        except IntegrityError:
            raise AccountError("email", f"{email} already has an account") from None

    def people(self) -> list[Person]:
        """Every account (the local person too, while no account has taken it over)."""
        with self._session() as session:
            return [_person(r) for r in session.scalars(select(PersonRow).order_by(PersonRow.id))]

    def find(self, email: str) -> Person | None:
        with self._session() as session:
            row = session.scalars(
                select(PersonRow).where(PersonRow.email == normalise_email(email))
            ).first()
            return _person(row) if row else None

    def get(self, person_id: int) -> Person | None:
        with self._session() as session:
            row = session.get(PersonRow, person_id)
            return _person(row) if row else None

    def require(self, email: str) -> Person:
        person = self.find(email)
        if person is None:
            raise AccountError("email", f"there is no account for {normalise_email(email)}")
        return person

    def remove_person(self, person_id: int) -> None:
        """Delete the account and everything it owns (diary, sessions, tokens, jobs), then the
        copies the database keeps of deleted rows (see `Diary.erase`). Person 1, the keeper of
        a diary without accounts, stays as an empty diary with no email."""
        if self.get(person_id) is None:
            raise AccountError("email", "there is no such account")
        if person_id == LOCAL_PERSON:
            from twitchwise.diary import Diary

            Diary(self.engine, str(self.engine.url), LOCAL_PERSON).erase()
        with self._session() as session:
            session.execute(delete(SessionRow).where(SessionRow.person_id == person_id))
            session.execute(delete(AccessTokenRow).where(AccessTokenRow.person_id == person_id))
            session.execute(delete(PasskeyRow).where(PasskeyRow.person_id == person_id))
            if person_id == LOCAL_PERSON:
                # Person 1's row stays, so nothing cascades: their import jobs and uploaded
                # chunks (file names, summaries, file bytes) go here, as that person.
                _as_person(session, person_id)
                session.execute(delete(UploadChunkRow).where(UploadChunkRow.person_id == person_id))
                session.execute(delete(ImportJobRow).where(ImportJobRow.person_id == person_id))
                session.execute(
                    update(PersonRow)
                    .where(PersonRow.id == person_id)
                    .values(email=None, password_hash=None, password_changed_at=None)
                )
            else:  # the foreign keys cascade to every owned row
                session.execute(delete(PersonRow).where(PersonRow.id == person_id))
        scrub(self.engine, [*RLS_TABLES, "people", "auth_sessions", "access_tokens", "passkeys"])

    # -- passwords and signing in -------------------------------------------------------

    def sign_in(self, email: str, password: str, *, client: str = "") -> Person:
        """The person whose email and password these are. Any failure is the same
        AccountError (no telling whether the email has an account), counted, and after
        `FAILURES_PER_EMAIL` for the address or `FAILURES_PER_CLIENT` from the client within
        `WINDOW`, refused with TooManyAttempts before the password is even checked."""
        try:
            cleaned = normalise_email(email)
        except AccountError:
            cleaned = str(email)[:254].strip().lower()
        keys = [digest("email:" + cleaned), digest("client:" + client)]
        self._refuse_if_limited(keys)
        with self._session() as session:
            row = session.scalars(select(PersonRow).where(PersonRow.email == cleaned)).first()
            stored = row.password_hash if row is not None else None
            ok, new_hash = verify_password(str(password), stored)
            if ok and row is not None:
                if new_hash:
                    row.password_hash = new_hash
                session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.key == keys[0]))
                return _person(row)
            now = utc_now()
            session.add_all([SignInAttemptRow(key=k, at=now) for k in keys])
        raise AccountError("email", "that email and password do not match an account")

    def _refuse_if_limited(self, keys: list[str]) -> None:
        now = utc_now()
        with self._session() as session:
            session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.at < now - WINDOW))
            for key, limit in zip(keys, (FAILURES_PER_EMAIL, FAILURES_PER_CLIENT), strict=False):
                count, oldest = session.execute(
                    select(func.count(), func.min(SignInAttemptRow.at)).where(
                        SignInAttemptRow.key == key
                    )
                ).one()
                if count >= limit and oldest is not None:
                    wait = (oldest + WINDOW - now).total_seconds()
                    raise TooManyAttempts(max(1, int(wait)))

    def change_password(
        self, person_id: int, current: str, new: str, *, keep_session: str | None = None
    ) -> None:
        """Change the password after checking the current one; every sign-in but the one
        whose hash is `keep_session` ends (someone who knew the old password is signed out).
        A wrong current password counts as a failed sign-in of that email, so a stolen
        session cannot guess the password here faster than at the sign-in page."""
        person = self.get(person_id)
        if person is None:
            raise AccountError("person", "there is no such account")
        key = digest("email:" + (person.email or f"#{person_id}"))
        self._refuse_if_limited([key])
        with self._session() as session:
            row = session.get(PersonRow, person_id)
            if row is not None and verify_password(str(current), row.password_hash)[0]:
                row.password_hash = hash_password(check_password_rules(new, email=row.email))
                row.password_changed_at = utc_now()
                others = delete(SessionRow).where(SessionRow.person_id == person_id)
                if keep_session:
                    others = others.where(SessionRow.token_hash != keep_session)
                session.execute(others)
                return
            session.add(SignInAttemptRow(key=key, at=utc_now()))
        raise AccountError("current_password", "is not your current password")

    def set_password(self, person_id: int, new: str) -> None:
        """Set a password without the current one (the server's owner, at the command line)."""
        with self._session() as session:
            row = session.get(PersonRow, person_id)
            if row is None:
                raise AccountError("person", "there is no such account")
            row.password_hash = hash_password(check_password_rules(new, email=row.email))
            row.password_changed_at = utc_now()
            session.execute(delete(SessionRow).where(SessionRow.person_id == person_id))

    # -- sessions (signed-in browsers) --------------------------------------------------

    def start_session(self, person_id: int, *, user_agent: str | None = None) -> str:
        """A new sign-in; returns the cookie value (shown once, stored only as a hash)."""
        token = secrets.token_urlsafe(32)
        now = utc_now()
        with self._session() as session:
            session.add(
                SessionRow(
                    token_hash=digest(token),
                    person_id=person_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + SESSION_MAX_AGE,
                    user_agent=(user_agent or "")[:200] or None,
                )
            )
        return token

    def session_person(self, token: str | None) -> SignedIn | None:
        """Who the cookie `token` signs in, or None (unknown, idle too long, or expired)."""
        if not token or len(token) > 200:
            return None
        hashed = digest(token)
        now = utc_now()
        with self._session() as session:
            found = session.execute(
                select(SessionRow, PersonRow)
                .join(PersonRow, PersonRow.id == SessionRow.person_id)
                .where(SessionRow.token_hash == hashed)
            ).first()
            if found is None:
                return None
            row, person = found
            if now >= row.expires_at or now - row.last_seen_at > self.session_idle:
                session.delete(row)
                return None
            if now - row.last_seen_at > TOUCH_EVERY:
                row.last_seen_at = now
            return SignedIn(_person(person), session_hash=hashed)

    def end_session(self, token: str | None) -> None:
        if token:
            with self._session() as session:
                session.execute(delete(SessionRow).where(SessionRow.token_hash == digest(token)))

    def sessions(self, person_id: int) -> list[BrowserSession]:
        """The person's signed-in browsers, the most recently used first."""
        query = (
            select(SessionRow)
            .where(SessionRow.person_id == person_id, SessionRow.expires_at > utc_now())
            .order_by(SessionRow.last_seen_at.desc())
        )
        with self._session() as session:
            return [
                BrowserSession(
                    handle=r.token_hash[:SESSION_HANDLE],
                    created_at=r.created_at,
                    last_seen_at=r.last_seen_at,
                    user_agent=r.user_agent,
                )
                for r in session.scalars(query)
                if utc_now() - r.last_seen_at <= self.session_idle
            ]

    def end_session_of(self, person_id: int, handle: str) -> None:
        """Sign out one of the person's browsers, named by its `handle`; another person's
        (or an unknown) handle is "not found"."""
        if not re.fullmatch(f"[0-9a-f]{{{SESSION_HANDLE}}}", handle or ""):
            raise AccountError("session", "there is no such sign-in")
        with self._session() as session:
            result = session.execute(
                delete(SessionRow).where(
                    SessionRow.person_id == person_id,
                    SessionRow.token_hash.startswith(handle, autoescape=True),
                )
            )
            if not getattr(result, "rowcount", 0):
                raise AccountError("session", "there is no such sign-in")

    def end_all_sessions(self, person_id: int, *, keep: str | None = None) -> int:
        """Sign the person out everywhere (but the session whose hash is `keep`)."""
        query = delete(SessionRow).where(SessionRow.person_id == person_id)
        if keep:
            query = query.where(SessionRow.token_hash != keep)
        with self._session() as session:
            return int(getattr(session.execute(query), "rowcount", 0) or 0)

    # -- personal access tokens ------------------------------------------------------------

    def new_token(self, person_id: int, name: str) -> tuple[AccessToken, str]:
        """A new API token; returns it listed and the token itself (shown once)."""
        name = (name or "").strip()
        if not 1 <= len(name) <= 100:
            raise AccountError("name", "name the token in 1 to 100 characters")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = AccessTokenRow(
            person_id=person_id,
            name=name,
            token_hash=digest(secret),
            hint=secret[:10],
            created_at=utc_now(),
        )
        with self._session() as session:
            if session.get(PersonRow, person_id) is None:
                raise AccountError("person", "there is no such account")
            session.add(row)
            session.flush()
            return _token(row), secret

    def tokens(self, person_id: int) -> list[AccessToken]:
        query = (
            select(AccessTokenRow)
            .where(AccessTokenRow.person_id == person_id)
            .order_by(AccessTokenRow.id)
        )
        with self._session() as session:
            return [_token(r) for r in session.scalars(query)]

    def revoke_token(self, person_id: int, token_id: int) -> None:
        """Revoke one of the person's own tokens; another person's id is "not found"."""
        self.remove_own(AccessTokenRow, person_id, token_id, "token")

    def remove_own(
        self, model: type[AccessTokenRow | PasskeyRow], person_id: int, row_id: int, what: str
    ) -> None:
        """Delete the person's own row `row_id` of `model` (a token, a passkey); another
        person's id, or none, is "there is no <what>", naming the `what` field."""
        with self._session() as session:
            result = session.execute(
                delete(model).where(model.id == row_id, model.person_id == person_id)
            )
            if not getattr(result, "rowcount", 0):
                raise AccountError(what, f"there is no {what} {row_id}")

    def token_person(self, secret: str | None) -> SignedIn | None:
        """Who the bearer token `secret` belongs to, or None."""
        if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        hashed = digest(secret)
        now = utc_now()
        with self._session() as session:
            found = session.execute(
                select(AccessTokenRow, PersonRow)
                .join(PersonRow, PersonRow.id == AccessTokenRow.person_id)
                .where(AccessTokenRow.token_hash == hashed)
            ).first()
            if found is None:
                return None
            row, person = found
            if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
                session.execute(
                    update(AccessTokenRow)
                    .where(AccessTokenRow.id == row.id)
                    .values(last_used_at=now)
                )
            return SignedIn(_person(person), token_id=row.id)


def _as_person(session: Session, person_id: int) -> None:
    """PostgreSQL: name the transaction's person, whose rows row-level security then shows."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT set_config('twitchwise.person_id', :person, true)"),
            {"person": str(person_id)},
        )


def _person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        email=row.email,
        created_at=row.created_at,
        has_password=row.password_hash is not None,
    )


def _token(row: AccessTokenRow) -> AccessToken:
    return AccessToken(
        id=row.id,
        name=row.name,
        hint=row.hint,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )
