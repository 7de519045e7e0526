import csv
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.demo.run import default_contract_path

SIREN = "987654324"


@pytest.fixture(scope="module")
def demo_month(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["invoice", "issue", "--demo", "--ledger", str(out / "unused"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "invoice-F000001.pdf" in result.output
    return out


def test_issue_from_a_settlement_json_then_pay_late(demo_month, tmp_path):
    runner = CliRunner()
    ledger, out = tmp_path / "ledgers", tmp_path / "invoices"
    result = runner.invoke(app, ["invoice", "issue", "--contract", str(default_contract_path()), "--settlement",
                                 str(demo_month / "settlement.json"), "--ledger", str(ledger), "--out", str(out),
                                 "--date", "2026-11-02", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "issued F000001" in result.output and "due 17 December 2026" in result.output
    assert (out / "invoice-F000001.pdf").exists() and (out / "invoice-F000001.xlsx").exists()
    assert (tmp_path / "ledgers").is_file() and (tmp_path / "ledgers-files" / "ledger" / SIREN).is_dir()
    # the same settlement again: refused, exit 1, naming the invoice that exists; nothing recorded
    twice = runner.invoke(app, ["invoice", "issue", "--contract", str(default_contract_path()), "--settlement",
                                str(demo_month / "settlement.json"), "--ledger", str(ledger), "--out",
                                str(tmp_path / "again"), "--date", "2026-11-03"])
    assert twice.exit_code == 1 and "settlement_already_invoiced" in twice.output and "F000001" in twice.output
    assert not (tmp_path / "again").exists()
    # a payment before the invoice date: refused, exit 1, nothing recorded
    bad = runner.invoke(app, ["payments", "record", "--ledger", str(ledger), "--provider", SIREN, "--invoice",
                              "F000001", "--date", "2026-11-01", "--amount", "100"])
    assert bad.exit_code == 1 and "payment_before_invoice" in bad.output
    rates = tmp_path / "rates.csv"  # the shipped ECB table ends with H2 2026: the user adds later half-years
    rates.write_text("table,half_year_start,rate,source\n# test values, not the published rates\n"
                     "ecb_mro,2027-01-01,2.00%,test\n")
    show = runner.invoke(app, ["payments", "--ledger", str(ledger), "--provider", SIREN, "--as-of", "2027-01-16",
                               "--rates", str(rates), "--json"])
    assert show.exit_code == 0, show.output
    [row] = json.loads(show.output)
    assert row["paid"] == "0" and row["days_late"] == 30 and row["indemnity"] == "40"
    # 14 days (18–31 Dec) at the shipped ECB rate of 1 July 2026, 2.40% + 10 points = 12.40%, and
    # 16 days (1–16 Jan) at the added 2.00% + 10 points = 12%, on the whole amount
    total = Decimal(row["total"])
    expected = total * (Decimal("0.124") * 14 + Decimal("0.12") * 16) / 365
    assert Decimal(row["interest"]) == expected.quantize(Decimal("0.01"))
    missing = runner.invoke(app, ["payments", "--ledger", str(ledger), "--provider", SIREN, "--as-of", "2027-01-16"])
    assert missing.exit_code == 1 and "reference_rate_missing" in missing.output
    partial = runner.invoke(app, ["invoice", "credit-note", "--ledger", str(ledger), "--provider", SIREN, "--invoice",
                                  "F000001", "--reason", "geste commercial", "--amount", "100.00", "--out", str(out),
                                  "--date", "2026-11-20"])
    assert partial.exit_code == 0, partial.output
    assert "issued credit note F000002 on F000001 — 120.00 EUR" in partial.output and "of 2026-11-02" in partial.output
    rest = total / Decimal("1.2") - 100
    credit = runner.invoke(app, ["invoice", "credit-note", "--ledger", str(ledger), "--provider", SIREN, "--invoice",
                                 "F000001", "--reason", "période erronée", "--out", str(out), "--date", "2026-11-20"])
    assert credit.exit_code == 1 and "credit_exceeds_invoice" in credit.output  # the full amount is more than left
    credit = runner.invoke(app, ["invoice", "credit-note", "--ledger", str(ledger), "--provider", SIREN, "--invoice",
                                 "F000001", "--reason", "période erronée", "--amount", f"{rest:.2f}", "--out", str(out),
                                 "--date", "2026-11-20"])
    assert credit.exit_code == 0, credit.output
    assert (out / "credit-note-F000003.pdf").exists()
    verified = runner.invoke(app, ["ledger", "verify", "--ledger", str(ledger)])
    assert verified.exit_code == 0 and f"ledger {SIREN}: 3 entries, chain intact" in verified.output


def test_a_future_date_is_refused_and_an_edited_ledger_fails_verification(demo_month, tmp_path):
    import sqlite3

    runner = CliRunner()
    db = tmp_path / "charte.db"
    base = ["invoice", "issue", "--contract", str(default_contract_path()), "--settlement",
            str(demo_month / "settlement.json"), "--db", str(db), "--out", str(tmp_path / "out")]
    future = runner.invoke(app, [*base, "--date", "2062-11-02"])
    assert future.exit_code == 1 and "issue_date_in_future" in future.output
    assert runner.invoke(app, [*base, "--date", "2026-11-02"]).exit_code == 0
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER ledger_entry_no_update")
    connection.execute("UPDATE ledger_entry SET payload = replace(payload, '\"kind\":\"invoice\"', "
                       "'\"kind\":\"invoice \"')")
    connection.commit()
    connection.close()
    verified = runner.invoke(app, ["ledger", "verify", "--db", str(db)])
    assert verified.exit_code == 1 and "entry 1: [entry_altered]" in verified.output
    shown = runner.invoke(app, ["payments", "--db", str(db), "--provider", SIREN, "--as-of", "2026-11-30"])
    assert shown.exit_code == 1 and "ledger_tampered" in shown.output
    # every entry deleted: the ledger is still found (its chain head, its witness copies) and the loss reported
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER ledger_entry_no_delete")
    connection.execute("DELETE FROM ledger_entry")
    connection.commit()
    connection.close()
    emptied = runner.invoke(app, ["ledger", "verify", "--db", str(db)])
    assert emptied.exit_code == 1 and "[head_mismatch]" in emptied.output and "[entry_missing]" in emptied.output
    # the database itself deleted: the witness copies beside it still name the lost entry
    db.unlink()
    lost = runner.invoke(app, ["ledger", "verify", "--db", str(db)])
    assert lost.exit_code == 1 and "[entry_missing]" in lost.output


def test_unknown_invoice_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["payments", "record", "--ledger", str(tmp_path), "--provider", SIREN,
                                      "--invoice", "F000404", "--date", "2026-01-01", "--amount", "1"])
    assert result.exit_code == 1 and "unknown_invoice" in result.output


def test_exit_plan_writes_the_ramp_down_table(tmp_path):
    table = tmp_path / "ramp.csv"
    result = CliRunner().invoke(app, ["exit", "plan", "--contract", str(default_contract_path()), "--notice-date",
                                      "2026-09-01", "--baseline", "service-inbound=30000", "--csv", str(table)])
    assert result.exit_code == 0, result.output
    assert "ends on 2027-07-01" in result.output
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 10 and rows[-1]["committed_volume"] == "15000.00"
