"""Web Push subscriptions over the JSON API: /api/v1/push/subscription.

The Reminders page posts the browser's PushSubscription here (JSON only, like every API write,
see `_limits.py`) with the page's CSRF token in `X-CSRF-Token`, so only this app's own page in
this browser can subscribe or unsubscribe. Subscriptions are kept by `web/_push.py`.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from twitchwise.push_subscriptions import PersonSubscriptions

from .._deps import check_csrf_token, get_diary
from .._imports import runner_of
from .._limits import is_json_type
from .._problems import ApiError, problem_responses
from .._push import Subscription, SubscriptionStore
from ._strict import strict_body

router = APIRouter(prefix="/push", tags=["reminders"])

MAX_TIMES = 4
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")


def _b64url_bytes(value: str, size: int) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise ValueError("must be base64url text")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("must be base64url text") from None
    if len(raw) != size:
        raise ValueError(f"must encode {size} bytes")
    return value


def _p256dh(value: str) -> str:
    _b64url_bytes(value, 65)
    if base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))[0] != 4:
        raise ValueError("must be an uncompressed P-256 public key")
    return value


def _endpoint(value: str) -> str:
    # Push services are always HTTPS; refusing anything else keeps the sender from being
    # pointed at a plain-HTTP address on this computer or network.
    if not re.fullmatch(r"https://[^\s/?#@]+(/[^\s#]*)?", value):
        raise ValueError("must be the https:// address the browser's push service gave")
    return value


def _times(value: list[str]) -> list[str]:
    for text in value:
        if not _TIME.match(text):
            raise ValueError(f"{text!r} is not a time like 21:00")
    return sorted(set(value))


class PushKeys(BaseModel):
    model_config = ConfigDict(extra="forbid")
    p256dh: Annotated[str, Field(max_length=200), AfterValidator(_p256dh)]
    auth: Annotated[str, Field(max_length=100), AfterValidator(lambda v: _b64url_bytes(v, 16))]


class PushSubscriptionIn(BaseModel):
    """The browser's `PushSubscription.toJSON()` plus the reminder times it wants."""

    model_config = ConfigDict(extra="ignore")  # browsers add expirationTime and may add more
    endpoint: Annotated[str, Field(max_length=2000), AfterValidator(_endpoint)]
    keys: PushKeys
    times: Annotated[list[str], Field(min_length=1, max_length=MAX_TIMES), AfterValidator(_times)]


class PushEndpoint(BaseModel):
    model_config = ConfigDict(extra="ignore")
    endpoint: Annotated[str, Field(max_length=2000)]


class PushSubscriptionOut(BaseModel):
    endpoint: str
    times: list[str]


def _store(request: Request) -> SubscriptionStore | PersonSubscriptions:
    """The store, once the request is JSON (DELETE too) and carries this page's CSRF token: on
    a server (PostgreSQL) the signed-in person's rows, else the local app's file."""
    if not is_json_type(request.headers.get("content-type")):
        raise ApiError(415, "Unsupported Media Type", "Send the subscription as JSON.")
    check_csrf_token(request, None)
    if runner_of(request.app.state).queued:
        diary = get_diary(request)
        return PersonSubscriptions(diary.engine, diary.person_id)
    store: SubscriptionStore = request.app.state.push_store
    return store


Store = Annotated[SubscriptionStore | PersonSubscriptions, Depends(_store)]


@router.put(
    "/subscription",
    response_model=PushSubscriptionOut,
    responses=problem_responses(403, 415, 422),
    dependencies=[Depends(strict_body(PushSubscriptionIn))],
)
def subscribe(body: PushSubscriptionIn, store: Store) -> PushSubscriptionOut:
    """Keep (or update) this browser's subscription and its reminder times."""
    store.add(Subscription(body.endpoint, body.keys.p256dh, body.keys.auth, tuple(body.times)))
    return PushSubscriptionOut(endpoint=body.endpoint, times=body.times)


@router.delete(
    "/subscription",
    status_code=204,
    responses=problem_responses(403, 404, 415, 422),
    dependencies=[Depends(strict_body(PushEndpoint))],
)
def unsubscribe(body: PushEndpoint, store: Store) -> Response:
    """Forget this browser's subscription: no more reminders are pushed to it."""
    if not store.remove(body.endpoint):
        raise ApiError(404, "Not Found", "No reminder subscription has that endpoint.")
    return Response(status_code=204)
