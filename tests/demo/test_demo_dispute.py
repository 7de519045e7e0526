"""``charte demo`` plays one dispute: the client contests the mailing day's verdict, a what-if on the client's late
W−1 revision, the mediator's recommendation, both accept, a partial credit note (issue 16)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from charte.demo.run import DemoResult, run_demo
from charte.disputes import broken_links
from charte.io.einvoicing.gate import validate
from charte.io.facturx import check_xsd, xml_from_pdf
from charte.store.books import open_books


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo-dispute"))


def test_the_revision_is_the_mailing_day_s_w1_forecast_times_the_mailing_factor(demo: DemoResult) -> None:
    d = demo.dispute
    assert d is not None and d.mailing_day.isoformat() == "2026-10-13"   # 9th open weekday of October 2026
    with (demo.out_dir / "forecasts.csv").open() as handle:
        w1 = {r["period_start"]: Decimal(r["volume"]) for r in csv.DictReader(handle) if r["horizon"] == "W-1"}
    with (demo.out_dir / d.revision_file).open() as handle:
        revision = list(csv.DictReader(handle))
    assert {r["issued_on"] for r in revision} == {"2026-10-09"}              # four days before the mailing
    assert len(revision) == 24                                               # 08:00–20:00 Paris in half-hours
    for r in revision:
        assert abs(Decimal(r["volume"]) - w1[r["period_start"]] * Decimal("1.3")) <= Decimal("0.05")


def test_the_credit_note_is_the_grid_s_malus_on_the_what_if_s_verdict(demo: DemoResult) -> None:
    d = demo.dispute
    assert d is not None and d.credit_note is not None
    (verdict,) = [v for v in d.whatif.verdicts if v.changed]
    assert verdict.commitment == "sl-80-20" and verdict.proposed["met"] is False
    # Malus grid of the contract: 1% of the activity's invoice (its service line, before bonus/malus) per point
    # under the 82% target (avenant-1), pro rata, cap 5%. The credit note gives back the malus the what-if's
    # verdict adds to the invoiced one: (result_issued − result_proposed) × 100 points × 1% × base.
    assert demo.settlement is not None
    (service,) = [line for line in demo.settlement.lines if str(line.kind) == "service"]
    base = service.amount
    issued = Decimal(verdict.issued["result"]) if verdict.issued["met"] is False else Decimal("0.82")

    def malus(result: Decimal) -> Decimal:
        return ((Decimal("0.82") - result) * 100 * Decimal("0.01") * base).quantize(Decimal("0.01"))

    expected_ht = malus(Decimal(verdict.proposed["result"])) - malus(issued)
    expected_vat = (expected_ht * Decimal("0.20")).quantize(Decimal("0.01"))
    note = d.credit_note
    assert (note.total_excluding_vat, note.total_vat) == (expected_ht, expected_vat)
    assert note.total_including_vat == d.claim.disputed_amount == expected_ht + expected_vat
    assert note.kind == "credit_note" and note.corrects == "F000001" and note.number == "F000002"
    xml = (demo.out_dir / "credit-note-F000002.xml").read_bytes()
    check_xsd(xml)
    assert xml_from_pdf((demo.out_dir / "credit-note-F000002.pdf").read_bytes()) == xml
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml and b"F000001" in xml
    ledger = open_books(demo.out_dir / "charte.db").ledger(demo.contract.provider.siren)   # the demo's database
    assert [doc.number for doc in ledger.documents()] == ["F000001", "F000002"]
    assert note.corrects_date is not None and note.corrects_date.isoformat() == "2026-11-01"   # BT-26
    assert validate(xml, "cii").ok and validate((demo.out_dir / "credit-note-F000002.ubl.xml").read_bytes(), "ubl").ok
    # the invoice's lifecycle (issue 15): Déposée, En litige at the contest, Approuvée partiellement at the end
    (invoice,) = [doc for doc in ledger.documents() if doc.number == "F000001"]
    assert [(e.status.code, e.reason_code) for e in ledger.lifecycle(invoice)] == [
        ("200", None), ("207", "CALCUL_ERR"), ("206", "AUTRE")]
    for name in ("F000001-207-20261105100000.cdar.xml", "F000001-206-20261124100000.cdar.xml"):
        assert validate((demo.out_dir / name).read_bytes(), "cdar").ok


def test_the_thread_is_sealed_and_shown_in_the_report(demo: DemoResult) -> None:
    d = demo.dispute
    assert d is not None
    assert [str(e.kind) for e in d.entries] == ["contest", "whatif", "reject", "invite_mediator", "recommendation",
                                               "accept", "accept", "resolution"]
    assert broken_links(list(d.entries)) == []
    saved = json.loads((demo.out_dir / "dispute.json").read_text())
    assert [e["sha256"] for e in saved["thread"]] == [e.sha256 for e in d.entries]
    html = demo.report.read_text()
    assert "Litige et médiation" in html and "avoir partiel F000002" in html
    assert 'class="waterfall"' in html and "<desc" in html
    manifest = json.loads((demo.out_dir / "manifest.json").read_text())
    assert "dispute.json" in manifest["files"] and "credit-note-F000002.pdf" in manifest["files"]


def test_the_dispute_is_reproducible(demo: DemoResult, tmp_path: Path) -> None:
    again = run_demo(tmp_path / "again")
    assert (again.out_dir / "dispute.json").read_bytes() == (demo.out_dir / "dispute.json").read_bytes()
