"""Schemathesis as a signed-in person, with another person's data in the same database.

The app runs with accounts on over a SQLite file. Person B (the first account, so the owner of
the diary kept before accounts) has one of everything with `MARK_B` in every text field; every
generated request to /api/v1 is sent with person A's bearer token, then sent again with each id in
its path replaced by one of B's. No answer may be a 5xx, and none may contain B's marker. Bounded
like tests/web/test_schemathesis.py: a few examples per operation, no deadline.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from twitchwise.accounts import Accounts
from twitchwise.diary import Diary
from twitchwise.settings import Settings
from twitchwise.web import create_app

from .conftest import B_ONLY_DAY, MARK_A, MARK_B, fill_person

_FOLDER = Path(tempfile.mkdtemp(prefix="twitchwise-schemathesis-people-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)

APP = create_app(
    Settings(db=f"sqlite:///{_FOLDER / 'diary.db'}", accounts=True), secret_dir=_FOLDER
)
atexit.register(APP.state.diary.close)
_ACCOUNTS: Accounts = APP.state.accounts
_B = _ACCOUNTS.add_person(f"{MARK_B}@example.org", "blue kettles sing loudly")
_A = _ACCOUNTS.add_person(f"{MARK_A}@example.org", "a quiet harbour at dawn")
_DIARY: Diary = APP.state.diary
_HELD_B = fill_person(_DIARY.for_person(_B.id), MARK_B, 8.0, only_b=True)
fill_person(_DIARY.for_person(_A.id), MARK_A, 6.0)
_B_TOKEN = _ACCOUNTS.new_token(_B.id, f"{MARK_B} phone")[0]
B_ROWS = _DIARY.for_person(_B.id).all_rows()
A_HEADERS: dict[str, str] = {}


def _signed_in_as_a() -> dict[str, str]:
    """A's bearer header; a new token when a generated request revoked A's own (allowed)."""
    secret = A_HEADERS.get("Authorization", "").removeprefix("Bearer ")
    if _ACCOUNTS.token_person(secret) is None:
        A_HEADERS["Authorization"] = f"Bearer {_ACCOUNTS.new_token(_A.id, 'fuzzing')[1]}"
    return A_HEADERS


B_IDS: dict[str, Any] = {
    "twitch_id": _HELD_B.twitches[-1],
    "day": B_ONLY_DAY.isoformat(),
    "experiment_id": _HELD_B.active_experiment,
    "token_id": _B_TOKEN.id,
}
"""B's ids, by the path parameter names the API uses."""

schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(path_regex=r"^/api/v1/")

BOUNDED = settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def no_data_of_b(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """No answer to A holds anything of B's."""
    body = response.content.decode("utf-8", "replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    if MARK_B in body or MARK_B in headers:
        raise AssertionError(f"{case.method} {case.formatted_path} showed A some of B's data")
    return None


def test_every_path_parameter_has_one_of_bs_ids() -> None:
    names = {
        p["name"]
        for item in schema.raw_schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for p in operation.get("parameters", [])
        if p.get("in") == "path"
    }
    missing = names - set(B_IDS) - {"job_id"}  # a job's id is random text, never guessed
    assert not missing, f"path parameters without one of B's ids to try: {missing}"


@schema.parametrize()
@BOUNDED
def test_signed_in_fuzzing_finds_no_5xx_and_none_of_bs_data(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=_signed_in_as_a(), checks=[not_a_server_error, no_data_of_b])
    ours = {k: B_IDS[k] for k in (case.path_parameters or {}) if k in B_IDS}
    if ours:
        case.path_parameters = {**(case.path_parameters or {}), **ours}
        response = case.call_and_validate(
            headers=_signed_in_as_a(), checks=[not_a_server_error, no_data_of_b]
        )
        # B's numeric ids are never A's: "not found" (or the request's own fault). A day can be
        # A's as well as B's (a generated PUT makes A a check-in on it): no status to expect.
        if set(ours) - {"day"}:
            assert response.status_code in (404, 405, 413, 415, 422), response.text[:500]
    assert _DIARY.for_person(_B.id).all_rows() == B_ROWS, "A's request changed B's diary"
