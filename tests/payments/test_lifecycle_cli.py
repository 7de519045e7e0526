"""``charte invoice status``, ``charte invoice credit-note --line/--amount`` and the history in ``charte payments``."""

from __future__ import annotations

import json

import pytest
from tests.payments.payments_fixtures import draft
from typer.testing import CliRunner

from charte.cli import app
from charte.io.einvoicing import validate
from charte.io.einvoicing.documents import gate_document
from charte.store.books import open_books

SIREN = "987654324"


@pytest.fixture
def ledger(tmp_path):
    books = open_books(tmp_path / "ledgers")  # the --ledger path: a SQLite file (charte.store.books)
    books.ledger(SIREN).issue(draft(), gate_document)   # F000001, 2 Nov 2026, 3,420.00 incl. VAT
    books.close()
    return tmp_path / "ledgers"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_dispute_pay_and_read_the_history_with_its_cdar_messages(ledger, tmp_path):
    base = ["--ledger", str(ledger), "--provider", SIREN, "--invoice", "F000001"]
    disputed = run("invoice", "status", *base, "--status", "207", "--reason-code", "qte_err",
                   "--reason", "heures du 21 octobre", "--at", "2026-11-05T10:00+01:00")
    assert disputed.exit_code == 0, disputed.output
    assert "207 En litige (QTE_ERR: quantité erronée — heures du 21 octobre)" in disputed.output
    assert run("payments", "record", *base, "--date", "2026-11-20", "--amount", "3420.00").exit_code == 0
    shown = run("invoice", "status", *base, "--cdar", str(tmp_path / "cdar"))
    assert shown.exit_code == 0, shown.output
    assert [line.split()[3] for line in shown.output.splitlines()[:3]] == ["200", "207", "212"]
    messages = sorted((tmp_path / "cdar").glob("*.cdar.xml"))
    assert len(messages) == 3 and all(validate(m.read_bytes(), "cdar").ok for m in messages)
    table = run("payments", "--ledger", str(ledger), "--provider", SIREN, "--as-of", "2026-11-30", "--json")
    [row] = json.loads(table.output)
    assert [e["code"] for e in row["lifecycle"]] == ["200", "207", "212"]
    assert row["lifecycle"][2]["amount"] == "3420.00" and row["lifecycle"][1]["reason_code"] == "QTE_ERR"
    text = run("payments", "--ledger", str(ledger), "--provider", SIREN, "--as-of", "2026-11-30")
    assert "212 Encaissée" in text.output and "Lifecycle" in text.output


def test_a_status_that_cannot_follow_is_refused_with_what_was_expected(ledger):
    base = ["--ledger", str(ledger), "--provider", SIREN, "--invoice", "F000001"]
    assert run("invoice", "status", *base, "--status", "refusee", "--reason-code", "DOUBLE_FACT",
               "--at", "2026-11-04T09:00+01:00").exit_code == 0
    again = run("invoice", "status", *base, "--status", "205", "--at", "2026-11-06T09:00+01:00")
    assert again.exit_code == 1 and "status_out_of_order" in again.output and "credit note" in again.output
    naive = run("invoice", "status", *base, "--status", "205", "--at", "2026-11-06T09:00")
    assert naive.exit_code == 2 and "no time zone" in naive.output


def test_partial_credit_notes_by_line_and_by_amount(ledger, tmp_path):
    base = ["invoice", "credit-note", "--ledger", str(ledger), "--provider", SIREN, "--invoice", "F000001",
            "--out", str(tmp_path / "out"), "--date", "2026-11-10"]
    by_amount = run(*base, "--reason", "geste commercial", "--amount", "100.00")
    assert by_amount.exit_code == 0, by_amount.output
    assert "credit note F000002 on F000001 — 120.00 EUR" in by_amount.output   # 100.00 + 20 % VAT
    too_much = run(*base, "--reason", "tout", "--amount", "5000")
    assert too_much.exit_code == 1 and "credit_exceeds_invoice" in too_much.output
    by_line = run(*base, "--reason", "ligne 1", "--line", "1")
    assert by_line.exit_code == 1 and "credit_exceeds_invoice" in by_line.output   # 3,420 + 120 > 3,420
    unknown = run(*base, "--reason", "ligne 7", "--line", "7")
    assert unknown.exit_code == 1 and "credit_note_unknown_line" in unknown.output
    documents = open_books(ledger).ledger(SIREN).documents()
    assert [d.number for d in documents] == ["F000001", "F000002"]
    assert documents[1].corrects_date is not None and documents[1].corrects_date.isoformat() == "2026-11-02"
