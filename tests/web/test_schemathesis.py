"""Schemathesis against the app's own OpenAPI document: every /api/v1 operation, generated input.

The app runs in-process (ASGI) over a fresh SQLite diary in a temporary folder. Each operation gets
schema-driven valid and invalid requests; a 5xx, an undocumented status code or content type, or a
body that does not match its documented schema fails the test. Bounded (a few dozen examples per
operation, no deadline) so the whole file runs in a minute or two on two cores.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from twitchwise.settings import Settings
from twitchwise.web import create_app

_FOLDER = Path(tempfile.mkdtemp(prefix="twitchwise-schemathesis-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)

APP = create_app(Settings(db=f"sqlite:///{_FOLDER / 'diary.db'}"), secret_dir=_FOLDER)
atexit.register(APP.state.diary.close)  # runs before the folder is removed (atexit is LIFO)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(path_regex=r"^/api/v1/")

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_every_api_v1_operation_is_in_the_schema() -> None:
    paths = schema.raw_schema["paths"]
    api = [p for p in paths if p.startswith("/api/v1/")]
    assert "/api/v1/assess" in api and "/api/v1/health" in api
    assert len(api) >= 4, f"expected the diary CRUD operations too, got {api}"


@schema.parametrize()
@BOUNDED
def test_api_never_errors_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CONFORMANCE)


@schema.parametrize()
@BOUNDED
def test_api_refuses_input_its_schema_forbids(case: schemathesis.Case) -> None:
    """Bad input comes back as a 4xx naming the field, never accepted or guessed at."""
    case.call_and_validate(checks=[not_a_server_error, negative_data_rejection])
