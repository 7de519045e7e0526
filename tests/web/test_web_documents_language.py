"""Documents and e-mails speak one language too (issue 21): the PDFs and the notification e-mails, rendered in
French and in English, hold no word of the other language (:mod:`tests.language_words`).

PDF text is read back with pypdf (the text layer a reader copies or a screen reader speaks). The issued invoice
and credit note are French documents — the legal original, immutable once issued (CGI art. 242 nonies A; an
invoice is written in French) — so they are read in French only; the observatory's follow-up PDF is rendered in
the reader's language. What the parties wrote (names, the contract's line designations), clause paths and hashes
are not words of either language and are left out, as on the pages. The dispute and job-board e-mails are read in
their own test modules (:mod:`tests.web.test_web_disputes`, :mod:`tests.web.test_web_jobs`), which hold the flows
that send them; the invitation is read here.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from tests.language_words import ENGLISH, FRENCH, foreign_words
from tests.web.conftest import World, login

from charte.demo.run import DemoResult

CODES = re.compile(r"\S*[\[\]_./@:]\S*|\b[0-9a-f]{16,}\b")  # clause paths, file names, links, hashes


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _clean(text: str, data: list[str]) -> str:
    for written in sorted(data, key=len, reverse=True):
        text = text.replace(written, " ")
    return CODES.sub(" ", text)


def _demo_data(demo: DemoResult) -> list[str]:
    c = demo.contract
    texts = {c.id, c.name or "", c.client.name, c.provider.name, *(a.name or "" for a in c.activities)}
    if demo.settlement is not None:
        texts |= {line.label for line in demo.settlement.lines}
    for party in (c.client, c.provider):
        if party.address is not None:
            texts |= {party.address.street, party.address.city}
    return [t for t in texts if t]


@pytest.mark.parametrize("name", ["invoice-F000001.pdf", "credit-note-F000002.pdf"])
def test_the_issued_invoice_and_credit_note_read_in_french(demo: DemoResult, name: str) -> None:
    text = pdf_text((demo.out_dir / name).read_bytes())
    assert "Total HT" in text and "Désignation" in text
    hits = foreign_words(_clean(text, _demo_data(demo)), ENGLISH)
    assert hits == [], f"{name}: " + "; ".join(hits[:8])


@pytest.mark.parametrize("code", ["fr", "en"])
def test_the_observatory_follow_up_pdf_speaks_the_reader_s_language(world: World, code: str) -> None:
    client = login(TestClient(world.app), world.logins["trade_body"])
    client.get(f"/language/{code}")
    response = client.get("/observatory/charter.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert len(text.split()) > 30, text[:200]
    hits = foreign_words(_clean(text, []), ENGLISH if code == "fr" else FRENCH)
    assert hits == [], f"charter.pdf in {code}: " + "; ".join(hits[:8])


class _Outbox:
    def __init__(self) -> None:
        self.mails: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        self.mails.append((to, subject, body))
        return True


@pytest.mark.parametrize("code", ["fr", "en"])
def test_the_invitation_e_mail_speaks_the_inviter_s_language(code: str) -> None:
    from charte.web.account_pages import send_invitation
    from charte.web.i18n import language

    outbox = _Outbox()
    state = SimpleNamespace(settings=SimpleNamespace(public_url="https://charte.example.fr"), mailer=outbox)
    request = SimpleNamespace(app=SimpleNamespace(state=state), base_url="https://ignored.example/")
    issued = SimpleNamespace(row=SimpleNamespace(email="achats@energie.fr"), token="inv_abc")
    assert send_invitation(request, language(code), issued, "Énergie Verte SA") is None  # type: ignore[arg-type]
    ((to, subject, body),) = outbox.mails
    assert to == "achats@energie.fr" and "https://charte.example.fr/invitations/inv_abc" in body
    hits = foreign_words(_clean(f"{subject}\n{body}", ["Énergie Verte SA"]), ENGLISH if code == "fr" else FRENCH)
    assert hits == [], f"invitation in {code}: " + "; ".join(hits)
