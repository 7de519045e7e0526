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
                                 "--date", "2026-11-02"])
    assert result.exit_code == 0, result.output
    assert "issued F000001" in result.output and "due 2026-12-17" in result.output
    assert (out / "invoice-F000001.pdf").exists() and (out / "invoice-F000001.xlsx").exists()
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
    credit = runner.invoke(app, ["invoice", "credit-note", "--ledger", str(ledger), "--provider", SIREN, "--invoice",
                                 "F000001", "--reason", "période erronée", "--out", str(out), "--date", "2027-01-20"])
    assert credit.exit_code == 0, credit.output
    assert (out / "credit-note-F000002.pdf").exists()


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
