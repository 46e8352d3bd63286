"""Every response of the running server matches /api/v1/openapi.json (schemathesis CLI)."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from orders.api.keys import api_key_create
from tests.factories import ResellerFactory

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "missing_required_header",
        "unsupported_method",
        "ignored_auth",
    ]
)


@pytest.fixture
def funded_key(transactional_db, settings):
    settings.API_RATE_LIMIT = 1_000_000  # the run sends thousands of requests a minute
    settings.CASHIN_DAILY_LIMIT = Decimal("1e11")
    reseller = ResellerFactory(balance=Decimal("100000000.00"))
    return api_key_create(reseller=reseller, name="schemathesis")[0]


# live_server is session-wide and starts before the settings fixture can set autorefresh.
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_every_response_matches_the_openapi_document(live_server, sandbox, funded_key, tmp_path):
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--url",
            f"{live_server.url}/api/v1",
            "--header",
            f"Authorization: Bearer {funded_key}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "40",
            "--max-time",
            "60",
            "--workers",
            "1",
            "--seed",
            "5",
            "--generation-database",
            "none",
            "--no-color",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
