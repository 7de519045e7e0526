"""The public register: search, a member's page, labels judged on the day, not-a-member answers, JSON-LD, QR
code, caching, rate limit; register entries validated at their line; history and leaving."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charte.observatory import Member, MemberRegistry
from charte.observatory.members import HeldLabel, MemberSite
from charte.observatory.register import NotAMember, json_ld, lookup, public_changes, search
from charte.observatory.register_entry import parse_member_entry
from charte.web import WebSettings, create_app
from charte.web.register_views import AddressLimit

DAY = date(2026, 7, 1)
NORD = Member(company="Société Générale d'Appels du Nord", siren="552100554", member_since=date(2015, 3, 1),
              functions=("service", "support"), charter_2019_signed_on=date(2019, 10, 29),
              sites=(MemberSite(name="Lille", country="FR", region="Hauts-de-France", siret="55210055400013"),
                     MemberSite(name="Secret", country="MA", public=False)),
              labels=(HeldLabel(name="NF 345", issuer="AFNOR Certification", valid_from=date(2023, 7, 1),
                                until=date(2026, 6, 30)),                               # last valid day: 30 June
                      HeldLabel(name="Label Engagé RSE", issuer="AFNOR Certification", until=date(2027, 12, 31)),
                      HeldLabel(name="ISO 9001", until=date(2028, 1, 1), public=False)))
SUD = Member(company="Centre Sud", siren="732829320", member_since=date(2020, 1, 1), left_on=date(2026, 1, 1),
             public=("functions",))
OUEST = Member(company="Ouest <script>alert(1)</script>", siren="542065479", member_since=date(2021, 5, 1),
               public=())


def _registry() -> MemberRegistry:
    return MemberRegistry((NORD, SUD, OUEST))


def test_register_search_by_siren_siret_and_name() -> None:
    registry = _registry()
    assert [e.company for e in search(registry, "552 100 554", DAY).found] == [NORD.company]
    assert [e.company for e in search(registry, "552.100.554.00013", DAY).found] == [NORD.company]
    assert [e.company for e in search(registry, "societe generale", DAY).found] == [NORD.company]  # accents, case
    assert search(registry, "Centre Sud", DAY).found == ()                 # left on 1 January 2026
    assert search(registry, "552100555", DAY).problem == "invalid_siren"   # check digit
    assert search(registry, "55210055400014", DAY).problem == "invalid_siret"
    assert search(registry, "x" * 101, DAY).problem == "query_too_long"
    assert search(registry, "a", DAY).problem == "name_too_short"
    absent = search(registry, "443061841", DAY)
    assert absent.found == () and absent.not_member == NotAMember("443061841", DAY)
    former = lookup(registry, "732829320", DAY)
    assert former == NotAMember("732829320", DAY, date(2026, 1, 1))
    assert isinstance(lookup(registry, "732829320", date(2025, 12, 31)), type(lookup(registry, "552100554", DAY)))


def test_register_labels_expire_on_their_date_and_only_public_fields_show() -> None:
    on_last_day = lookup(_registry(), "552100554", date(2026, 6, 30))
    next_day = lookup(_registry(), "552100554", DAY)
    assert not isinstance(on_last_day, NotAMember) and not isinstance(next_day, NotAMember)
    assert {lab.name: lab.status for lab in on_last_day.labels or ()} == {"NF 345": "valid",
                                                                         "Label Engagé RSE": "valid"}
    assert {lab.name: lab.status for lab in next_day.labels or ()} == {"NF 345": "expired",
                                                                      "Label Engagé RSE": "valid"}
    assert next_day.sites == (("FR", "Hauts-de-France"),)                  # the Moroccan site is not public
    hidden = lookup(_registry(), "542065479", DAY)
    assert not isinstance(hidden, NotAMember)
    assert hidden.as_dict()["sites"] is None and hidden.as_dict()["labels"] is None
    assert hidden.as_dict()["charter_2019"] is None


def test_register_json_ld_is_an_organization_with_credentials_and_cannot_close_its_script() -> None:
    entry = lookup(_registry(), "552100554", DAY)
    assert not isinstance(entry, NotAMember)
    doc = json.loads(json_ld(entry, "https://x.example/registre/552100554", "SP2C"))
    assert doc["@type"] == "Organization" and doc["identifier"]["value"] == "552100554"
    assert [c["name"] for c in doc["hasCredential"]] == ["Label Engagé RSE", "NF 345"]
    assert doc["hasCredential"][1]["expires"] == "2026-06-30"
    assert doc["hasCredential"][1]["recognizedBy"]["name"] == "AFNOR Certification"
    hostile = lookup(_registry(), "542065479", DAY)
    assert not isinstance(hostile, NotAMember)
    text = json_ld(hostile, "u", "SP2C")
    assert "</script>" not in text and json.loads(text)["name"] == OUEST.company


def test_register_entry_problems_at_their_lines() -> None:
    text = """siren: "552100554"
company: Nord SAS
member_since: 2019-01-01
functions: [service]
sites:
  - {name: Lille, siret: "55210055400013", country: FR, region: Hauts-de-France}
  - {name: Rabat, country: MA, region: Casablanca-Settat}
  - {name: Lille, country: FR, region: Nowhere, siret: "73282932000074"}
labels:
  - {name: NF 345, issuer: AFNOR, valid_from: 2027-07-01, until: 2026-06-30}
"""
    member, problems = parse_member_entry(text, "m.yaml")
    assert member is None
    assert [str(p).split(" ")[0] + " " + p.code for p in problems] == [
        "m.yaml:7: region_abroad", "m.yaml:8: duplicate_site", "m.yaml:8: unknown_region",
        "m.yaml:8: siret_of_another_company", "m.yaml:10: validity_reversed"]
    typed, problems = parse_member_entry(text.replace("[service]", "[sales]").replace("NF 345", "ISO 9999")
                                         + "colour: red\n", "m.yaml")
    assert typed is None
    assert [(p.line, p.code) for p in problems] == [(4, "unknown_choice"), (10, "unknown_choice"),
                                                   (11, "unknown_field")]
    assert parse_member_entry("siren: 552100554\ncompany: X\n", "m.yaml")[1][0].code == "siren_not_quoted"
    good = "\n".join(line for line in text.splitlines() if "Rabat" not in line and "Nowhere" not in line)
    member, problems = parse_member_entry(good.replace("2027-07-01", "2023-07-01"), "m.yaml")
    assert problems == [] and member is not None and member.sites[0].siret == "55210055400013"


def test_register_history_keeps_changes_and_a_leaver(tmp_path: Path) -> None:
    MemberRegistry((NORD,)).save(tmp_path, at=datetime(2025, 1, 1, 9, tzinfo=UTC))
    renewed = NORD.model_copy(update={"labels": (*NORD.labels, HeldLabel(name="ISO 18295-1", until=date(2029, 1, 1)))})
    MemberRegistry((renewed,)).save(tmp_path, at=datetime(2026, 2, 1, 9, tzinfo=UTC))
    MemberRegistry((renewed,)).save(tmp_path, at=datetime(2026, 3, 1, 9, tzinfo=UTC))       # nothing changed
    left = renewed.model_copy(update={"left_on": date(2026, 9, 1)})
    MemberRegistry((left,)).save(tmp_path, at=datetime(2026, 8, 1, 9, tzinfo=UTC))
    history = MemberRegistry.history(tmp_path, NORD.siren)
    assert [change for _, change, _ in history] == ["joined", "updated", "left"]
    assert public_changes(tmp_path, NORD.siren, DAY)[:2] == [(date(2025, 1, 1), ["joined"]),
                                                              (date(2026, 2, 1), ["labels"])]
    assert MemberRegistry.load(tmp_path).current(date(2026, 9, 1)) == ()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def public(tmp_path: Path) -> tuple[TestClient, Clock]:
    app = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="t",
                                 public_url="https://registre.example"))
    _registry().save(tmp_path / "observatory")
    app.state.register_today = lambda: DAY
    clock = Clock()
    app.state.register_limit = AddressLimit(limit=30, window=60, clock=clock)
    return TestClient(app), clock


def test_register_pages_without_login(public: tuple[TestClient, Clock]) -> None:
    client, _ = public
    page = client.get("/registre", params={"q": "Société générale"})
    assert page.status_code == 200 and "/registre/552100554" in page.text
    assert "set-cookie" not in page.headers                               # public pages touch no session
    member = client.get("/registre/552100554")
    assert member.status_code == 200
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', member.text, re.S)
    assert block and json.loads(block.group(1))["name"] == NORD.company
    row = re.search(r'<tr data-label="NF 345"[^>]*>.*?</tr>', member.text, re.S)
    assert row and "expiré" in row.group(0)                                # French by default
    assert "Secret" not in member.text and "ISO 9001" not in member.text
    assert "https://registre.example/registre/552100554" in member.text
    absent = client.get("/registre/443061841")
    assert absent.status_code == 200 and 'data-testid="not-a-member"' in absent.text
    former = client.get("/registre", params={"q": "732829320"})
    assert former.status_code == 200 and "1 janvier 2026" in former.text
    hostile = client.get("/registre", params={"q": "<script>alert(1)</script>"})
    assert hostile.status_code == 200 and "<script>alert(1)</script>" not in hostile.text
    assert "&lt;script&gt;" in hostile.text
    assert client.get("/registre", params={"q": "9" * 101}).status_code == 200


def test_register_qr_api_cache_and_rate_limit(public: tuple[TestClient, Clock]) -> None:
    client, clock = public
    qr = client.get("/registre/552100554/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml" and qr.text.startswith("<svg")
    assert client.get("/registre/443061841/qr.svg").status_code == 404
    api = client.get("/api/public/members", params={"q": "55210055400013"})
    assert api.json()["members"][0]["labels"][1] == {"name": "NF 345", "issuer": "AFNOR Certification",
                                                      "valid_from": "2023-07-01", "until": "2026-06-30",
                                                      "status": "expired"}
    assert client.get("/api/public/members/443061841").json() == {"member": False, "siren": "443061841",
                                                                  "on": "2026-07-01", "left_on": None}
    first = client.get("/api/public/members/552100554")
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/api/public/members/552100554", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for _ in range(30 - 6):                                                 # 6 requests so far, 30 a minute
        client.get("/registre")
    blocked = client.get("/api/public/members/552100554")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    clock.now = 61.0                                                        # the window has passed
    assert client.get("/api/public/members/552100554").status_code == 200
