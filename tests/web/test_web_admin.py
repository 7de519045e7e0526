"""The administrator (issue 17): creates organisations and invites their first manager; never enters a
tenant; every action in the audit log. The command line's first steps, invitation e-mails, and a tested
backup and restore of the database and the files."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import build_world, csrf_of, login
from typer.testing import CliRunner

from charte.cli import app
from charte.store import AccountError, AuditLogRow, OrganisationRow, issue_token, make_engine, transaction
from charte.store.backup import BackupError, backup, restore
from charte.web import WebSettings, create_app


def test_the_admin_creates_an_organisation_whose_invited_manager_signs_in(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    admin = login(TestClient(world.app), world.logins["admin"])
    created = admin.post("/admin/organisations", data={
        "csrf_token": csrf_of(admin.get("/admin").text), "name": "Centre Atlantique SAS", "kind": "provider",
        "siren": "732829320", "manager_email": "direction@atlantique.fr"})
    assert created.status_code == 200, created.text[:300]
    link = re.search(r"http://testserver(/invitations/inv_[A-Za-z0-9_-]+)", created.text)
    assert link, "without SMTP the link is shown to the administrator"
    newcomer = TestClient(world.app)
    page = newcomer.get(link.group(1))
    assert "Centre Atlantique SAS" in page.text
    joined = newcomer.post(link.group(1), data={"csrf_token": csrf_of(page.text), "display_name": "Direction",
                                                "password": "une phrase de passe", "confirm": "une phrase de passe"},
                           follow_redirects=False)
    assert joined.status_code == 303
    assert "Centre Atlantique SAS" in newcomer.get("/contracts").text
    assert newcomer.get(link.group(1)).status_code == 404  # used once
    # once the organisation has a manager, the administrator cannot invite anybody into it
    with transaction(world.app.state.sessions) as db:
        organisation = db.scalar(select(OrganisationRow).where(OrganisationRow.siren == "732829320"))
        assert organisation is not None
        organisation_id = organisation.id
    again = admin.post(f"/admin/organisations/{organisation_id}/invite",
                       data={"csrf_token": csrf_of(admin.get("/admin").text), "manager_email": "spy@admin.fr"})
    assert again.status_code == 422 and "organisation_has_members" in again.text
    log = admin.get("/admin").text
    assert "admin.organisation_created" in log and "admin.first_manager_invited" in log
    audit_csv = admin.get("/admin/audit.csv")
    assert audit_csv.status_code == 200 and "admin.organisation_created" in audit_csv.text
    assert "attachment" in audit_csv.headers["content-disposition"]


def test_the_admin_never_obtains_a_tenants_data(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    admin = login(TestClient(world.app), world.logins["admin"])
    assert admin.get(f"/contracts/{world.contract_a}").status_code == 404
    assert admin.get(f"/contracts/{world.contract_a}/settlements/2026-10").status_code == 404
    assert admin.get("/tokens").status_code == 404
    assert admin.get("/members").status_code == 404
    token = csrf_of(admin.get("/admin").text)
    assert admin.post("/admin/users", data={"csrf_token": token, "email": "x@y.fr", "password": "long enough 2026",
                                            "organisation": world.orgs["provider"]}).status_code in (404, 405)
    with transaction(world.app.state.sessions) as db:
        administration = db.get(OrganisationRow, world.orgs["admin"])
        assert administration is not None
        with pytest.raises(AccountError):
            issue_token(db, administration)
    # an administrator's account cannot join a tenant through an invitation either
    provider = login(TestClient(world.app), world.logins["provider"])
    invited = provider.post("/members/invite", data={"csrf_token": csrf_of(provider.get("/members").text),
                                                     "email": world.logins["admin"], "role": "manager"})
    link = re.search(r"http://testserver(/invitations/inv_[A-Za-z0-9_-]+)", invited.text)
    assert link
    refused = admin.post(link.group(1), data={"csrf_token": csrf_of(admin.get(link.group(1)).text)})
    assert refused.status_code == 422 and "administrator_and_tenant" in refused.text
    assert admin.get(f"/contracts/{world.contract_a}").status_code == 404


class FakeSMTP:
    sent: list[EmailMessage] = []  # noqa: RUF012

    def __init__(self, host: str, port: int, timeout: float = 0) -> None:
        self.host, self.port = host, port

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def starttls(self, context: Any = None) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        assert (user, password) == ("charte", "s3cret")

    def send_message(self, message: EmailMessage) -> None:
        FakeSMTP.sent.append(message)


def test_with_smtp_the_invitation_is_mailed_and_not_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent.clear()
    app_ = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="k" * 40,
                                  smtp_url="smtp://charte:s3cret@mail.example.fr:587?starttls=true&from=no@x.fr",
                                  public_url="https://charte.example.fr"))
    from charte.web.demo_tenants import seed_demo

    tenants = seed_demo(app_.state.sessions, tmp_path)
    admin = login(TestClient(app_), tenants.logins["admin"])
    page = admin.post("/admin/organisations", data={
        "csrf_token": csrf_of(admin.get("/admin").text), "name": "Médiation régionale", "kind": "mediator",
        "siren": "", "manager_email": "contact@mediation.fr"})
    assert page.status_code == 200
    assert "/invitations/inv_" not in page.text
    [message] = FakeSMTP.sent
    assert message["To"] == "contact@mediation.fr" and message["From"] == "no@x.fr"
    assert "https://charte.example.fr/invitations/inv_" in message.get_content()


def test_the_command_line_creates_an_admin_and_an_organisation(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTE_STORAGE_PATH", str(tmp_path))
    monkeypatch.delenv("CHARTE_DATABASE_URL", raising=False)
    monkeypatch.delenv("CHARTE_SMTP_URL", raising=False)
    runner = CliRunner()
    made = runner.invoke(app, ["admin", "create-admin", "root@exploitant.fr", "--password-stdin"],
                         input="une longue phrase\n")
    assert made.exit_code == 0, made.output
    short = runner.invoke(app, ["admin", "create-admin", "b@exploitant.fr", "--password-stdin"], input="court\n")
    assert short.exit_code == 1 and "password_too_short" in short.output
    org = runner.invoke(app, ["admin", "create-organisation", "Énergie Verte SA", "--kind", "client",
                              "--siren", "123456782", "--manager", "achats@energie.fr"])
    assert org.exit_code == 0, org.output
    assert "/invitations/inv_" in org.output
    no_siren = runner.invoke(app, ["admin", "create-organisation", "X", "--kind", "provider", "--manager", "a@b.fr"])
    assert no_siren.exit_code == 1 and "SIREN" in no_siren.output
    again = runner.invoke(app, ["admin", "invite", "123456782", "--manager", "autre@energie.fr"])
    assert again.exit_code == 0 and "/invitations/inv_" in again.output
    web = create_app(WebSettings(data_dir=tmp_path, secret_key="k" * 40))
    login(TestClient(web), "root@exploitant.fr", "une longue phrase")
    with transaction(web.state.sessions) as db:
        actions = [r.action for r in db.scalars(select(AuditLogRow).order_by(AuditLogRow.id))]
    assert actions.count("admin.first_manager_invited") == 2
    assert "admin.administrator_created" in actions and "admin.organisation_created" in actions


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    from charte.store.backup import _tables

    engine = make_engine(url)
    with engine.connect() as connection:
        return {t.name: sorted(tuple(str(v) for v in r) for r in connection.execute(select(t))) for t in _tables()}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_and_restore_give_back_every_row_and_file(tmp_path: Path, kind: str,
                                                         request: pytest.FixtureRequest) -> None:
    if kind == "postgresql":
        url = request.getfixturevalue("postgres_url")
        target_url = request.getfixturevalue("postgres_url_2")
    else:
        url, target_url = f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    world = build_world(tmp_path / "source", database_url=url)
    (world.data_dir / "facts" / world.contract_a).mkdir(parents=True)
    (world.data_dir / "facts" / world.contract_a / "incidents.csv").write_bytes(b"start,end\n")
    (world.data_dir / "invoices").mkdir(exist_ok=True)
    (world.data_dir / "invoices" / "invoice-F000001.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)))
    archive = tmp_path / "backup.tar.gz"
    summary = backup(world.app.state.engine, world.data_dir, archive, "test")
    assert summary.rows["contract"] == 3 and summary.files >= 2
    restored_dir = tmp_path / "restored"
    restore(make_engine(target_url), restored_dir, archive)
    before, after = _rows(url), _rows(target_url)
    assert after == {k: v for k, v in before.items() if k not in ("web_session", "login_throttle")} | \
        {k: [] for k in ("web_session", "login_throttle") if k in after}
    for path in (world.data_dir / "facts" / world.contract_a / "incidents.csv",
                 world.data_dir / "invoices" / "invoice-F000001.pdf"):
        assert (restored_dir / path.relative_to(world.data_dir)).read_bytes() == path.read_bytes()
    web = create_app(WebSettings(data_dir=restored_dir, database_url=target_url, secret_key="k" * 40))
    client = login(TestClient(web), world.logins["client"])
    assert world.contract_a in client.get("/contracts").text
    with pytest.raises(BackupError, match="already holds rows"):
        restore(make_engine(target_url), tmp_path / "elsewhere", archive)
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(BackupError):
        restore(make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}"), tmp_path / "c", damaged)

