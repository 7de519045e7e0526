"""From import to settlement: one canonical facts schema for the store, ``charte kpi`` and ``charte settle``.

The amounts are worked by hand in each test from the contract's words and the few calls written inline.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.conftest import shared_data
from typer.testing import CliRunner

from charte.cli import app

MAPPING = """
mapping: calls
timezone: Europe/Paris
constants: {channel: voice_inbound}
fields:
  contact_id: id
  arrived_at: at
  wait_seconds: wait
  handle_seconds: handle
  outcome: {column: status, codes: {A: answered, X: abandoned}}
"""
# Five calls on Monday 5 October 2026 between 09:00 and 09:30 Paris time (one half-hour):
# answered after 10 s and 30 s and 50 s, abandoned after 2 s (short) and after 40 s.
CALLS = ("id,at,wait,handle,status\n1,2026-10-05 09:00:00,10,100,A\n2,2026-10-05 09:05:00,30,300,A\n"
         "3,2026-10-05 09:06:00,2,0,X\n4,2026-10-05 09:07:00,40,0,X\n5,2026-10-05 09:29:00,50,200,A\n")
CONTRACT = """
contract: per-call
client:
  name: Client SA
  siren: "123456782"
  siret: "12345678200010"
  address: {street: "1 rue A", postcode: "75001", city: Paris, country: FR}
  electronic_address: {scheme: "0225", id: "123456782"}
provider:
  name: Provider SAS
  legal_form: SAS
  share_capital: "10000"
  rcs_city: Amiens
  siren: "987654324"
  siret: "98765432400019"
  address: {street: "2 rue B", postcode: "80000", city: Amiens, country: FR}
  electronic_address: {scheme: "0225", id: "987654324"}
  sites: [{name: Amiens, country: FR, staff: 10}]
term: {start: 2026-01-01, end: 2027-12-31}
activities:
  - id: svc
    function: service
    channel: voice_inbound
    opening_hours: "Mo-Fr 08:00-20:00"
    pricing: {per: handled_contact, price: "3.00"}
service_commitments:
  - id: sl
    activity: svc
    metric: service_level
    answered_within: 30s
    short_abandon: 5s
    target: 80%
    evaluation: raw
payment_terms: {days: 30}
"""


# The calls above are all on 5 October: every other opening day of the month is declared closed (a client-side
# closure), otherwise those days would be interval-data gaps (issue 23: an opening day without rows is an error).
CLOSED_DAYS = ("activity,kind,side,start,end,effect\n"
               "svc,site_closed,client,2026-10-01T00:00:00+02:00,2026-10-05T00:00:00+02:00,closed\n"
               "svc,site_closed,client,2026-10-06T00:00:00+02:00,2026-11-01T00:00:00+01:00,closed\n")


def closed_days_folder(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "incidents.csv").write_text(CLOSED_DAYS, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "calls.csv").write_text(CALLS, encoding="utf-8")
    (tmp_path / "contract.yaml").write_text(CONTRACT, encoding="utf-8")
    store = tmp_path / "store"
    code, output = run("import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"), "--activity",
                       "svc", "--store", str(store))
    assert code == 0, output
    return store, tmp_path / "contract.yaml"


def test_kpi_writes_the_canonical_interval_report_names(imported: tuple[Path, Path], tmp_path: Path) -> None:
    store, _ = imported
    out = tmp_path / "interval_report.csv"
    code, output = run("kpi", "--store", str(store), "--activity", "svc", "--period", "2026-10", "--by", "30min",
                       "--threshold", "30", "--format", "csv", "--output", str(out))
    assert code == 0, output
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    # waits of answered calls 10 + 30 + 50 = 90 s, of abandoned 2 + 40 = 42 s — under the settlement's names
    assert (row["wait_seconds_answered"], row["wait_seconds_abandoned"]) == ("90", "42")
    assert "wait_answered_seconds" not in row and row["interval_minutes"] == "30"
    assert "productive_seconds" not in row  # contact records carry no agent time: not written as empty


def test_settle_reads_what_kpi_writes_and_what_import_stored(imported: tuple[Path, Path], tmp_path: Path) -> None:
    store, contract = imported
    facts = closed_days_folder(tmp_path / "facts")
    code, output = run("kpi", "--store", str(store), "--activity", "svc", "--period", "2026-10", "--by", "30min",
                       "--threshold", "30", "--format", "csv", "--output", str(facts / "interval_report.csv"))
    assert code == 0, output
    from_kpi, from_store = tmp_path / "kpi.json", tmp_path / "store.json"
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--facts", str(facts),
                       "--reference", str(tmp_path / "ref"), "--json", str(from_kpi))
    assert code == 0, output
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--store", str(store),
                       "--facts", str(closed_days_folder(tmp_path / "other")), "--reference", str(tmp_path / "ref"),
                       "--json", str(from_store))
    assert code == 0, output
    a, b = json.loads(from_kpi.read_text()), json.loads(from_store.read_text())
    # 3 answered calls × 3.00 € = 9.00 €; service level: 2 answered within 30 s (10 s, 30 s) ÷ (5 offered − 1 short
    # abandon) = 2 ÷ 4 = 50% (below 80%, no grid: no malus)
    assert a["lines"][0]["quantity"] == "3" and a["totals"]["excluding_vat"] == "9.00"
    assert Decimal(a["service_results"][0]["raw"]) == Decimal("0.5")
    assert a["lines"] == b["lines"] and a["inputs_sha256"] == b["inputs_sha256"]


def test_a_productive_hour_price_cannot_be_billed_from_contact_records(imported: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    store, contract = imported
    hourly = tmp_path / "hourly.yaml"
    hourly.write_text(contract.read_text().replace("per: handled_contact, price: \"3.00\"",
                                                   "per: productive_hour, price: \"30.00\""), encoding="utf-8")
    code, output = run("settle", "--contract", str(hourly), "--period", "2026-10", "--store", str(store),
                       "--reference", str(tmp_path / "ref"))
    assert code == 1 and "missing_column" in output and "productive_seconds" in output


def test_records_and_reports_for_one_activity_are_refused(imported: tuple[Path, Path], tmp_path: Path) -> None:
    store, contract = imported
    report = tmp_path / "acd.csv"
    report.write_text("Date;Interval;Queue;Offered;Handled;Abandoned;Short abandoned;Answered in 20s;Answered in 40s;"
                      "Wait answered;Wait abandoned;Handle time;Staffed time;Productive time\n"
                      "05/10/2026;09:00;F;5;3;2;1;1;2;0:01:30;0:00:42;0:10:00;0:30:00;0:25:00\n", encoding="utf-8")
    code, output = run("import", str(report), "--mapping", "acd-interval-report", "--activity", "svc", "--store",
                       str(store))
    assert code == 0, output
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--store", str(store),
                       "--reference", str(tmp_path / "ref"))
    assert code == 1 and "records_and_reports" in output


def test_settle_from_an_imported_acd_interval_report(tmp_path: Path) -> None:
    # One queue, one half-hour: 10 offered, 9 handled; billed per productive hour at 30.00 €:
    # productive time 0:50:00 = 3,000 s = 0.8333… h → 25.00 € (contract priced per productive hour).
    report = tmp_path / "acd.csv"
    report.write_text("Date;Interval;Queue;Offered;Handled;Abandoned;Short abandoned;Answered in 20s;Answered in 40s;"
                      "Wait answered;Wait abandoned;Handle time;Staffed time;Productive time\n"
                      "05/10/2026;09:00;F;10;9;1;0;7;9;0:01:30;0:00:40;0:30:00;1:00:00;0:50:00\n", encoding="utf-8")
    store = tmp_path / "store"
    code, output = run("import", str(report), "--mapping", "acd-interval-report", "--activity", "svc", "--store",
                       str(store))
    assert code == 0, output
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT.replace("per: handled_contact, price: \"3.00\"", "per: productive_hour, price: "
                                         "\"30.00\"").replace("answered_within: 30s", "answered_within: 20s"),
                        encoding="utf-8")
    out = tmp_path / "s.json"
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--store", str(store),
                       "--facts", str(closed_days_folder(tmp_path / "other")), "--reference", str(tmp_path / "ref"),
                       "--json", str(out))
    assert code == 0, output
    settled = json.loads(out.read_text())
    assert settled["totals"]["excluding_vat"] == "25.00"
    # 7 answered within 20 s ÷ (10 offered − 0 short abandons) = 70%
    assert Decimal(settled["service_results"][0]["raw"]) == Decimal("0.7")


@pytest.mark.realdata
def test_the_real_january_1999_file_from_import_to_invoice(tmp_path: Path) -> None:
    path = shared_data("anonymous-bank-1999", "january.txt")
    store = tmp_path / "store"
    code, output = run("import", str(path), "--mapping", "anonymous-bank-1999", "--store", str(store))
    assert code == 0, output
    contract = Path(__file__).resolve().parents[2] / "examples" / "anonymous-bank-1999.yaml"
    out = tmp_path / "s.json"
    # The published data set has no record at all for Monday 11 and Tuesday 12 January 1999 (the file's dates
    # jump from 990110 to 990113): declared as such, otherwise they are interval-data gaps the settlement refuses.
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "incidents.csv").write_text(
        "activity,kind,side,start,end,effect,description\n"
        "anonymous-bank,no_data_in_export,none,1999-01-11T00:00:00+01:00,1999-01-13T00:00:00+01:00,closed,"
        "the published file has no record for these two days\n", encoding="utf-8")
    code, output = run("settle", "--contract", str(contract), "--period", "1999-01", "--store", str(store),
                       "--facts", str(facts), "--reference", str(tmp_path / "ref"), "--json", str(out))
    assert code == 0, output
    settled = json.loads(out.read_text())
    # Independent count over the raw file (rules of the shipped mapping): served calls (AGENT) and calls that
    # queued then hung up (HANG with a q_start), arrival = q_start; the settlement is in Paris time, so calls
    # arriving before 01:00 on 1 January in Israel (UTC+2) belong to December in Paris.
    with path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["outcome"] != "PHANTOM"]

    def paris_january(r: dict[str, str]) -> bool:
        clock = r["q_start"] if r["q_start"] != "0:00:00" else r["vru_exit"]
        # 00:xx on 1 January, Israel time, is 31 December in Paris
        return not (r["date"] == "990101" and int(clock.split(":")[0]) == 0)

    agent = [r for r in rows if r["outcome"] == "AGENT" and paris_january(r)]
    queued_hang = [r for r in rows if r["outcome"] == "HANG" and r["q_start"] != "0:00:00" and paris_january(r)]
    short = [r for r in queued_hang if int(r["q_time"]) < 5]
    within60 = sum(1 for r in agent if int(r["q_time"]) <= 60)
    assert settled["lines"][0]["quantity"] == str(len(agent))
    base = Decimal(len(agent)) * Decimal("2.80")
    assert Decimal(settled["lines"][0]["amount"]) == base
    level = Decimal(within60) / Decimal(len(agent) + len(queued_hang) - len(short))
    assert Decimal(settled["service_results"][0]["raw"]) == level.quantize(Decimal("0.000001"))
    assert settled["service_results"][0]["met"] is False  # below the 75% target: a malus line follows
    assert settled["lines"][1]["kind"] == "malus"
    # the last step: a French e-invoice cannot bill a 1999 month — the official rule BR-FR-03 wants the billing
    # period's dates between 2000 and 2099, and the gate refuses the document before a number is taken
    code, output = run("invoice", "issue", "--contract", str(contract), "--settlement", str(out), "--ledger",
                       str(tmp_path / "ledger"), "--out", str(tmp_path / "invoices"), "--date",
                       datetime.now(UTC).date().isoformat())
    assert code == 1 and "BR-FR-03" in output, output
    assert not (tmp_path / "invoices").exists() or not list((tmp_path / "invoices").glob("invoice-F*"))


def test_a_store_holding_several_organisations_needs_one_named(imported: tuple[Path, Path], tmp_path: Path) -> None:
    store, contract = imported
    code, output = run("import", str(tmp_path / "calls.csv"), "--mapping", str(tmp_path / "m.yaml"), "--activity",
                       "svc", "--store", str(store), "--organisation", "another-provider")
    assert code == 0, output
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--store", str(store),
                       "--reference", str(tmp_path / "ref"))
    assert code == 1 and "several_organisations" in output  # never added together
    out = tmp_path / "s.json"
    code, output = run("settle", "--contract", str(contract), "--period", "2026-10", "--store", str(store),
                       "--organisation", "default", "--facts", str(closed_days_folder(tmp_path / "other")),
                       "--reference", str(tmp_path / "ref"), "--json", str(out))
    assert code == 0, output
    assert json.loads(out.read_text())["lines"][0]["quantity"] == "3"  # the 3 answered calls, counted once
