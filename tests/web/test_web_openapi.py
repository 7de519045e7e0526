"""The JSON API against its OpenAPI document: every operation is documented, and malformed input —
random path values, random JSON, random bytes under any content type — never gives a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.web.conftest import World

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=20)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
BODY_LIKE = st.fixed_dictionaries({}, optional={"yaml": st.text(max_size=200) | JSON, "other_party_id": JSON,
                                                "period": st.text(max_size=12) | JSON})


def operations(world: World) -> list[tuple[str, str]]:
    document = TestClient(world.app).get("/api/openapi.json").json()
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


def test_the_openapi_document_lists_every_api_operation(world: World) -> None:
    document = TestClient(world.app).get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(operations(world)) == {
        ("GET", "/api/contracts"), ("POST", "/api/contracts"), ("GET", "/api/contracts/{contract_id}"),
        ("POST", "/api/contracts/{contract_id}/facts"), ("POST", "/api/contracts/{contract_id}/settlements"),
        ("GET", "/api/contracts/{contract_id}/settlements/{period}"), ("GET", "/api/contracts/{contract_id}/register"),
        ("GET", "/api/contracts/{contract_id}/settlements/{period}/replay"),
        ("POST", "/api/contracts/{contract_id}/decision"),
        ("GET", "/api/public/members"), ("GET", "/api/public/members/{siren}"),  # the public register (issue 18)
        # issue 16 — disputes, messages, what-ifs, resolutions
        ("GET", "/api/contracts/{contract_id}/disputes"), ("POST", "/api/contracts/{contract_id}/disputes"),
        ("GET", "/api/contracts/{contract_id}/disputes/{dispute_id}"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/messages"),
        ("GET", "/api/contracts/{contract_id}/disputes/{dispute_id}/whatifs"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/whatifs"),
        ("GET", "/api/contracts/{contract_id}/disputes/{dispute_id}/whatifs/{whatif_id}"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/answers"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/mediator"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/recommendation"),
        ("POST", "/api/contracts/{contract_id}/disputes/{dispute_id}/resolution")}
    assert "/login" not in document["paths"]  # pages are not part of the API


@pytest.fixture(scope="module")
def caller(world: World) -> tuple[TestClient, dict[str, str]]:
    return TestClient(world.app, raise_server_exceptions=False), {"Authorization": f"Bearer {world.tokens['provider']}"}


def _fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe="") or "x")
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_server_error_on_malformed_input(world: World, caller: tuple[TestClient, dict[str, str]],
                                            data: st.DataObject) -> None:
    client, headers = caller
    method, template = data.draw(st.sampled_from(operations(world)))
    contract = data.draw(st.sampled_from([world.contract_a, world.contract_b]) | st.text(max_size=40))
    path = _fill(template, {"contract_id": contract, "period": data.draw(st.text(max_size=12))})
    how = data.draw(st.sampled_from(["json", "bytes", "multipart", "none"]))
    kwargs: dict[str, Any] = {}
    if how == "json":
        kwargs["json"] = data.draw(BODY_LIKE | JSON)
    elif how == "bytes":
        kwargs["content"] = data.draw(st.binary(max_size=200))
        kwargs["headers"] = {**headers, "content-type": data.draw(st.sampled_from(
            ["application/json", "multipart/form-data", "multipart/form-data; boundary=x", "text/plain",
             "application/x-www-form-urlencoded"]))}
    elif how == "multipart":
        name = data.draw(st.sampled_from(["interval_report.csv", "forecasts.parquet", "incidents.csv", "x.txt"])
                         | st.text(max_size=20))
        kwargs["files"] = [("files", (name, data.draw(st.binary(max_size=300))))]
    kwargs.setdefault("headers", headers)
    response = client.request(method, path, **kwargs)
    assert response.status_code < 500, (method, path, how, response.text[:300])


# ---------------------------------------------------------------- schemathesis over the OpenAPI document

@pytest.fixture(scope="module")
def api_operations(world: World) -> list[Any]:
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", world.app)
    return [result.ok() for result in schema.get_all_operations()]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_schemathesis_finds_no_server_error(world: World, api_operations: list[Any], data: st.DataObject) -> None:
    """Schemathesis draws requests from the OpenAPI document (valid ones and, through the schema's edges, odd
    ones) for every operation, as the provider; 200 examples in all, bounded for CI: never a 500."""
    operation = data.draw(st.sampled_from(api_operations))
    case = data.draw(operation.as_strategy())
    response = case.call(headers={"Authorization": f"Bearer {world.tokens['provider']}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
