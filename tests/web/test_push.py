"""Web Push reminders: the install's VAPID key, the sender against a local fake push service,
and subscribing/unsubscribing from the Reminders page. No network: the push service is a small
HTTP server on 127.0.0.1 started here."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from asgi_call import run_isolated
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchwise.web._push import (
    BODY,
    SUBSCRIPTIONS_FILE,
    VAPID_FILE,
    Subscription,
    SubscriptionStore,
    due,
    load_vapid,
    public_key,
    send_reminders,
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_vapid_key_is_made_once_per_install_and_kept_private(tmp_path: Path) -> None:
    first = load_vapid(tmp_path)
    assert _mode(tmp_path / VAPID_FILE) == 0o600
    again = load_vapid(tmp_path)
    assert public_key(again) == public_key(first)
    raw = _unb64(public_key(first))
    assert len(raw) == 65 and raw[0] == 4  # what applicationServerKey takes
    assert public_key(load_vapid(tmp_path / "other")) != public_key(first)


class _Browser:
    """A browser's side of a subscription: its P-256 key and auth secret, to decrypt pushes."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.sub = Subscription(endpoint, _b64(point), _b64(self.auth), ("21:00",))

    def decrypt(self, body: bytes) -> Any:
        import http_ece

        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


class _FakePushService:
    """Records every POST; answers 201, or the status named in the path (/gone-410)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Message, bytes]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.received.append((self.path, self.headers, body))  # any case
                status = int(self.path.rsplit("-", 1)[1]) if "-" in self.path else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def push_service() -> Iterator[_FakePushService]:
    service = _FakePushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False  # never through a proxy from the environment: 127.0.0.1 only
        yield s


def _check_vapid(authorization: str, vapid_public: str, audience: str) -> None:
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(p.split("=", 1) for p in params.split(","))
    assert fields["k"] == vapid_public
    header, claims, signature = fields["t"].split(".")
    assert json.loads(_unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    payload = json.loads(_unb64(claims))
    assert payload["aud"] == audience and payload["sub"] == "mailto:me@example.org"
    assert payload["exp"] > datetime.now().timestamp()
    raw = _unb64(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(vapid_public))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged


def test_the_sender_pushes_an_encrypted_signed_reminder_and_forgets_gone_subscriptions(
    tmp_path: Path, push_service: _FakePushService, session: requests.Session
) -> None:
    vapid = load_vapid(tmp_path)
    store = SubscriptionStore(tmp_path)
    alive = _Browser(f"{push_service.base}/send/alive")
    gone = _Browser(f"{push_service.base}/send/gone-410")
    broken = _Browser(f"{push_service.base}/send/busy-503")
    for browser in (alive, gone, broken):
        store.add(browser.sub)
    assert _mode(tmp_path / SUBSCRIPTIONS_FILE) == 0o600

    result = send_reminders(
        store, vapid, store.all(), session=session, contact="mailto:me@example.org"
    )

    assert (result.sent, result.removed, result.failed) == (1, 1, 1)
    assert [s.endpoint for s in store.all()] == [alive.sub.endpoint, broken.sub.endpoint]
    path, headers, body = push_service.received[0]
    assert path == "/send/alive"
    assert headers["Content-Encoding"] == "aes128gcm"
    assert int(headers["TTL"]) > 0
    _check_vapid(headers["Authorization"], public_key(vapid), push_service.base)
    assert BODY.encode() not in body  # encrypted on the wire
    assert alive.decrypt(body) == {"title": "twitchwise", "body": BODY, "url": "/log"}


def test_only_subscriptions_with_a_reminder_this_minute_are_due() -> None:
    morning = Subscription("https://push.example/a", "k", "a", ("08:30",))
    both = Subscription("https://push.example/b", "k", "a", ("08:30", "21:00"))
    assert due([morning, both], datetime(2026, 3, 2, 21, 0, 40)) == [both]
    assert due([morning, both], datetime(2026, 3, 2, 21, 1)) == []


# -- subscribe and unsubscribe from the page ------------------------------------------------


def _subscription(endpoint: str = "https://push.example.net/wpush/abc") -> dict[str, Any]:
    browser = _Browser(endpoint)
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.sub.p256dh, "auth": browser.sub.auth},
        "times": ["21:00", "08:30"],
    }


def _store(app: FastAPI) -> SubscriptionStore:
    store: SubscriptionStore = app.state.push_store
    return store


URL = "/api/v1/push/subscription"


def _page_token(client: TestClient) -> str:
    """The CSRF token the Reminders page hands its script, as the browser would have it."""
    found = re.search(r'data-csrf="([^"]+)"', client.get("/reminders").text)
    assert found
    return found.group(1)


def test_the_reminders_page_offers_push_with_the_apps_key_and_says_who_carries_it(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    page = client.get("/reminders?at=20:15").text
    assert f'data-push-key="{public_key(load_vapid(tmp_path / "data"))}"' in page
    assert 'id="push" hidden' in page  # shown only by script, where the browser can push
    assert "push service of your browser" in page and "nothing from your diary leaves" in page
    assert 'data-push-times="20:15"' in page


def test_subscribe_and_unsubscribe_need_json_and_the_pages_csrf_token(
    client: TestClient, app: FastAPI
) -> None:
    body = _subscription()
    assert client.put(URL, json=body).status_code == 403  # no token
    assert client.put(URL, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    token = {"X-CSRF-Token": _page_token(client)}
    as_form = client.put(
        URL, content=json.dumps(body), headers={**token, "Content-Type": "text/plain"}
    )
    assert as_form.status_code == 415
    assert _store(app).all() == []

    response = client.put(URL, json=body, headers=token)
    assert response.status_code == 200, response.text
    assert response.json() == {"endpoint": body["endpoint"], "times": ["08:30", "21:00"]}
    [kept] = _store(app).all()
    assert kept.times == ("08:30", "21:00") and kept.p256dh == body["keys"]["p256dh"]
    assert client.put(URL, json={**body, "times": ["07:00"]}, headers=token).status_code == 200
    assert [s.times for s in _store(app).all()] == [("07:00",)]  # one per browser, updated

    gone = {"endpoint": body["endpoint"]}
    as_text = client.request(
        "DELETE", URL, content=json.dumps(gone), headers={**token, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 415
    assert client.request("DELETE", URL, json=gone).status_code == 403
    assert client.request("DELETE", URL, json=gone, headers=token).status_code == 204
    assert _store(app).all() == []
    assert client.request("DELETE", URL, json=gone, headers=token).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://127.0.0.1:8000/x"}, "endpoint"),
        ({"keys": {"p256dh": _b64(b"\x04" + b"1" * 10), "auth": _b64(b"a" * 16)}}, "keys.p256dh"),
        ({"keys": {"p256dh": _b64(b"\x04" + b"1" * 64), "auth": "not base64!"}}, "keys.auth"),
        ({"times": ["25:00"]}, "times"),
        ({"times": []}, "times"),
    ],
)
def test_a_bad_subscription_is_refused_by_field(
    client: TestClient,
    app: FastAPI,
    change: dict[str, Any],
    field: str,
) -> None:
    response = client.put(
        URL, json={**_subscription(), **change}, headers={"X-CSRF-Token": _page_token(client)}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
    assert _store(app).all() == []


def test_the_sender_wakes_each_minute_and_pushes_a_due_minute_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from twitchwise.web import _push

    store = SubscriptionStore(tmp_path)
    store.add(Subscription("https://push.example/a", "k", "a", ("21:00",)))
    at = [(20, 59, 59), (21, 0, 0), (21, 0, 0), (21, 0, 0), (21, 1, 0), (21, 1, 0)]
    times = [datetime(2026, 3, 2, h, m, sec) for h, m, sec in at]  # before and after each sleep

    class Clock:
        @staticmethod
        def now() -> datetime:
            if not times:
                raise asyncio.CancelledError
            return times.pop(0)

    sent: list[list[str]] = []
    monkeypatch.setattr(_push, "datetime", Clock)
    monkeypatch.setattr(
        _push, "send_reminders", lambda _s, _v, subs, *_: sent.append([s.endpoint for s in subs])
    )

    async def no_wait(_seconds: float) -> None:
        return None

    monkeypatch.setattr(_push.asyncio, "sleep", no_wait)
    with pytest.raises(asyncio.CancelledError):
        run_isolated(_push.run_sender(store, load_vapid(tmp_path)))
    assert sent == [["https://push.example/a"]]  # 21:00 once, though the loop woke twice in it


def test_serve_runs_the_sender_while_the_app_is_up(tmp_path: Path) -> None:
    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    app = create_app(
        Settings(db=f"sqlite:///{tmp_path / 'diary.db'}"), secret_dir=tmp_path, push_sender=True
    )
    with TestClient(app):
        task = app.state.push_task
        assert not task.done()
    assert task.cancelled() or task.done()
    assert (tmp_path / VAPID_FILE).exists()
    app.state.diary.close()
