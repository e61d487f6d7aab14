"""The JSON API against its own OpenAPI schema, with schemathesis: no 5xx for any input, and
every response valid against the schema of its status code.

Every default check runs, except that ``POST /analyze`` may turn a schema-valid body
down (422) when its text is no document. The app runs in process (ASGI) over a new store,
without the stages that read spaCy's parse (a generated text then takes milliseconds, and
the API's shape does not depend on them). Examples per operation:
``CLAIMSCOPE_SCHEMATHESIS_EXAMPLES`` (default 25).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web_support import PARSE_STAGES, store_settings

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from claimscope.adapters.web.app import create_app  # noqa: E402

EXAMPLES = int(os.environ.get("CLAIMSCOPE_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("schemathesis")
    # In process, requests name the host "testserver": the loopback host check is off.
    settings = store_settings(folder, disabled=PARSE_STAGES, warm_up=False, loopback_only=False)
    app = create_app(settings)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_api_keeps_its_schema(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "POST /api/v1/analyze",
        "GET /api/v1/documents",
        "GET /api/v1/documents/{document_id}",
        "GET /api/v1/search",
        "GET /api/v1/clusters",
        "GET /api/v1/claims",
        "GET /api/v1/actors",
        "POST /api/v1/match",
        "GET /api/v1/jobs/{job_id}",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def keeps_its_schema(case: Any) -> None:
            excluded = []
            if case.operation.path == "/api/v1/analyze":
                # A text can satisfy the schema and still be no document (blank, binary,
                # an undecodable file): 422 then, by design, with the reason.
                excluded.append(positive_data_acceptance)
            case.call_and_validate(excluded_checks=excluded)

        keeps_its_schema()
