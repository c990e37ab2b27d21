"""Web Push subscriptions in the database, each the signed-in person's (a server with accounts).

A browser subscribes for the person signed in on it; `twitchwise worker` reads everyone's to send
the reminders, person by person (on PostgreSQL each transaction names the person for row-level
security, as the Diary does). The local app without accounts keeps its subscriptions in a file
instead (`web/_push.py` says why).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from twitchwise.diary._convert import utc_now
from twitchwise.diary._models import PersonRow, PushSubscriptionRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Subscription:
    """One browser's push subscription and the reminder times (HH:MM, local) it asked for."""

    endpoint: str
    p256dh: str
    auth: str
    times: tuple[str, ...]

    def info(self) -> dict[str, object]:
        """The `subscription_info` pywebpush takes (the browser's PushSubscription JSON)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PersonSubscriptions:
    """One person's subscriptions; one per endpoint, the newest wins."""

    def __init__(self, engine: Engine, person_id: int) -> None:
        self.engine = engine
        self.person_id = person_id

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine) as session, session.begin():
            if self.engine.dialect.name == "postgresql":
                session.execute(
                    text("SELECT set_config('twitchwise.person_id', :person, true)"),
                    {"person": str(self.person_id)},
                )
            yield session

    def all(self) -> list[Subscription]:
        with self._session() as session:
            rows = session.scalars(
                select(PushSubscriptionRow)
                .where(PushSubscriptionRow.person_id == self.person_id)
                .order_by(PushSubscriptionRow.id)
            )
            return [Subscription(r.endpoint, r.p256dh, r.auth, tuple(r.times)) for r in rows]

    def add(self, sub: Subscription) -> None:
        with self._session() as session:
            self._delete(session, sub.endpoint)
            session.add(
                PushSubscriptionRow(
                    person_id=self.person_id,
                    endpoint=sub.endpoint,
                    p256dh=sub.p256dh,
                    auth=sub.auth,
                    times=list(sub.times),
                    created_at=utc_now(),
                )
            )

    def remove(self, endpoint: str) -> bool:
        """Forget `endpoint`; False if it was not there."""
        with self._session() as session:
            return self._delete(session, endpoint) > 0

    def _delete(self, session: Session, endpoint: str) -> int:
        result = session.execute(
            delete(PushSubscriptionRow).where(
                PushSubscriptionRow.person_id == self.person_id,
                PushSubscriptionRow.endpoint == endpoint,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


class EveryonesSubscriptions:
    """Every person's subscriptions, read person by person, for the one reminder sender."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._owners: dict[str, list[int]] = {}

    def all(self) -> list[Subscription]:
        with Session(self.engine) as session:
            people = list(session.scalars(select(PersonRow.id).order_by(PersonRow.id)))
        found: list[Subscription] = []
        owners: dict[str, list[int]] = {}
        for person_id in people:
            for sub in PersonSubscriptions(self.engine, person_id).all():
                found.append(sub)
                owners.setdefault(sub.endpoint, []).append(person_id)
        self._owners = owners
        return found

    def remove(self, endpoint: str) -> bool:
        """Forget `endpoint` for everyone it was read for (the push service says it is gone)."""
        removed = False
        for person_id in self._owners.pop(endpoint, []):
            removed = PersonSubscriptions(self.engine, person_id).remove(endpoint) or removed
        return removed
