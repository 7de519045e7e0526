"""The authorization matrix, derived from the application's route table (issue 17).

Every route the application serves must appear in :data:`ROUTES` with its POLICY — who may use it —
and a PROBE: a request that, when allowed, reaches the route's own code and is answered by it with a
recognisable status and marker (a deliberately malformed request refused by the workflow, 422
``yaml_syntax``, ``invalid_period``… so the matrix changes almost nothing). A route added to the
application without a line here fails :func:`test_every_route_of_the_application_is_classified`.

Each route is tried by every role — anonymous, each party's manager and reader, another tenant, the
trade body, an invited and an uninvited mediator, the administrator — and, for routes about one
object, on an object of the role's own side and on one of ANOTHER tenant. A role that must not know an
object exists gets 404, the same answer as for a missing one; a role that sees it but may not act
gets 403.

To classify a new route: add one ``Route(...)`` line with a policy from the list below (or a new
policy function of the role and the object) and a probe.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import World, csrf_of, login

from charte.disputes import Entry, Kind, WhatIf, chain
from charte.store import (
    ContractRow,
    DisputeAttachmentRow,
    DisputeEntryRow,
    DisputeRow,
    SettlementRow,
    WhatIfRow,
    transaction,
)

Outcome = str | int  # "allow" or the status of the refusal

PAGE_ROLES = ("anonymous", "provider", "provider_reader", "client", "client_reader", "other_client", "trade_body",
              "mediator", "mediator_uninvited", "admin")
API_ROLES = ("anonymous", "provider", "client", "other_client", "other_provider", "trade_body", "mediator",
             "mediator_uninvited", "admin")
ORGANISATION = {"provider_reader": "provider", "client_reader": "client"}
READERS = ("provider_reader", "client_reader")
PARTY_KINDS = {"provider": "provider", "provider_reader": "provider", "client": "client", "client_reader": "client",
               "other_client": "client", "other_provider": "provider"}

# Who each role is for each contract: A (Relais ↔ Énergie Verte, shared with the invited mediator), B (another
# provider ↔ another client), C (proposed by Relais to Énergie Verte, not yet accepted).
STANDING = {("provider", "A"): "provider", ("provider_reader", "A"): "provider", ("client", "A"): "client",
            ("client_reader", "A"): "client", ("mediator", "A"): "mediator", ("other_client", "B"): "client",
            ("other_provider", "B"): "provider", ("provider", "C"): "provider", ("provider_reader", "C"): "provider",
            ("client", "C"): "client", ("client_reader", "C"): "client"}


def manager(role: str) -> bool:
    return role not in READERS


# ---------------------------------------------------------------- policies: (role, object) -> outcome

def public(role: str, obj: str | None) -> Outcome:
    return "allow"


def signed_in(role: str, obj: str | None) -> Outcome:
    return "allow"


def contract_reader(role: str, obj: str | None) -> Outcome:
    return "allow" if STANDING.get((role, obj or "")) else 404


def party_writer(role: str, obj: str | None) -> Outcome:
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if standing in ("provider", "client") and manager(role) and obj != "C" else 403


def provider_writer(role: str, obj: str | None) -> Outcome:
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if standing == "provider" and manager(role) and obj != "C" else 403


def counterparty_manager(role: str, obj: str | None) -> Outcome:
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if obj == "C" and standing == "client" and manager(role) else 403


def party_manager(role: str, obj: str | None) -> Outcome:
    if role not in PARTY_KINDS:
        return 404
    if not manager(role):
        return 403
    return "allow" if obj in (None, "own") else 404


def api_party(role: str, obj: str | None) -> Outcome:
    return "allow" if role in PARTY_KINDS else 403


def tenant_manager(role: str, obj: str | None) -> Outcome:
    if role == "admin":
        return 404
    if not manager(role):
        return 403
    return "allow" if obj in (None, "own") else 404


def administrator(role: str, obj: str | None) -> Outcome:
    return "allow" if role == "admin" else 404


def provider_declarant(role: str, obj: str | None) -> Outcome:
    return "allow" if role == "provider" else 403


def member_of_trade_body(role: str, obj: str | None) -> Outcome:
    """Anyone signed in from a provider that is a current member of the trade body (Relais, in this world)."""
    return "allow" if role in ("provider", "provider_reader") else 403


def member_manager(role: str, obj: str | None) -> Outcome:
    return "allow" if role == "provider" else 403


# issue 16 — disputes (charte.disputes.thread): a contract's dispute is visible to its parties and to the mediator
# invited to it (contract A's); only the client's manager contests; only managers act.

def dispute_contester(role: str, obj: str | None) -> Outcome:
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if standing == "client" and manager(role) else 403


def dispute_participant(role: str, obj: str | None) -> Outcome:
    """Messages and what-ifs: a manager of either party or the invited mediator."""
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if manager(role) else 403


def dispute_party(role: str, obj: str | None) -> Outcome:
    """Answers, inviting the mediator, resolutions: a party's manager (never the mediator)."""
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if standing in ("provider", "client") and manager(role) else 403


def dispute_mediator(role: str, obj: str | None) -> Outcome:
    standing = STANDING.get((role, obj or ""))
    if standing is None:
        return 404
    return "allow" if standing == "mediator" and manager(role) else 403


def job_member_reader(role: str, obj: str | None) -> Outcome:
    """The job board's member pages (issue 22): a member organisation's users, on its own offers and the
    applications to them; 404 for anyone else, the same as for a missing object."""
    if role not in ("provider", "provider_reader"):
        return 404
    return 404 if obj == "foreign" else "allow"


def job_member_writer(role: str, obj: str | None) -> Outcome:
    if role == "provider_reader":
        return 403
    return job_member_reader(role, obj)


def job_trade_body(role: str, obj: str | None) -> Outcome:
    """Moderation and the work-study dashboard: the trade body only (404 for everybody else)."""
    return "allow" if role == "trade_body" else 404


def job_candidate(role: str, obj: str | None) -> Outcome:
    """A candidate's own pages: no member is a candidate (candidates sign in with their own account, on
    ``/emplois/connexion``), so every role is sent there; the candidates' side is tested in test_web_jobs.py."""
    return 303


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # the application's path template
    policy: Callable[[str, str | None], Outcome]
    allowed: tuple[int, str]  # what the probe gets when allowed: status and a marker in the body
    objects: tuple[str, ...] = ()  # "A"/"B"/"C" contracts, or "own"/"foreign" tokens, members, organisations
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    fresh_session: bool = False  # the probe ends the session: run it on a session of its own
    anonymous: Outcome | None = None  # what anonymous gets when not the default (303 to /login, 401 on the API)
    query: str = ""  # appended to the probe's path
    sign_in: str = "/login"  # where a 303 refusal sends

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


CONTRACT = ("A", "B")
RELAIS = "987654324"  # the demo provider's SIREN; a member of the trade body in this world (fixture `relais_member`)
ROUTES = (
    # sign in, language, invitations: public
    Route("GET", "/", public, (303, ""), anonymous="allow"),
    Route("GET", "/login", public, (200, "csrf_token"), anonymous="allow"),
    Route("POST", "/login", public, (401, "login"), data={"email": "nobody.{role}@example.fr", "password": "x"},
          anonymous="allow"),
    Route("GET", "/language/{code}", public, (303, ""), anonymous="allow"),
    Route("GET", "/favicon.ico", public, (200, "<svg"), anonymous="allow"),
    Route("GET", "/invitations/{token}", public, (200, "Fédération régionale"), anonymous="allow"),
    Route("POST", "/invitations/{token}", public, (422, "passwords_differ"),
          data={"password": "a long password 1", "confirm": "another one 2"}, anonymous="allow"),
    # one's own account
    Route("POST", "/logout", signed_in, (303, ""), fresh_session=True),
    Route("GET", "/account", signed_in, (200, "/account/password")),
    Route("POST", "/account/password", signed_in, (422, "wrong_password"),
          data={"current": "not it", "password": "x" * 12, "confirm": "x" * 12}),
    Route("POST", "/account/sessions/end-all", signed_in, (303, ""), fresh_session=True),
    # contracts of one's organisation
    Route("GET", "/contracts", signed_in, (200, "<h1>")),
    Route("GET", "/contracts/new", party_manager, (200, "yaml_text")),
    Route("POST", "/contracts/new", party_manager, (422, "yaml_syntax"), data={"yaml_text": "id: ["}),
    Route("GET", "/contracts/{contract_id}", contract_reader, (200, "contract"), CONTRACT),
    Route("POST", "/contracts/{contract_id}/decision", counterparty_manager, (422, "décision"), ("C", "B"),
          data={"decision": "maybe"}),
    Route("POST", "/contracts/{contract_id}/facts", party_writer, (422, "unexpected_file"), CONTRACT,
          data={"period": "2026-10"}, files={"files": ("notes.txt", b"x", "text/plain")}),
    Route("POST", "/contracts/{contract_id}/settle", provider_writer, (422, "13-2026"), CONTRACT,
          data={"period": "13-2026"}),
    Route("GET", "/contracts/{contract_id}/settlements/{period}", contract_reader, (200, "2026-10"), CONTRACT),
    # issue 14: the mediator's replay (a settlement made without the register has no evidence to replay)
    Route("GET", "/contracts/{contract_id}/settlements/{period}/replay", contract_reader, (200, "no_evidence"),
          CONTRACT),
    Route("POST", "/contracts/{contract_id}/settlements/{period}/credit-notes", provider_writer,
          (422, "unknown_invoice"), CONTRACT, data={"number": "F999999", "reason": "test"}),
    Route("POST", "/contracts/{contract_id}/settlements/{period}/invoice", provider_writer, (422, "not_settled"),
          CONTRACT),
    Route("POST", "/contracts/{contract_id}/settlements/{period}/payments", provider_writer, (422, "unknown_invoice"),
          CONTRACT, data={"number": "F999999", "on": "2026-11-30", "amount": "1"}),
    Route("GET", "/contracts/{contract_id}/invoices/{name}", contract_reader, (200, "%PDF"), CONTRACT),
    Route("GET", "/contracts/{contract_id}/scorecard", contract_reader, (200, "<svg"), CONTRACT),
    Route("POST", "/contracts/{contract_id}/shares", party_writer, (422, "unknown_mediator"), CONTRACT,
          data={"mediator": "nope"}),
    # API tokens and members of one's organisation
    Route("GET", "/tokens", party_manager, (200, "label")),
    Route("POST", "/tokens", party_manager, (422, "durée"), data={"label": "matrix", "days": "7"}),
    Route("POST", "/tokens/{token_id}/revoke", party_manager, (303, ""), ("own", "foreign")),
    Route("GET", "/members", tenant_manager, (200, "/members/invite")),
    Route("POST", "/members/invite", tenant_manager, (422, "invalid_email"), data={"email": "x", "role": "reader"}),
    Route("POST", "/members/{user_id}/remove", tenant_manager, (422, "last_manager"), ("own", "foreign")),
    # the platform's administration
    Route("GET", "/admin", administrator, (200, "/admin/organisations")),
    Route("POST", "/admin/organisations", administrator, (422, "unknown_organisation_kind"),
          data={"name": "X", "kind": "nope", "manager_email": "m@x.fr"}),
    Route("POST", "/admin/organisations/{organisation_id}/invite", administrator, (422, "organisation_has_members"),
          data={"manager_email": "m@x.fr"}),
    Route("POST", "/admin/users/{user_id}/active", administrator, (422, "propre compte"), data={"active": "false"}),
    Route("GET", "/admin/audit.csv", administrator, (200, "horodatage,utilisateur")),
    # the observatory
    Route("GET", "/observatory", signed_in, (200, "<h1>")),
    Route("GET", "/observatory/barometer.{fmt}", signed_in, (200, "tableau,mesure")),
    Route("GET", "/observatory/ranking", signed_in, (200, "<h1>")),
    Route("GET", "/observatory/declare", provider_declarant, (200, "csv_file")),
    Route("POST", "/observatory/declare", provider_declarant, (422, "missing_column"),
          files={"csv_file": ("d.csv", b"nothing,useful\n", "text/csv")}),
    Route("GET", "/observatory/charter", signed_in, (200, "<h1>")),
    Route("GET", "/observatory/charter.{fmt}", signed_in, (200, "semestre,axe")),
    Route("GET", "/observatory/sharing", member_of_trade_body, (200, "scorecards")),
    Route("POST", "/observatory/sharing", member_manager, (422, "invalid_choice"), data={"ranking": "maybe"}),
    # the public register of members (issue 18): no sign-in, the same answer for everybody
    Route("GET", "/registre", public, (200, "<h1>"), anonymous="allow"),
    Route("GET", "/registre/{siren}", public, (200, "application/ld+json"), anonymous="allow"),
    Route("GET", "/registre/{siren}/qr.svg", public, (200, "<svg"), anonymous="allow"),
    Route("GET", "/api/public/members", public, (200, "members"), anonymous="allow"),
    Route("GET", "/api/public/members/{siren}", public, (200, RELAIS), anonymous="allow"),
    # the JSON API (a token speaks for one organisation, as its manager)
    Route("GET", "/api/contracts", signed_in, (200, "[")),
    Route("POST", "/api/contracts", api_party, (422, "yaml_syntax"), json={"yaml": "id: ["}),
    Route("GET", "/api/contracts/{contract_id}", contract_reader, (200, "contract_id"), CONTRACT),
    Route("POST", "/api/contracts/{contract_id}/decision", counterparty_manager, (200, "accepted"), ("C", "B"),
          json={"decision": "accept"}),
    Route("POST", "/api/contracts/{contract_id}/facts", party_writer, (422, "unexpected_file"), CONTRACT,
          data={"period": "2026-10"}, files={"files": ("notes.txt", b"x", "text/plain")}),
    Route("GET", "/api/contracts/{contract_id}/register", contract_reader, (200, "["), CONTRACT),
    Route("GET", "/api/contracts/{contract_id}/settlements/{period}/replay", contract_reader, (200, "no_evidence"),
          CONTRACT),
    Route("POST", "/api/contracts/{contract_id}/settlements", provider_writer, (422, "invalid_period"), CONTRACT,
          json={"period": "13-2026"}),
    Route("GET", "/api/contracts/{contract_id}/settlements/{period}", contract_reader, (200, "inputs_sha256"),
          CONTRACT),
    # the job board (issue 22): public offers and candidates' accounts
    Route("GET", "/emplois", public, (200, 'data-testid="offers"'), anonymous="allow"),
    Route("GET", "/emplois/communes", public, (200, ""), anonymous="allow"),
    Route("GET", "/emplois/offres/{offer_id}", public, (200, "application/ld+json"), ("own",), anonymous="allow"),
    Route("POST", "/emplois/offres/{offer_id}/signaler", public, (303, ""), ("own",), data={"reason": "other"},
          anonymous="allow"),
    Route("GET", "/emplois/inscription", public, (200, "consent"), anonymous="allow"),
    Route("POST", "/emplois/inscription", public, (422, "problem-email"), data={"email": "x"}, anonymous="allow"),
    Route("GET", "/emplois/verifier/{token}", public, (404, "<h1>"), anonymous="allow"),
    Route("GET", "/emplois/connexion", public, (200, "csrf_token"), anonymous="allow"),
    Route("POST", "/emplois/connexion", public, (401, "password"),
          data={"email": "nobody.{role}@example.fr", "password": "x"}, anonymous="allow"),
    Route("POST", "/emplois/deconnexion", public, (303, ""), anonymous="allow"),
    Route("GET", "/emplois/profil", job_candidate, (200, ""), sign_in="/emplois/connexion"),
    Route("POST", "/emplois/profil", job_candidate, (422, ""), sign_in="/emplois/connexion"),
    Route("GET", "/emplois/espace", job_candidate, (200, ""), sign_in="/emplois/connexion"),
    Route("POST", "/emplois/offres/{offer_id}/postuler", job_candidate, (200, ""), ("own",),
          sign_in="/emplois/connexion"),
    Route("GET", "/emplois/compte/export", job_candidate, (200, ""), sign_in="/emplois/connexion"),
    Route("POST", "/emplois/compte/supprimer", job_candidate, (422, ""), sign_in="/emplois/connexion"),
    # the job board: members' offers and the applications to them
    Route("GET", "/emplois/gestion", job_member_reader, (200, 'data-testid="our-offers"')),
    Route("GET", "/emplois/gestion/nouvelle", job_member_writer, (200, "csrf_token")),
    Route("POST", "/emplois/gestion/nouvelle", job_member_writer, (422, "problem-job_id"), data={"title": ""}),
    Route("GET", "/emplois/gestion/offres/{offer_id}", job_member_reader, (200, "<h1>"), ("own", "foreign")),
    Route("POST", "/emplois/gestion/offres/{offer_id}/retirer", job_member_writer, (303, ""),
          ("withdrawable", "foreign")),
    Route("POST", "/emplois/gestion/candidatures/{application_id}", job_member_writer, (422, "<h1>"),
          ("own", "foreign"), data={"status": "maybe"}),
    Route("GET", "/emplois/gestion/candidatures/{application_id}/cv", job_member_reader, (200, "%PDF"),
          ("own", "foreign")),
    Route("POST", "/emplois/gestion/offres/{offer_id}/inviter/{candidate_id}", job_member_writer, (200, "<h1>"),
          ("own", "foreign")),
    # the job board: the trade body's moderation and work-study dashboard
    Route("GET", "/emplois/moderation", job_trade_body, (200, "<h1>")),
    Route("POST", "/emplois/moderation/offres/{offer_id}", job_trade_body, (422, "<h1>"), ("own",),
          data={"action": "nope"}),
    Route("POST", "/emplois/moderation/signalements/{report_id}", job_trade_body, (303, ""),
          data={"action": "dismiss"}),
    Route("GET", "/emplois/alternance", job_trade_body, (200, 'data-testid="work-study-table"')),
    Route("GET", "/emplois/alternance.csv", job_trade_body, (200, "ville")),
    Route("POST", "/emplois/alternance/promotions", job_trade_body, (422, "problem-school"), data={"school": ""}),
    Route("POST", "/emplois/alternance/placements", job_trade_body, (422, "AAAA-MM-JJ"), data={"placed_on": "x"}),
)
# issue 16 — disputes: the contract's dispute (A's with the mediator invited), its attachment and what-if
D = "/contracts/{contract_id}/disputes/{dispute_id}"
ROUTES = (
    *ROUTES,
    Route("GET", "/contracts/{contract_id}/disputes", contract_reader, (200, "<h1>"), CONTRACT),
    Route("GET", "/contracts/{contract_id}/disputes/new", dispute_contester, (422, "unknown_invoice"), CONTRACT,
          query="?invoice=F999999"),
    Route("POST", "/contracts/{contract_id}/disputes", dispute_contester, (422, "unknown_invoice"), CONTRACT,
          data={"invoice": "F999999", "scope": "invoice", "reason": "other", "disputed_amount": "1"}),
    Route("GET", D, contract_reader, (200, 'data-testid="thread"'), CONTRACT),
    Route("POST", D + "/messages", dispute_participant, (422, "text_needed"), CONTRACT, data={"text": " "}),
    Route("POST", D + "/whatifs", dispute_participant, (422, "no_change"), CONTRACT, data={"text": "x"}),
    Route("POST", D + "/answers", dispute_party, (422, "whatif_needed"), CONTRACT, data={"answer": "accept"}),
    Route("POST", D + "/mediator", dispute_party, (422, "mediator"), CONTRACT, data={"mediator": "nope"}),
    Route("POST", D + "/recommendation", dispute_mediator, (422, "text_needed"), CONTRACT, data={"text": ""}),
    Route("POST", D + "/resolution", dispute_party, (422, "text_needed"), CONTRACT,
          data={"outcome": "close", "text": ""}),
    Route("GET", D + "/attachments/{sha256}", contract_reader, (200, "pièce"), CONTRACT),
    Route("GET", "/api/contracts/{contract_id}/disputes", contract_reader, (200, "["), CONTRACT),
    Route("POST", "/api/contracts/{contract_id}/disputes", dispute_contester, (422, "unknown_invoice"), CONTRACT,
          json={"invoice": "F999999", "scope": "invoice", "reason": "other", "disputed_amount": "1"}),
    Route("GET", "/api" + D, contract_reader, (200, "invoice_number"), CONTRACT),
    Route("POST", "/api" + D + "/messages", dispute_participant, (422, "text_needed"), CONTRACT, json={"text": " "}),
    Route("GET", "/api" + D + "/whatifs", contract_reader, (200, "dispute_id"), CONTRACT),
    Route("POST", "/api" + D + "/whatifs", dispute_participant, (422, "invalid_change"), CONTRACT,
          json={"changes": [{"change": "teleport"}]}),
    Route("GET", "/api" + D + "/whatifs/{whatif_id}", contract_reader, (200, "dispute_id"), CONTRACT),
    Route("POST", "/api" + D + "/answers", dispute_party, (422, "whatif_needed"), CONTRACT, json={"answer": "accept"}),
    Route("POST", "/api" + D + "/mediator", dispute_party, (422, "mediator"), CONTRACT,
          json={"mediator_organisation_id": "nope"}),
    Route("POST", "/api" + D + "/recommendation", dispute_mediator, (422, "text_needed"), CONTRACT,
          json={"text": " "}),
    Route("POST", "/api" + D + "/resolution", dispute_party, (422, "text_needed"), CONTRACT,
          json={"outcome": "close", "text": ""}),
)
UNCLASSIFIED_ON_PURPOSE = {("GET", "/api/openapi.json")}  # the API's own description, public by design


def served_routes(routes: list[Any]) -> set[tuple[str, str]]:
    """(method, path) of every route, through the routers the application includes (the static mount has none)."""
    out: set[tuple[str, str]] = set()
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included router
            prefix = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            out |= {(m, prefix + p) for m, p in served_routes(route.original_router.routes)}
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                out.add((method, route.path))
    return out


def test_every_route_of_the_application_is_classified(world: World) -> None:
    served = served_routes(world.app.routes)
    declared = {(r.method, r.path) for r in ROUTES}
    assert served - declared - UNCLASSIFIED_ON_PURPOSE == set(), "classify these routes in ROUTES"
    assert declared - served == set(), "ROUTES names routes the application does not serve"


def _cases() -> list[tuple[Route, str, str | None]]:
    out = []
    for route in ROUTES:
        roles = API_ROLES if route.api else PAGE_ROLES
        for role in roles:
            for obj in route.objects or (None,):
                out.append((route, role, obj))
    return out


CASES = _cases()


def expected(route: Route, role: str, obj: str | None) -> Outcome:
    if role == "anonymous":
        return route.anonymous or (401 if route.api else 303)
    if route.policy is public:
        return "allow"  # a bearer token (even none valid) changes nothing on a public route
    if route.api and role == "admin":
        return 401  # the administrators have no API token
    if route.api and route.policy is contract_reader and role in ("other_provider",):
        return "allow" if STANDING.get((role, obj or "")) else 404
    return route.policy(role, obj)


def _fill(route: Route, world: World, role: str, obj: str | None,
          disputes: dict[str, dict[str, str]]) -> str:
    organisation = ORGANISATION.get(role, role)
    contracts = {"A": world.contract_a, "B": world.contract_b, "C": world.contract_c}
    token_of = {"own": world.token_ids.get(organisation, world.token_ids["other_provider"]),
                "foreign": world.token_ids["other_provider"]}
    user_of = {"own": world.user_ids.get(role, world.user_ids["provider"]),
               "foreign": world.user_ids["other_client"] if role != "other_client" else world.user_ids["provider"]}
    values = {"contract_id": contracts.get(obj or "", ""), "period": "2026-10", "name": "invoice-F000001.pdf",
              "code": "fr", "token": world.invitation, "fmt": "csv", "token_id": token_of.get(obj or "", ""),
              "user_id": user_of.get(obj or "own", ""), "organisation_id": world.orgs["provider"], "siren": RELAIS,
              **disputes.get(obj or "", {})}
    if route.path.startswith("/emplois/"):
        board = world.job_board
        values |= {"offer_id": board[f"offer_{obj}"] if obj else "", "application_id": board.get(f"application_{obj}",
                   ""), "candidate_id": board["candidate"], "report_id": board["report"]}
    if route.path.endswith("/invoice"):
        values["period"] = "2099-01"
    path = route.path
    for key, value in values.items():
        path = path.replace("{" + key + "}", value)
    return path + route.query


@pytest.fixture(scope="module", autouse=True)
def relais_member(world: World) -> None:
    """The demo provider joins the world's small observatory, so the member's routes have someone to allow."""
    from datetime import date

    from charte.observatory import Member, MemberRegistry

    folder = world.data_dir / "observatory"
    MemberRegistry.load(folder).with_member(Member(company="Relais Contact SAS", siren=RELAIS,
                                                   member_since=date(2012, 1, 1))).save(folder)


@pytest.fixture(scope="module", autouse=True)
def job_board(world: World, relais_member: None) -> None:
    seed_job_board(world)


def seed_job_board(world: World) -> None:
    """Offers of the demo provider (a member: one open, one to withdraw) and of another provider, a candidate who
    agreed to be found and applied to both with a CV, and a report: the objects of the job board's routes (also
    seeded by the language and accessibility tests, which read the same pages)."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.web.jobs_world import PDF, WORK_STUDY_IN_LYON

    from charte.jobs.candidates import parse_profile
    from charte.jobs.communes import communes
    from charte.jobs.offers import parse_offer
    from charte.jobs.reference_jobs import reference_jobs
    from charte.store import OrganisationRow, transaction
    from charte.store.job_candidates import apply, register, report, save_profile, verify
    from charte.store.job_offers import post_offer

    moment = datetime.now(UTC)
    today = moment.astimezone(ZoneInfo("Europe/Paris")).date()
    form = {**WORK_STUDY_IN_LYON, "start_on": (today + timedelta(days=30)).isoformat(),
            "expires_on": (today + timedelta(days=60)).isoformat()}
    offer, problems = parse_offer(form, today, communes(), reference_jobs())
    assert offer is not None, problems
    board: dict[str, str] = {}
    with transaction(world.app.state.sessions) as session:
        rows = {}
        for key, organisation in (("own", "provider"), ("withdrawable", "provider"), ("foreign", "other_provider")):
            row, _ = post_offer(session, session.get(OrganisationRow, world.orgs[organisation]), key, offer,
                                communes(), None, moment)
            row.status = "open"
            rows[key] = row
        candidate, token = register(session, "matrice@example.org", "une longue phrase", "fr", moment)
        verify(session, token, moment)
        profile, problems = parse_profile({"first_name": "Inès", "functions": ["service"], "city_1": "Lyon",
                                           "radius_km": "20", "available_from": today.isoformat(),
                                           "contracts": ["apprenticeship"], "languages": ["fr"],
                                           "shifts": ["weekdays"], "work_study": "on", "searchable": "on"},
                                          communes())
        assert profile is not None, problems
        save_profile(session, candidate, profile, None, moment)
        for key in ("own", "foreign"):
            application = apply(session, candidate, rows[key], "Bonjour", PDF, "cv.pdf",
                                world.data_dir / "jobs" / "cv", today, moment)
            board[f"application_{key}"] = application.id
        board["report"] = report(session, candidate, rows["own"], "misleading", "", moment).id
        session.flush()
        board |= {f"offer_{key}": row.id for key, row in rows.items()} | {"candidate": candidate.id}
    world.job_board = board


@pytest.fixture(scope="module")
def anonymous(world: World) -> TestClient:
    return TestClient(world.app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def disputes(world: World) -> dict[str, dict[str, str]]:
    return seed_disputes(world)


def seed_disputes(world: World) -> dict[str, dict[str, str]]:
    """One dispute per contract (A's with the mediator invited), each with an attachment and a what-if: the ids
    the dispute routes are filled with, by contract ("A", "B")."""
    out: dict[str, dict[str, str]] = {}
    content = "pièce jointe".encode()
    sha = hashlib.sha256(content).hexdigest()
    (world.data_dir / "attachments" / sha[:2]).mkdir(parents=True, exist_ok=True)
    (world.data_dir / "attachments" / sha[:2] / sha).write_bytes(content)
    with transaction(world.app.state.sessions) as session:
        for key, cid in (("A", world.contract_a), ("B", world.contract_b)):
            settlement = session.query(SettlementRow).filter_by(contract_id=cid).one()
            contract = session.get(ContractRow, cid)
            assert contract is not None
            row = DisputeRow(contract_id=cid, provider_organisation_id=contract.provider_organisation_id,
                             client_organisation_id=contract.client_organisation_id,
                             mediator_organisation_id=world.orgs["mediator"] if key == "A" else None, period="2026-10",
                             invoice_number="F000001", invoice_date=date(2026, 11, 1), invoice_total="3000.00",
                             settlement_id=settlement.id, scope="invoice", reason="other", text="x",
                             disputed_amount="10.00", invoice_status="in_dispute")
            session.add(row)
            session.flush()
            entries = [chain([], Entry(0, Kind.CONTEST, datetime(2026, 11, 2, tzinfo=UTC), "client",
                                       attachments=(sha,)))]
            if key == "A":
                entries.append(chain(entries, Entry(0, Kind.INVITE_MEDIATOR, datetime(2026, 11, 3, tzinfo=UTC),
                                                    "client")))
            for e in entries:
                session.add(DisputeEntryRow(dispute_id=row.id, seq=e.seq, kind=str(e.kind), at=e.at,
                                            standing="client", organisation_id=contract.client_organisation_id,
                                            attachments_json=json.dumps(list(e.attachments)),
                                            previous_sha256=e.previous_sha256, sha256=e.sha256))
            session.add(DisputeAttachmentRow(dispute_id=row.id, sha256=sha, filename="piece.csv",
                                             media_type="text/csv", size=len(content),
                                             organisation_id=contract.client_organisation_id))
            whatif = WhatIfRow(dispute_id=row.id, standing="provider", changes_json="[]",
                               result_json=WhatIf((), settlement.inputs_sha256).to_json(),
                               organisation_id=contract.provider_organisation_id, settled=False)
            session.add(whatif)
            session.flush()
            out[key] = {"dispute_id": row.id, "sha256": sha, "whatif_id": whatif.id}
    return out


@pytest.mark.parametrize(("route", "role", "obj"), CASES,
                         ids=[f"{r.method} {r.path}-{role}-{o or 'global'}" for r, role, o in CASES])
def test_authorization_matrix(world: World, clients: dict[str, TestClient], anonymous: TestClient, route: Route,
                              role: str, obj: str | None, disputes: dict[str, dict[str, str]]) -> None:
    path = _fill(route, world, role, obj, disputes)
    headers: dict[str, str] = {}
    data = {k: v.format(role=role) if isinstance(v, str) else v for k, v in (route.data or {}).items()}
    if route.api:
        client = anonymous
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens.get(ORGANISATION.get(role, role), 'ct_nothing')}"
    else:
        if role == "anonymous":
            client = anonymous
        elif route.fresh_session:
            client = login(TestClient(world.app, raise_server_exceptions=False), world.logins[role])
        else:
            client = clients[role]
        if route.method == "POST":
            data["csrf_token"] = csrf_of(client.get("/login" if role == "anonymous" else "/contracts").text)
    response = client.request(route.method, path, headers=headers, data=data or None, files=route.files,
                              json=route.json, follow_redirects=False)
    if route.fresh_session and role != "anonymous":
        login(clients[role], world.logins[role])  # "sign out everywhere" also ended the shared session
    want = expected(route, role, obj)
    if want == "allow":
        status, marker = route.allowed
        assert response.status_code == status, response.text[:400]
        assert marker in response.text
    elif want == 303:
        assert response.status_code == 303
        assert response.headers["location"].partition("?")[0] == route.sign_in
    else:
        assert response.status_code == want, response.text[:400]
    if want == 404 and obj in ("A", "B", "C"):
        for contract in (world.contract_a, world.contract_b, world.contract_c):
            assert contract not in response.text


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
    ("provider", {"A", "C"}), ("client", {"A", "C"}), ("mediator", {"A"}), ("provider_reader", {"A", "C"}),
    ("other_client", {"B"}), ("trade_body", set()), ("admin", set()), ("mediator_uninvited", set())])
def test_each_list_shows_only_what_the_organisation_may_see(world: World, clients: dict[str, TestClient], role: str,
                                                          sees: set[str]) -> None:
    html = clients[role].get("/contracts").text
    ids = {"A": world.contract_a, "B": world.contract_b, "C": world.contract_c}
    assert {k for k, cid in ids.items() if cid in html} >= sees - {"C"}
    assert {k for k, cid in ids.items() if cid in html} <= sees
    if role in API_ROLES and role != "admin":
        listed = TestClient(world.app).get("/api/contracts",
                                           headers={"Authorization": f"Bearer {world.tokens[role]}"}).json()
        assert {c["id"] for c in listed} <= {ids[k] for k in sees}
