"""The authorization matrix: every route × every role × own and foreign contract, allow or deny.

A role that must not know a contract exists gets 404 — the same answer as for a contract that does
not exist; a role that sees the contract but may not do the action gets 403. "Allowed" is proven by
the request reaching the workflow: a deliberately malformed but authorised request is refused by the
workflow with its own error code (422 ``unexpected_file``, ``invalid_period``…), so the matrix changes
no data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import World, csrf_of

from charte.web import api, pages

PAGE_ROLES = ("provider", "client", "other_client", "trade_body", "mediator", "admin", "provider_reader")
API_ROLES = ("provider", "client", "other_client", "trade_body", "mediator", "admin")
MANAGERS_OF_A_PARTY = ("provider", "client", "other_client")


def standing(role: str, contract: str) -> str | None:
    """Who the role is for contract A (Relais ↔ Énergie Verte, shared with the mediator) or B (the others)."""
    return {("provider", "A"): "provider", ("provider_reader", "A"): "provider", ("client", "A"): "client",
            ("other_client", "B"): "client", ("mediator", "A"): "mediator"}.get((role, contract))


def is_manager(role: str) -> bool:
    return role != "provider_reader"


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {cid} is the contract id
    api: bool
    scoped: bool  # about one contract
    # what an authorised request gets: (status, marker in the body)
    allowed: tuple[int, str]
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    json: dict[str, Any] | None = None


ROUTES = (
    Route("contract page", "GET", "/contracts/{cid}", False, True, (200, "contract")),
    Route("upload facts", "POST", "/contracts/{cid}/facts", False, True, (422, "unexpected_file"),
          data={"period": "2026-10"}, files={"files": ("notes.txt", b"x", "text/plain")}),
    Route("settle", "POST", "/contracts/{cid}/settle", False, True, (422, "13-2026"), data={"period": "13-2026"}),
    Route("settlement page", "GET", "/contracts/{cid}/settlements/2026-10", False, True, (200, "2026-10")),
    Route("invite mediator", "POST", "/contracts/{cid}/shares", False, True, (422, "mediator"),
          data={"mediator": "nope"}),
    Route("api contract", "GET", "/api/contracts/{cid}", True, True, (200, "contract_id")),
    Route("api upload facts", "POST", "/api/contracts/{cid}/facts", True, True, (422, "unexpected_file"),
          data={"period": "2026-10"}, files={"files": ("notes.txt", b"x", "text/plain")}),
    Route("api register", "GET", "/api/contracts/{cid}/register", True, True, (200, "[")),
    Route("api replay", "GET", "/api/contracts/{cid}/settlements/2026-10/replay", True, True,
          (200, "evidence_not_in_register")),
    Route("replay page", "GET", "/contracts/{cid}/settlements/2026-10/replay", False, True,
          (200, "evidence_not_in_register")),
    Route("credit note", "POST", "/contracts/{cid}/settlements/2026-10/credit-notes", False, True,
          (422, "unknown_invoice"), data={"number": "F999999", "reason": "test"}),
    Route("api settle", "POST", "/api/contracts/{cid}/settlements", True, True, (422, "invalid_period"),
          json={"period": "13-2026"}),
    Route("api settlement", "GET", "/api/contracts/{cid}/settlements/2026-10", True, True, (200, "inputs_sha256")),
    Route("issue invoice", "POST", "/contracts/{cid}/settlements/2099-01/invoice", False, True, (422, "not_settled")),
    Route("record payment", "POST", "/contracts/{cid}/settlements/2026-10/payments", False, True,
          (422, "unknown_invoice"), data={"number": "F999999", "on": "2026-11-30", "amount": "1"}),
    Route("download invoice", "GET", "/contracts/{cid}/invoices/invoice-F000001.pdf", False, True, (200, "%PDF")),
    Route("scorecard", "GET", "/contracts/{cid}/scorecard", False, True, (200, "<svg")),
    Route("contracts list", "GET", "/contracts", False, False, (200, "<h1>")),
    Route("contract form", "GET", "/contracts/new", False, False, (200, "yaml_text")),
    Route("upload contract", "POST", "/contracts/new", False, False, (422, "yaml_syntax"),
          data={"yaml_text": "id: [", "other_party": "x"}),
    Route("tokens page", "GET", "/tokens", False, False, (200, "label")),
    Route("issue token", "POST", "/tokens", False, False, (200, "ct_"), data={"label": "matrix"}),
    Route("admin page", "GET", "/admin", False, False, (200, "/admin/users")),
    Route("admin new user", "POST", "/admin/users", False, False, (422, "organisation"),
          data={"email": "n@x.fr", "password": "long enough", "organisation": "nope"}),
    Route("api list", "GET", "/api/contracts", True, False, (200, "[")),
    Route("api upload contract", "POST", "/api/contracts", True, False, (422, "yaml_syntax"),
          json={"yaml": "id: [", "other_party_id": "x"}),
)


def expected(route: Route, role: str, contract: str | None) -> int | str:
    """``"allow"`` or the status of the refusal."""
    if role == "anonymous":
        return 401 if route.api else 303
    if route.scoped:
        s = standing(role, contract or "")
        if s is None:
            return 404
        write = route.method == "POST"
        if not write:
            return "allow"
        if "settle" in route.name or route.name in ("issue invoice", "record payment", "credit note"):
            return "allow" if s == "provider" and is_manager(role) else 403
        return "allow" if s in ("provider", "client") and is_manager(role) else 403
    if route.name in ("contracts list", "api list"):
        return "allow"
    if route.name in ("contract form", "upload contract"):
        return "allow" if role in MANAGERS_OF_A_PARTY else (403 if role == "provider_reader" else 404)
    if route.name == "api upload contract":
        return "allow" if role in MANAGERS_OF_A_PARTY else 403
    if route.name in ("tokens page", "issue token"):
        return "allow" if role in MANAGERS_OF_A_PARTY else 404
    if route.name in ("admin page", "admin new user"):
        return "allow" if role == "admin" else 404
    raise AssertionError(route.name)


CASES = [(route, role, contract)
         for route in ROUTES
         for role in ((*API_ROLES, "anonymous") if route.api else (*PAGE_ROLES, "anonymous"))
         for contract in (("A", "B") if route.scoped else (None,))]


def test_the_matrix_covers_every_route_of_the_application() -> None:
    declared = {(r.method, r.path.replace("{cid}", "{contract_id}").replace("2026-10", "{period}")
                 .replace("2099-01", "{period}").replace("invoice-F000001.pdf", "{name}")) for r in ROUTES}
    served = {(method, route.path) for router in (pages.router, api.router) for route in router.routes
              for method in getattr(route, "methods", ()) if method != "HEAD"}
    public = {("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/language/{code}")}
    assert served - public == declared
    assert len(CASES) == 206 + 4 * 8 * 2 + 2 * 8 * 2 + 2 * 7 * 2


@pytest.fixture(scope="module")
def anonymous(world: World) -> TestClient:
    return TestClient(world.app, raise_server_exceptions=False)


@pytest.mark.parametrize(("route", "role", "contract"), CASES,
                         ids=[f"{r.name}-{role}-{c or 'global'}" for r, role, c in CASES])
def test_authorization_matrix(world: World, clients: dict[str, TestClient], anonymous: TestClient, route: Route,
                              role: str, contract: str | None) -> None:
    cid = {"A": world.contract_a, "B": world.contract_b, None: ""}[contract]
    path = route.path.format(cid=cid)
    headers = {}
    data = dict(route.data or {})
    if route.api:
        client = anonymous
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    else:
        client = clients[role] if role != "anonymous" else anonymous
        if route.method == "POST":
            page = client.get("/login" if role == "anonymous" else "/contracts")
            data["csrf_token"] = csrf_of(page.text)
    response = client.request(route.method, path, headers=headers, data=data or None, files=route.files,
                              json=route.json, follow_redirects=False)
    want = expected(route, role, contract)
    if want == "allow":
        status, marker = route.allowed
        assert response.status_code == status, response.text[:400]
        assert marker in response.text
    elif want == 303:
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
    else:
        assert response.status_code == want, response.text[:400]
    if want == 404 and route.scoped:
        assert world.contract_b not in response.text and world.contract_a not in response.text


def test_a_hidden_contract_looks_exactly_like_a_missing_one(world: World, clients: dict[str, TestClient]) -> None:
    client = clients["other_client"]
    hidden = client.get(f"/contracts/{world.contract_a}")
    missing = client.get(f"/contracts/{'0' * 32}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    api = TestClient(world.app)
    headers = {"Authorization": f"Bearer {world.tokens['other_client']}"}
    assert api.get(f"/api/contracts/{world.contract_a}", headers=headers).json() == \
        api.get(f"/api/contracts/{'0' * 32}", headers=headers).json()


@pytest.mark.parametrize(("role", "sees"), [
    ("provider", {"A"}), ("client", {"A"}), ("mediator", {"A"}), ("provider_reader", {"A"}),
    ("other_client", {"B"}), ("trade_body", set()), ("admin", set())])
def test_each_list_shows_only_what_the_organisation_may_see(world: World, clients: dict[str, TestClient], role: str,
                                                          sees: set[str]) -> None:
    html = clients[role].get("/contracts").text
    assert {k for k, cid in (("A", world.contract_a), ("B", world.contract_b)) if cid in html} == sees
    if role in API_ROLES:
        listed = TestClient(world.app).get("/api/contracts",
                                           headers={"Authorization": f"Bearer {world.tokens[role]}"}).json()
        assert {c["id"] for c in listed} == {{"A": world.contract_a, "B": world.contract_b}[k] for k in sees}
