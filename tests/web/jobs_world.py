"""A world for the job board's web tests: the demo cast, both providers members of the trade body in the
observatory's registry, a frozen clock that tests move, an outbox instead of a mail server, and helpers to
post an offer, register a candidate and apply."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from tests.web.conftest import World, build_world, csrf_of, login

from charte.observatory.members import Member, MemberRegistry, MemberSite
from charte.store import OrganisationRow, add_member, create_user, transaction

OTHER_SIREN = "552100554"
PASSWORD = "un-mot-de-passe-long"
_ADDRESSES = itertools.count()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Outbox:
    """Stands for the SMTP server: keeps the messages."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        self.mails.append((to, subject, body))
        return True

    def link_to(self, address: str, path: str) -> str:
        for to, _, body in reversed(self.mails):
            if to == address and (found := re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body)):
                return found.group(1)
        raise AssertionError(f"no mail to {address} with a link to {path}")


@dataclass
class Clock:
    moment: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    @property
    def today(self) -> date:
        return self.moment.date()


@dataclass
class JobsWorld:
    world: World
    clock: Clock
    outbox: Outbox
    clients: dict[str, TestClient] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self.world.app

    def member(self, key: str) -> TestClient:
        if key not in self.clients:
            self.clients[key] = login(TestClient(self.world.app, raise_server_exceptions=False),
                                      self.world.logins[key])
        return self.clients[key]


def make_jobs_world(tmp: Path, database_url: str = "sqlite://") -> JobsWorld:
    world = build_world(tmp, database_url=database_url)
    with transaction(world.app.state.sessions) as session:
        other = session.get(OrganisationRow, world.orgs["other_provider"])
        assert other is not None
        other.siren = OTHER_SIREN
        manager = create_user(session, "manager@autre-centre.example", world.password)
        add_member(session, manager, other, "manager")
        world.logins["other_provider"] = manager.email
    MemberRegistry((
        Member(company="Relais Contact SAS", siren="987654324", member_since=date(2012, 1, 1),
               functions=("service", "commercial", "support"),
               sites=(MemberSite(name="Lyon", country="FR", region="Auvergne-Rhône-Alpes"),)),
        Member(company="Autre Centre SARL", siren=OTHER_SIREN, member_since=date(2018, 5, 1),
               functions=("support",)),
    )).save(tmp / "observatory")
    jobs = JobsWorld(world, Clock(), Outbox())
    world.app.state.clock = jobs.clock
    world.app.state.mailer = jobs.outbox
    return jobs


WORK_STUDY_IN_LYON: dict[str, Any] = {
    "function": "service", "job_id": "conseiller-clientele-distance", "title_detail": "", "classification": "",
    "city": "Lyon", "work_mode": "on_site", "contract": "apprenticeship", "duration_months": "24",
    "diploma": "Titre professionnel Conseiller relation client à distance", "school": "École de la relation client",
    "weekly_hours": "35", "shifts": ["weekdays"], "languages": ["fr"], "pay_min": "1100", "pay_max": "1300",
    "pay_period": "month", "start_on": "2026-03-16", "expires_on": "2026-04-30", "places": "1",
    "description": "Accueillir par téléphone les clients d'un fournisseur d'énergie.",
}


def post_offer(client: TestClient, **changes: Any) -> tuple[int, str]:
    """Post an offer; returns the status code and the new offer's id (or the page on a refusal)."""
    token = csrf_of(client.get("/emplois/gestion/nouvelle").text)
    response = client.post("/emplois/gestion/nouvelle", data={**WORK_STUDY_IN_LYON, **changes, "csrf_token": token},
                           follow_redirects=False)
    if response.status_code != 303:
        return response.status_code, response.text
    return 303, response.headers["location"].rsplit("/", 1)[-1]


def approve(jobs: JobsWorld, offer_id: str) -> None:
    trade = jobs.member("trade_body")
    token = csrf_of(trade.get("/emplois/moderation").text)
    response = trade.post(f"/emplois/moderation/offres/{offer_id}", data={"csrf_token": token, "action": "approve"},
                          follow_redirects=False)
    assert response.status_code == 303, response.text[:300]


def candidate(jobs: JobsWorld, email: str, profile: dict[str, Any] | None = None) -> TestClient:
    """A candidate who registered, verified the address and filled a profile (Villeurbanne, service, work-study)."""
    n = next(_ADDRESSES)
    client = TestClient(jobs.app, raise_server_exceptions=False, client=(f"10.0.{n // 250}.{n % 250 + 1}", 50000))
    token = csrf_of(client.get("/emplois/inscription").text)
    response = client.post("/emplois/inscription", data={"csrf_token": token, "email": email, "password": PASSWORD,
                                                         "consent": "on"})
    assert response.status_code == 200, response.text[:300]
    response = client.get(jobs.outbox.link_to(email, "/emplois/verifier/"), follow_redirects=False)
    assert response.status_code == 303
    form = {"first_name": "Inès", "functions": ["service"], "city_1": "Villeurbanne", "radius_km": "20",
            "available_from": "2026-03-09", "contracts": ["apprenticeship", "cdi"], "languages": ["fr"],
            "shifts": ["weekdays"], "work_study": "on", "searchable": "on", **(profile or {})}
    token = csrf_of(client.get("/emplois/profil").text)
    response = client.post("/emplois/profil", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return client


def apply_to(client: TestClient, offer_id: str, cv: bytes | None = PDF, message: str = "Bonjour") -> Any:
    token = csrf_of(client.get(f"/emplois/offres/{offer_id}").text)
    files = {"cv": ("mon cv.pdf", cv, "application/pdf")} if cv is not None else None
    return client.post(f"/emplois/offres/{offer_id}/postuler", data={"csrf_token": token, "message": message},
                       files=files)


def later(jobs: JobsWorld, days: int) -> None:
    jobs.clock.moment += timedelta(days=days)
