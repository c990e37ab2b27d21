"""Web Push reminders from the app itself: its own VAPID key pair, the browsers' subscriptions,
and the sender that `twitchwise serve` runs at each reminder time.

Without accounts (the local app), a subscription belongs to one browser on one device, not to
the diary (a diary moved to PostgreSQL or restored from a backup should not start notifying an old
phone), and there are a handful at most; so they live in a small JSON file beside the CSRF
secret, mode 0600. On a server (PostgreSQL) each subscription is the signed-in person's and lives
in the database (`twitchwise.push_subscriptions`), and the one sender is `twitchwise worker`
(`send_due`), so two server processes never push the same reminder twice.

The message goes from this app to the push service of the browser's maker (the `endpoint` the
browser chose), encrypted end to end (RFC 8291, aes128gcm) so the push service cannot read it;
it carries only the fixed reminder text. Nothing from the diary is ever in it.

`pywebpush` and `py_vapid` are imported inside the functions that need them, so the CLI starts
fast and pages that never push never load `cryptography`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from platformdirs import user_data_path

from twitchwise.push_subscriptions import Subscription as Subscription

if TYPE_CHECKING:
    import requests
    from py_vapid import Vapid02

log = logging.getLogger(__name__)

VAPID_FILE = "web-push-vapid.pem"
SUBSCRIPTIONS_FILE = "web-push-subscriptions.json"
TITLE = "twitchwise"
BODY = "Time to fill in today's twitch diary"
CLICK_URL = "/log"
CONTACT = "mailto:twitchwise@localhost"
"""The default VAPID `sub` claim: a push service may use it to reach the sender, and a local app
has no operator to reach. Google's and Mozilla's push services accept it; Apple's refuses a
subject on localhost (403 BadJwtToken), so `TWITCHWISE_PUSH_CONTACT` sets a real one."""
TTL_S = 4 * 60 * 60
"""A reminder that cannot be delivered within four hours (phone off) is dropped, not piled up."""
GONE = frozenset({404, 410})


def data_folder(folder: Path | None = None) -> Path:
    """Where the secret, the VAPID key and the subscriptions live (the user data folder)."""
    return folder or user_data_path("twitchwise", appauthor=False, ensure_exists=True)


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600, replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def load_vapid(folder: Path | None = None) -> Vapid02:
    """The install's VAPID key pair (P-256), made on first use and kept (mode 0600).

    One key per install: every browser subscribed with its public key, so a new key would
    silently cut them all off.
    """
    from py_vapid import Vapid02

    path = data_folder(folder) / VAPID_FILE
    try:  # not Vapid02.from_file: for a missing file it writes a new key readable by all
        return Vapid02.from_pem(path.read_bytes())
    except FileNotFoundError:
        pass
    except Exception:  # an unreadable key: make a new one (browsers re-subscribe on the page)
        log.warning("The Web Push key in %s could not be read; making a new one.", path)
    vapid = Vapid02()
    vapid.generate_keys()
    _write_private(path, vapid.private_pem().decode("ascii"))
    return vapid


def public_key(vapid: Vapid02) -> str:
    """The public key as browsers want it for `applicationServerKey` (base64url, no padding)."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid.utils import b64urlencode

    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return str(b64urlencode(raw))


class Subscriptions(Protocol):
    """Where the sender reads subscriptions and forgets gone ones: the local file, or (on a
    server) every person's rows in the database."""

    def all(self) -> list[Subscription]: ...

    def remove(self, endpoint: str) -> bool: ...


class SubscriptionStore:
    """The subscriptions in a JSON file (mode 0600); one per endpoint, the newest wins."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = data_folder(folder) / SUBSCRIPTIONS_FILE
        self._lock = threading.Lock()

    def all(self) -> list[Subscription]:
        with self._lock:
            return self._read()

    def add(self, sub: Subscription) -> None:
        with self._lock:
            kept = [s for s in self._read() if s.endpoint != sub.endpoint]
            self._write([*kept, sub])

    def remove(self, endpoint: str) -> bool:
        """Forget `endpoint`; False if it was not there."""
        with self._lock:
            subs = self._read()
            kept = [s for s in subs if s.endpoint != endpoint]
            if len(kept) != len(subs):
                self._write(kept)
            return len(kept) != len(subs)

    def _read(self) -> list[Subscription]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
            return [
                Subscription(r["endpoint"], r["p256dh"], r["auth"], tuple(r["times"])) for r in rows
            ]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError):
            log.warning("%s is not a list of subscriptions; ignoring it.", self.path)
            return []

    def _write(self, subs: list[Subscription]) -> None:
        rows = [
            {"endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth, "times": list(s.times)}
            for s in subs
        ]
        _write_private(self.path, json.dumps(rows, indent=1))


def due(subs: list[Subscription], now: datetime) -> list[Subscription]:
    """The subscriptions with a reminder at `now`'s local hour and minute."""
    at = f"{now:%H:%M}"
    return [s for s in subs if at in s.times]


def message() -> bytes:
    """The notification the service worker shows: fixed, calm words; nothing from the diary."""
    return json.dumps({"title": TITLE, "body": BODY, "url": CLICK_URL}).encode()


@dataclass
class SendResult:
    sent: int = 0
    removed: int = 0
    failed: int = 0


def send_reminders(
    store: Subscriptions,
    vapid: Vapid02,
    subs: list[Subscription],
    session: requests.Session | None = None,
    contact: str = CONTACT,
) -> SendResult:
    """Push the reminder to each of `subs`; forget those the push service says are gone.

    A subscription answered with 404 or 410 has expired or was revoked (RFC 8030 §7.3), so it
    is removed; any other failure is logged and the subscription kept for the next time.
    """
    from pywebpush import WebPushException, webpush

    result = SendResult()
    for sub in subs:
        try:
            webpush(
                sub.info(),
                data=message(),
                vapid_private_key=vapid,
                vapid_claims={"sub": contact},
                content_encoding="aes128gcm",
                ttl=TTL_S,
                timeout=15,
                requests_session=session,
            )
            result.sent += 1
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in GONE:
                store.remove(sub.endpoint)
                result.removed += 1
            else:
                hint = ""
                if status == 403 and "BadJwtToken" in (exc.response.text or ""):
                    hint = " Set TWITCHWISE_PUSH_CONTACT to your own mailto: address (Safari)."
                log.warning(
                    "A reminder push failed (%s); will try at the next time.%s", status, hint
                )
                result.failed += 1
        except Exception as exc:  # no network, DNS, TLS: keep it, try at the next time
            log.warning("A reminder push could not be sent: %s", type(exc).__name__)
            result.failed += 1
    return result


async def run_sender(store: SubscriptionStore, vapid: Vapid02, contact: str = CONTACT) -> None:
    """Forever: at the start of each minute, push to the subscriptions due then.

    Runs in `twitchwise serve`'s event loop; each send happens in a worker thread so pages keep
    answering. A minute is sent once even if the loop wakes twice within it.
    """
    last = ""
    while True:
        now = datetime.now()
        await asyncio.sleep(60 - now.second - now.microsecond / 1e6 + 0.05)
        now = datetime.now()
        minute = f"{now:%Y-%m-%d %H:%M}"
        if minute == last:
            continue
        last = minute
        subs = due(store.all(), now)
        if subs:
            await asyncio.to_thread(send_reminders, store, vapid, subs, None, contact)


async def send_due(
    store: Subscriptions, vapid: Vapid02, at: datetime, contact: str = CONTACT
) -> SendResult:
    """Push the reminders due at `at` (`twitchwise worker`'s minute task on a server)."""
    subs = due(await asyncio.to_thread(store.all), at)
    if not subs:
        return SendResult()
    return await asyncio.to_thread(send_reminders, store, vapid, subs, None, contact)


def vapid_for(app: Any) -> Vapid02:
    """The app's VAPID key, loaded (or made) once and kept on `app.state`."""
    vapid: Vapid02 | None = getattr(app.state, "vapid", None)
    if vapid is None:
        vapid = app.state.vapid = load_vapid(app.state.push_dir)
    return vapid
