"""Web Push on a server: each subscription is the signed-in person's row (row-level security on
PostgreSQL), the servers never send, and the worker's minute task sends everyone's due reminders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from asgi_call import run_isolated
from fastapi.testclient import TestClient
from sqlalchemy import text

from twitchwise.accounts import Accounts
from twitchwise.diary import Diary
from twitchwise.jobs._queue import make_queue
from twitchwise.jobs._worker import _add_minute_task
from twitchwise.push_subscriptions import (
    EveryonesSubscriptions,
    PersonSubscriptions,
    Subscription,
)
from twitchwise.settings import Settings
from twitchwise.web import _push, create_app

pytestmark = pytest.mark.postgres

PASSWORD = "a long enough passphrase 7"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


@pytest.fixture
def people(app_postgres_url: str) -> Iterator[tuple[Diary, int, int]]:
    with Diary.open(app_postgres_url) as diary:
        accounts = Accounts(diary.engine)
        ann = accounts.add_person("ann@example.org", PASSWORD).id
        bob = accounts.add_person("bob@example.org", PASSWORD).id
        yield diary, ann, bob


def _sub(name: str, *times: str) -> Subscription:
    return Subscription(f"https://push.example/{name}", P256DH, AUTH, times)


def test_each_persons_subscriptions_are_their_own(people: tuple[Diary, int, int]) -> None:
    diary, ann, bob = people
    mine, theirs = PersonSubscriptions(diary.engine, ann), PersonSubscriptions(diary.engine, bob)
    mine.add(_sub("phone", "21:00"))
    mine.add(_sub("phone", "08:30"))  # the same browser again: the newest times win
    theirs.add(_sub("tablet", "21:00"))
    assert mine.all() == [_sub("phone", "08:30")]
    assert theirs.all() == [_sub("tablet", "21:00")]
    assert theirs.remove("https://push.example/phone") is False, "not Bob's to remove"
    with diary.engine.connect() as conn:  # no person named: row-level security shows nothing
        assert conn.execute(text("SELECT count(*) FROM push_subscriptions")).scalar() == 0
    everyone = EveryonesSubscriptions(diary.engine)
    assert sorted(s.endpoint for s in everyone.all()) == [
        "https://push.example/phone",
        "https://push.example/tablet",
    ]
    assert everyone.remove("https://push.example/tablet") is True
    assert theirs.all() == [] and len(mine.all()) == 1


def test_the_worker_minute_task_sends_everyones_due_reminders(
    people: tuple[Diary, int, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    diary, ann, bob = people
    PersonSubscriptions(diary.engine, ann).add(_sub("ann", "21:00"))
    PersonSubscriptions(diary.engine, bob).add(_sub("bob", "21:00", "07:00"))
    PersonSubscriptions(diary.engine, bob).add(_sub("bob-morning", "07:00"))
    sent: list[list[str]] = []
    monkeypatch.setattr(
        _push, "send_reminders", lambda _s, _v, subs, *_: sent.append([s.endpoint for s in subs])
    )
    store, vapid = EveryonesSubscriptions(diary.engine), _push.load_vapid(tmp_path)
    asked: list[datetime] = []

    async def step(at: datetime) -> None:
        asked.append(at)
        await _push.send_due(store, vapid, at)

    queue = make_queue(diary.url)
    _add_minute_task(queue, step)
    task: Any = queue.tasks["twitchwise.every_minute"]
    at = datetime(2026, 3, 2, 21, 0)
    run_isolated(task(timestamp=int(at.timestamp())))
    assert asked == [at]
    assert sent == [["https://push.example/ann", "https://push.example/bob"]]
    crons = {p.task.name: p.cron for p in queue.periodic_registry.periodic_tasks.values()}
    assert crons["twitchwise.every_minute"] == "* * * * *"


def test_on_postgresql_the_server_keeps_subscriptions_in_the_database_and_never_sends(
    people: tuple[Diary, int, int], app_postgres_url: str, tmp_path: Path
) -> None:
    diary, ann, _ = people
    app = create_app(Settings(db=app_postgres_url), secret_dir=tmp_path, push_sender=True)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            assert getattr(app.state, "push_task", None) is None, "the worker sends, not serve"
            page = client.get("/reminders").text
            token = page.split('data-csrf="', 1)[1].split('"', 1)[0]
            body = {
                "endpoint": "https://push.example/ann",
                "keys": {"p256dh": P256DH, "auth": AUTH},
                "times": ["21:00"],
            }
            response = client.put(
                "/api/v1/push/subscription", json=body, headers={"X-CSRF-Token": token}
            )
            assert response.status_code == 200, response.text
    finally:
        app.state.diary.close()
    assert PersonSubscriptions(diary.engine, ann).all() == [_sub("ann", "21:00")]
    assert not (tmp_path / _push.SUBSCRIPTIONS_FILE).exists()
