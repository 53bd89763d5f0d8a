"""Every operation of the OpenAPI schema, fed generated input (valid and invalid) with and
without a staff token, answers without a server error (schemathesis, bounded examples)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from bot.api.app import create_app
from tests.api.conftest import App, app_settings

MAX_EXAMPLES = 4  # per operation and mode: the whole run takes a minute or two
OPERATIONS = [
    result.ok()
    for result in schemathesis.openapi.from_dict(
        create_app(app_settings(None)).openapi()
    ).get_all_operations()
]


def _request(case: Any, token: str | None) -> dict[str, Any]:
    """The case as keyword arguments of the app's test client (httpx)."""
    kw = case.as_transport_kwargs(base_url="http://testserver")
    headers = {k: v for k, v in (kw.get("headers") or {}).items() if k.lower() != "authorization"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    out: dict[str, Any] = {
        "method": kw["method"],
        "url": kw["url"],
        "headers": headers,
        "params": kw.get("params"),
    }
    data = kw.get("data")
    if "json" in kw:
        out["json"] = kw["json"]
    if "files" in kw:
        out["files"] = kw["files"]
        if isinstance(data, dict):
            out["data"] = data
    elif isinstance(data, dict):
        out["data"] = data
    elif data is not None:
        out["content"] = data
    return out


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_operation_answers_with_a_server_error(operation: Any, app: App) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=2 * MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def answers_without_5xx(case: Any) -> None:
        for who, token in (("anonymous", None), ("admin", app.admin_token)):
            resp = app.client.request(**_request(case, token))
            assert resp.status_code < 500, (
                f"{who}: {case.method} {case.formatted_path} -> {resp.status_code}\n"
                f"{case.as_curl_command()}\n{resp.text[:500]}"
            )

    answers_without_5xx()
