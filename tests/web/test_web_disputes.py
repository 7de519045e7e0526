"""Disputes through the pages (issue 16): the client contests the mailing day's verdict, the provider proposes a
what-if, rejects and invites the mediator, the mediator recommends, both accept, the partial credit note is issued;
every step is told by e-mail to the others (a real SMTP server in the process), in the recipient's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.conftest import csrf_of, login
from tests.web.smtp_server import Inbox, smtp_server

from charte.demo.run import DemoResult, default_contract_path
from charte.store import OrganisationRow, UserRow, add_member, create_organisation, create_user, transaction
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import DEMO_PASSWORD, seed_demo
from charte.web.i18n import language

FR = language("fr")
CLIENT_READER = "lecteur.client@demo.charte"
OTHER_MEDIATOR = "autre.mediateur@demo.charte"


@dataclass
class Stage:
    app: FastAPI
    inbox: Inbox
    contract: str
    logins: dict[str, str]
    orgs: dict[str, str]
    revision: Path
    data_dir: Path
    claim: Decimal        # the what-if's correcting document, incl. VAT (computed by `charte demo`'s dispute)
    difference: Decimal   # the what-if's difference, excluding VAT


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory, demo: DemoResult) -> Iterator[Stage]:
    assert demo.dispute is not None
    with smtp_server() as inbox:
        data_dir = tmp_path_factory.mktemp("disputes")
        app = create_app(WebSettings(data_dir=data_dir, database_url="sqlite://", secret_key="test-secret",
                                     smtp_url=inbox.url, public_url="https://charte.test"))
        tenants = seed_demo(app.state.sessions, data_dir, contract_text=default_contract_path().read_text("utf-8"),
                            demo_dir=demo.out_dir, period="2026-10")
        orgs, logins = dict(tenants.organisations), dict(tenants.logins)
        with transaction(app.state.sessions) as session:
            client = session.get(OrganisationRow, orgs["client"])
            assert client is not None
            reader = create_user(session, CLIENT_READER, DEMO_PASSWORD, "Lectrice Énergie")
            reader.language = "en"   # this reader reads her e-mails in English
            add_member(session, reader, client, "reader")
            other = create_organisation(session, "Autre Médiation", "mediator")
            add_member(session, create_user(session, OTHER_MEDIATOR, DEMO_PASSWORD), other, "manager")
            orgs["other_mediator"] = other.id
        assert tenants.contract_id is not None
        totals = demo.dispute.whatif.totals
        assert totals is not None
        yield Stage(app, inbox, tenants.contract_id, logins, orgs, demo.out_dir / demo.dispute.revision_file,
                    data_dir, -totals.correction_including_vat, totals.difference)


def _post(client: TestClient, path: str, data: dict[str, str], files: list | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/contracts").text)
    return client.post(path, data={**data, "csrf_token": token}, files=files, follow_redirects=False)


def _bodies(inbox: Inbox, address: str) -> list[str]:
    return [m.get_content() for m in inbox.to(address)]


def test_the_whole_path_through_the_pages(stage: Stage) -> None:
    c = stage.contract
    provider = login(TestClient(stage.app), stage.logins["provider"])
    client = login(TestClient(stage.app), stage.logins["client"])
    mediator = login(TestClient(stage.app), stage.logins["mediator"])
    assert _post(provider, f"/contracts/{c}/settlements/2026-10/invoice", {}).status_code == 303

    # The client sees a "Contester" action on the invoice, on each line and on each verdict.
    page = client.get(f"/contracts/{c}/settlements/2026-10").text
    assert 'data-testid="contest-invoice"' in page and 'data-testid="contest-line-1"' in page
    assert 'data-testid="contest-verdict-sl-80-20"' in page and ">Contester<" in page
    assert "contest-invoice" not in provider.get(f"/contracts/{c}/settlements/2026-10").text
    form = client.get(f"/contracts/{c}/disputes/new?invoice=F000001&commitment=sl-80-20")
    assert form.status_code == 200 and "Contester la facture" in form.text

    # 1. The client contests the verdict, attaching its late W-1 revision as a new version of the evidence.
    opened = _post(client, f"/contracts/{c}/disputes", {
        "invoice": "F000001", "scope": "verdict", "commitment": "sl-80-20", "reason": "forecast_used",
        "disputed_amount": str(stage.claim).replace(".", ","), "text": "Mailing annoncé le 9 octobre.",
        "evidence": "forecasts"},
        files=[("files", (stage.revision.name, stage.revision.read_bytes(), "text/csv"))])
    assert opened.status_code == 303, opened.text[:500]
    dispute = opened.headers["location"]
    assert re.fullmatch(rf"/contracts/{c}/disputes/[0-9a-f]{{32}}", dispute)
    (mail,) = stage.inbox.to("provider@demo.charte")
    assert mail["Subject"] == "Litige sur la facture F000001 : contestation"
    assert f"https://charte.test{dispute}" in mail.get_content()
    assert FR.money(stage.claim) in mail.get_content() and "verdict sl-80-20" in mail.get_content()
    page = client.get(dispute).text
    assert "En litige" in page and "service-inbound:W-1:2026-10-09" in page   # the revision is a version on offer

    # 2. The provider recomputes with that forecast version.
    proposed = _post(provider, f"{dispute}/whatifs", {"forecast_version": "service-inbound:W-1:2026-10-09",
                                                     "text": "Recalcul avec la révision du 9 octobre"})
    assert proposed.status_code == 303, proposed.text[:500]
    page = provider.get(dispute).text
    whatif = re.search(r'id="whatif-([0-9a-f]{32})"', page).group(1)
    assert f'data-testid="difference-ht"><b>{FR.money(stage.difference)}</b>' in page
    assert 'class="waterfall"' in page and "<desc" in page and "Malus — sl-80-20" in page
    assert "prévision W-1 de service-inbound émise le 09/10/2026" in page
    assert len(stage.inbox.to("client@demo.charte")) == 1
    assert stage.inbox.to(CLIENT_READER)[0]["Subject"] == "Dispute on invoice F000001: what-if proposed"

    # 3. The provider rejects (reasons required) and invites the mediator; an uninvited mediator sees nothing.
    assert _post(provider, f"{dispute}/answers", {"answer": "reject", "whatif": whatif}).status_code == 422
    assert _post(provider, f"{dispute}/answers", {"answer": "reject", "whatif": whatif,
                                                  "text": "Révision tardive (S−1 : 7 jours)"}).status_code == 303
    assert mediator.get(dispute).status_code == 404
    assert _post(provider, f"{dispute}/mediator", {"mediator": stage.orgs["mediator"]}).status_code == 303
    assert mediator.get(dispute).status_code == 200
    other = login(TestClient(stage.app), OTHER_MEDIATOR)
    assert other.get(dispute).status_code == 404

    # 4. The mediator recommends the what-if; the parties cannot recommend, the mediator cannot accept.
    assert _post(client, f"{dispute}/recommendation", {"text": "x", "whatif": whatif}).status_code == 403
    assert _post(mediator, f"{dispute}/recommendation", {"text": "Je recommande la simulation.",
                                                         "whatif": whatif}).status_code == 303
    assert _post(mediator, f"{dispute}/answers", {"answer": "accept", "whatif": whatif}).status_code == 403
    assert "recommandée par le médiateur" in client.get(dispute).text

    # 5. Both accept: the partial credit note is issued at once, referencing the invoice.
    assert _post(client, f"{dispute}/answers", {"answer": "accept", "whatif": whatif}).status_code == 303
    assert "F000002" not in client.get(dispute).text
    assert _post(provider, f"{dispute}/answers", {"answer": "accept", "whatif": whatif}).status_code == 303
    page = client.get(dispute).text
    assert 'data-testid="document">F000002' in page and "résolu" in page
    assert "credit-note-F000002.pdf" in page
    pdf = client.get(f"/contracts/{c}/invoices/credit-note-F000002.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    history = re.search(r'data-testid="status-history">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r'data-status="(\d+)"', history) == ["200", "207", "206"]   # issue 15's lifecycle statuses
    assert history.index("Déposée") < history.index("En litige") < history.index("Approuvée partiellement")
    assert "CALCUL_ERR" in history
    standing = re.search(r'data-testid="undisputed">([^<]*)<', page).group(1)
    total = Decimal(re.search(r"<ram:GrandTotalAmount>([0-9.]+)<", (stage.data_dir / "invoices" / c /
                                                                    "invoice-F000001.xml").read_text()).group(1))
    assert standing == FR.money(total - stage.claim)   # the invoice less the credit note, nothing disputed any more

    # Every step told to the others: the provider heard of the contest, the recommendation and the client's accept.
    kinds = {"provider@demo.charte": ["contestation", "recommandation du médiateur", "accord"],
             "mediator@demo.charte": ["médiateur invité", "accord", "accord", "document correctif émis"]}
    for address, steps in kinds.items():
        subjects = [m["Subject"].split(" : ", 1)[1] for m in stage.inbox.to(address)]
        assert subjects == steps, (address, subjects)
    assert [m["Subject"].split(" : ", 1)[1] for m in stage.inbox.to("client@demo.charte")] == [
        "simulation proposée", "refus", "médiateur invité", "recommandation du médiateur", "accord",
        "document correctif émis"]
    for message in stage.inbox.messages:
        body = message.get_content()
        assert "Assurances Horizon" not in body and "Autre Médiation" not in body
        assert body.count("https://") == 1


def test_a_reader_reads_and_never_acts(stage: Stage) -> None:
    c = stage.contract
    client = login(TestClient(stage.app), stage.logins["client"])
    listing = client.get(f"/contracts/{c}/disputes").text
    (dispute,) = re.findall(rf'href="(/contracts/{c}/disputes/[0-9a-f]{{32}})"', listing)
    reader = login(TestClient(stage.app), CLIENT_READER)
    page = reader.get(dispute)
    assert page.status_code == 200 and 'data-testid="actions"' not in page.text
    assert _post(reader, f"{dispute}/messages", {"text": "hello"}).status_code == 403
    refused = reader.get(f"/contracts/{c}/disputes/new?invoice=F000001")
    assert refused.status_code == 403
    assert "seul un responsable du client conteste une facture" in refused.text   # the refusal, in French


def test_attachments_are_checked_stored_by_hash_and_served_as_downloads(stage: Stage,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    c = stage.contract
    client = login(TestClient(stage.app), stage.logins["client"])
    opened = _post(client, f"/contracts/{c}/disputes", {
        "invoice": "F000001", "scope": "line", "line": "1", "reason": "other", "disputed_amount": "10.00",
        "text": "Heures du 2 octobre"}, files=[("files", ("releve.pdf", b"%PDF-1.7 releve", "application/pdf"))])
    assert opened.status_code == 303, opened.text[:400]
    dispute = opened.headers["location"]
    page = client.get(dispute).text
    sha = re.search(r"/attachments/([0-9a-f]{64})", page).group(1)
    download = client.get(f"{dispute}/attachments/{sha}")
    assert download.status_code == 200 and download.content == b"%PDF-1.7 releve"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (stage.data_dir / "attachments" / sha[:2] / sha).read_bytes() == b"%PDF-1.7 releve"
    # a PNG that is not one, an unknown type, a file over the limit: refused with their reasons, nothing stored
    for name, content, code in (("photo.png", b"GIF89a", "attachment_content_mismatch"),
                                ("macro.docm", b"PK\x03\x04", "attachment_type_refused")):
        refused = _post(client, f"{dispute}/messages", {"text": "voir pièce"}, files=[("files", (name, content))])
        assert refused.status_code == 422 and code in refused.text
    monkeypatch.setattr("charte.web.disputes.MAX_ATTACHMENT_BYTES", 1000)
    big = _post(client, f"{dispute}/messages", {"text": "gros"}, files=[("files", ("gros.csv", b"a,b\n" * 400))])
    assert big.status_code == 422 and "attachment_too_large" in big.text
    # the provider (a party) downloads it; the hash is no key to another dispute's files
    provider = login(TestClient(stage.app), stage.logins["provider"])
    assert provider.get(f"{dispute}/attachments/{sha}").status_code == 200
    (first,) = [d for d in re.findall(rf'href="(/contracts/{c}/disputes/[0-9a-f]{{32}})"',
                                       client.get(f"/contracts/{c}/disputes").text) if d != dispute]
    assert client.get(f"{first}/attachments/{sha}").status_code == 404
    assert _post(client, f"{dispute}/resolution", {"outcome": "withdraw"}).status_code == 303
    assert "retiré" in client.get(dispute).text


def test_a_contest_s_problems_are_shown_at_their_field(stage: Stage) -> None:
    client = login(TestClient(stage.app), stage.logins["client"])
    refused = _post(client, f"/contracts/{stage.contract}/disputes", {
        "invoice": "F000001", "scope": "line", "line": "9", "reason": "other", "disputed_amount": "999999",
        "text": ""})
    assert refused.status_code == 422
    for code in ("unknown_line", "disputed_amount_exceeds_invoice", "text_needed"):
        assert code in refused.text
    # nothing stored: the list still holds the two disputes of the tests above
    assert len(re.findall(r"/disputes/[0-9a-f]{32}\"", client.get(f"/contracts/{stage.contract}/disputes").text)) == 2


def test_the_served_demo_holds_the_demo_s_dispute(tmp_path: Path, demo: DemoResult) -> None:
    app = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="s"))
    tenants = seed_demo(app.state.sessions, tmp_path, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period="2026-10", dispute=True)
    client = login(TestClient(app), tenants.logins["mediator"])
    listing = client.get(f"/contracts/{tenants.contract_id}/disputes").text
    (dispute,) = re.findall(rf'href="(/contracts/{tenants.contract_id}/disputes/[0-9a-f]{{32}})"', listing)
    page = client.get(dispute).text
    assert 'data-testid="document">F000002' in page and "recommandée par le médiateur" in page
    assert 'class="waterfall"' in page
    with transaction(app.state.sessions) as session:
        assert session.query(UserRow).count() >= 6


def test_the_correcting_document_passes_the_e_invoicing_gate_before_it_is_numbered(
        tmp_path: Path, demo: DemoResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """The agreement's credit note goes through the same gate as any invoice (``SqlLedger.issue(draft, gate)``): the
    gate sees the numbered draft before anything is written; when it refuses, nothing is numbered, the accepting
    step is not kept and the invoice stays En litige; once it accepts, the same agreement issues the credit note
    under the number the refusal left free."""
    from charte.io.einvoicing import DocumentRefusedError
    from charte.io.einvoicing.documents import gate_document
    from charte.payments import Invoice
    from charte.store.ledger import SqlLedger

    assert demo.dispute is not None
    app = create_app(WebSettings(data_dir=tmp_path, database_url="sqlite://", secret_key="test-secret"))
    tenants = seed_demo(app.state.sessions, tmp_path, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period="2026-10")
    c = tenants.contract_id
    provider = login(TestClient(app), tenants.logins["provider"])
    client = login(TestClient(app), tenants.logins["client"])
    assert _post(provider, f"/contracts/{c}/settlements/2026-10/invoice", {}).status_code == 303
    revision = demo.out_dir / demo.dispute.revision_file
    opened = _post(client, f"/contracts/{c}/disputes", {
        "invoice": "F000001", "scope": "verdict", "commitment": "sl-80-20", "reason": "forecast_used",
        "disputed_amount": "100", "text": "Mailing annoncé le 9 octobre.", "evidence": "forecasts"},
        files=[("files", (revision.name, revision.read_bytes(), "text/csv"))])
    dispute = opened.headers["location"]
    assert _post(provider, f"{dispute}/whatifs", {"forecast_version": "service-inbound:W-1:2026-10-09",
                                                  "text": "Recalcul"}).status_code == 303
    whatif = re.search(r'id="whatif-([0-9a-f]{32})"', provider.get(dispute).text).group(1)
    assert _post(client, f"{dispute}/answers", {"answer": "accept", "whatif": whatif}).status_code == 303

    seen: list[Invoice] = []

    def refusing(document: Invoice) -> None:
        seen.append(document)
        raise DocumentRefusedError("credit note (test)", [])

    monkeypatch.setattr("charte.web.disputes.gate_document", refusing)
    refused = _post(provider, f"{dispute}/answers", {"answer": "accept", "whatif": whatif})
    assert refused.status_code == 422 and "correction_refused_by_the_gate" in refused.text
    book = tenants.organisations["provider"]
    ledger = SqlLedger(app.state.engine, book, "987654324", tmp_path / "ledger" / book)   # the database ledger
    assert [d.number for d in ledger.documents()] == ["F000001"]
    assert not list((tmp_path / "invoices" / c).glob("credit-note-*"))
    page = provider.get(dispute).text
    history = re.search(r'data-testid="status-history">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r'data-status="(\d+)"', history) == ["200", "207"]
    assert page.count('data-kind="accept"') == 1   # the client's; the refused one was not kept

    checked: list[Invoice] = []

    def spying(document: Invoice) -> None:
        checked.append(document)
        gate_document(document)   # the real rules (EN 16931, Factur-X, BR-FR)

    monkeypatch.setattr("charte.web.disputes.gate_document", spying)
    assert _post(provider, f"{dispute}/answers", {"answer": "accept", "whatif": whatif}).status_code == 303
    for document in (seen[0], checked[0]):   # the gate saw the numbered draft: a credit note citing the invoice
        assert document.kind == "credit_note" and document.number == "F000002"
        assert document.corrects == "F000001" and document.corrects_date is not None
    assert [d.number for d in ledger.documents()] == ["F000001", "F000002"]
    assert ledger.verify() == []   # chain, numbering and witness copies (written once the request committed)
    history = re.search(r'data-testid="status-history">(.*?)</ol>', provider.get(dispute).text, re.S).group(1)
    assert re.findall(r'data-status="(\d+)"', history) == ["200", "207", "206"]


def test_every_notification_speaks_its_reader_s_language(stage: Stage) -> None:
    """Issue 21: each e-mail the dispute sent (subject and body), in its reader's language — the client's reader
    reads English, everyone else French — holds no word of the other language (:mod:`tests.language_words`); the
    contract's and the parties' own words, ids and links are left out, as on the pages."""
    from tests.language_words import ENGLISH, FRENCH, foreign_words

    data = ("Contrat de service client Énergie Verte", "service-inbound", "sl-80-20", "Malus — sl-80-20")
    codes = re.compile(r"\S*[/@_\[\].]\S*")
    read = {"fr": 0, "en": 0}
    for message in stage.inbox.messages:
        code = "en" if message["To"] == CLIENT_READER else "fr"
        text = f"{message['Subject']}\n{message.get_content()}"
        for written in data:
            text = text.replace(written, " ")
        hits = foreign_words(codes.sub(" ", text), ENGLISH if code == "fr" else FRENCH)
        assert hits == [], f"{message['To']} ({code}): " + "; ".join(hits[:8])
        read[code] += 1
    assert read["fr"] >= 3 and read["en"] >= 1, read
