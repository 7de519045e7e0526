"""Reference data, managed: shipped series with their sources, values the user adds, versions, refusals.

Golden values are the published figures (décrets, arrêtés, ECB) cited in the shipped CSVs.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.demo.run import default_contract_path, run_demo
from charte.domain import law
from charte.domain.calendar import Month
from charte.domain.reference import ReferenceValueMissingError, parse_csv, shipped_book
from charte.io.contract_yaml import load_contract
from charte.io.einvoicing.documents import gate_document
from charte.io.reference_data import ReferenceDataError, add_file, load_book, reference_versions
from charte.io.settlement_files import settlement_facts
from charte.payments import InvoiceError, LedgerError, invoice_from_settlement, invoice_from_settlement_json
from charte.payments.reference_rates import DEFAULT_RATES, ReferenceRateError
from charte.settle import SettlementError, settle


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo of January 2027: its revision needs Syntec values the shipped series lacks (illustrative ones)."""
    return run_demo(tmp_path_factory.mktemp("demo"), month=Month(2027, 1))


def test_the_smic_table_holds_the_2026_values() -> None:
    # décret 2025-1228: 12.02 € from 1 January 2026; arrêté du 22 mai 2026: 12.31 € from 1 June 2026;
    # Mayotte 9.33 € then 9.56 €; the last known value applies up to 31 December 2026 (next revaluation).
    smic = shipped_book().get("smic.hourly_gross")
    assert smic.on(date(2025, 12, 31)).value == Decimal("11.88")
    assert smic.on(date(2026, 1, 1)).value == Decimal("12.02") and "2025-1228" in smic.on(date(2026, 1, 1)).source
    assert smic.on(date(2026, 6, 1)).value == Decimal("12.31")
    assert shipped_book().get("smic.hourly_gross.mayotte").on(date(2026, 3, 1)).value == Decimal("9.33")
    assert law.value("smic.hourly_gross", date(2026, 10, 1)) == Decimal("12.31")
    with pytest.raises(ReferenceValueMissingError) as missing:
        smic.on(date(2027, 1, 1))
    assert "smic.hourly_gross" in str(missing.value) and "charte reference add" in str(missing.value)


def test_the_rate_tables_hold_what_was_published_and_refuse_the_rest() -> None:
    # ECB main refinancing rate on 1 July 2026: 2.40% (in force since 17 June 2026).
    assert DEFAULT_RATES.rate("ecb_mro", date(2026, 9, 1)).rate == Decimal("0.024")
    assert DEFAULT_RATES.rate("legal_interest_professional", date(2026, 3, 1)).rate == Decimal("0.0262")
    with pytest.raises(ReferenceRateError) as missing:
        DEFAULT_RATES.rate("legal_interest_professional", date(2026, 9, 1))
    assert missing.value.code == "reference_rate_missing"
    assert "2026-07-01" in missing.value.message and "charte reference add" in missing.value.message


def test_a_gap_in_a_monthly_series_is_missing_not_interpolated() -> None:
    syntec = shipped_book().get("syntec")
    assert syntec.month(Month(2025, 10)).value == Decimal("322.2")
    with pytest.raises(ReferenceValueMissingError):
        syntec.month(Month(2025, 8))   # between two published values the authors could source


def test_versions_are_content_hashes(tmp_path: Path) -> None:
    before = reference_versions(tmp_path / "none")
    assert set(before) >= {"syntec", "smic.hourly_gross", "ecb_mro", "legal_interest_professional"}
    assert all(len(v) == 64 for v in before.values())
    extra = tmp_path / "syntec-2025-08.csv"
    extra.write_text("series,period,value,source\nsyntec,2025-08,320.9,test value\n", encoding="utf-8")
    after = load_book(tmp_path / "none", [extra]).versions()
    assert after["syntec"] != before["syntec"] and after["ecb_mro"] == before["ecb_mro"]


def test_adding_values_is_checked_kept_once_and_never_contradicts(tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    rates = tmp_path / "legal-2026-h2.csv"
    rates.write_text("# test value, not the published rate\nseries,period,value,source,published_on\n"
                     "legal_interest_professional,2026-07-01,3.00%,test arrêté,2026-06-25\n", encoding="utf-8")
    assert add_file(rates, folder).status == "added"
    assert add_file(rates, folder).status == "already_added"
    assert len(list(folder.glob("*.csv"))) == 1
    assert load_book(folder).get("legal_interest_professional").on(date(2026, 9, 1)).value == Decimal("0.03")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("series,period,value,source\necb_mro,2026-07-01,2.00%,someone\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as error:
        add_file(wrong, folder)
    assert "reference_conflict" in str(error.value) and "0.024" in str(error.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("series,period,value,source,until\nsmic.hourly_gross,2027-01-01,12.5,,\n"
                   "syntec,2025-13,300,x,\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as error:
        add_file(bad, folder)
    assert [line.split(": [")[0] for line in error.value.problems] == [f"{bad}:2", f"{bad}:3"]
    assert len(list(folder.glob("*.csv"))) == 1


def test_a_file_marked_illustrative_marks_its_series() -> None:
    points, problems = parse_csv("# charte: illustrative\nseries,period,value,source\nsyntec,2026-01,1,demo\n")
    assert not problems and points[0].illustrative


def test_charte_settle_never_uses_the_illustrative_series(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the demo of January 2027 fell back on its illustrative series, and says so
    assert json.loads((demo.out_dir / "settlement.json").read_text())["reference_data"]["syntec"]["illustrative"]
    # `charte settle` on the same facts reads the shipped series only: the revision's values are missing, refused
    result = CliRunner().invoke(app, ["settle", "--contract", str(default_contract_path()), "--period", "2027-01",
                                      "--facts", str(demo.out_dir), "--reference", str(tmp_path / "ref")])
    assert result.exit_code == 1 and "missing_index_value" in result.output and "ILLUSTRATIVE" not in result.output
    # with the published values added, it settles on them, and records their version
    published = tmp_path / "syntec.csv"
    published.write_text("# test values, not the published index\nseries,period,value,source\n"
                         "syntec,2025-08,320.0,test\nsyntec,2026-10,326.4,test\n", encoding="utf-8")
    out = tmp_path / "s.json"
    result = CliRunner().invoke(app, ["settle", "--contract", str(default_contract_path()), "--period", "2027-01",
                                      "--facts", str(demo.out_dir), "--index", str(published),
                                      "--reference", str(tmp_path / "ref"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    settled = json.loads(out.read_text())
    used = settled["reference_data"]["syntec"]
    assert used["illustrative"] is False and used["version"] == load_book(tmp_path / "ref", [published]).get(
        "syntec").version
    # 0.15 + 0.85 × 326.4 ÷ 320.0 = 0.15 + 0.85 × 1.02 = 1.017 (within the contract's 0%..4% bounds)
    assert Decimal(settled["indexation"]["coefficient"]) == Decimal("1.017")


def test_past_the_last_known_value_settlement_refuses_and_says_how_to_add_it(demo, tmp_path: Path
                                                                             ) -> None:  # type: ignore[no-untyped-def]
    # The sample contract revises on 1 January 2027 with 3 months' lag: the index of 2026-10 is needed,
    # and so is the base month 2025-08 (I0); neither is in the shipped series.
    contract = load_contract(default_contract_path())
    facts = settlement_facts(demo.out_dir, contract, Month(2027, 1), reference=tmp_path / "ref")
    assert not facts.references[0].illustrative
    with pytest.raises(SettlementError) as error:
        settle(contract, Month(2027, 1), facts)
    messages = [p.message for p in error.value.problems if p.code == "missing_index_value"]
    assert any("2026-10" in m and "charte reference add" in m for m in messages)
    assert any("2025-08" in m for m in messages)


def test_an_illustrative_settlement_never_reaches_a_numbered_invoice(demo, tmp_path: Path
                                                                     ) -> None:  # type: ignore[no-untyped-def]
    contract = load_contract(default_contract_path())
    assert demo.settlement.illustrative
    with pytest.raises(InvoiceError) as refused:
        invoice_from_settlement(contract, demo.settlement, date(2027, 2, 1))
    assert refused.value.code == "illustrative_reference_data" and "syntec" in refused.value.message
    document = json.loads((demo.out_dir / "settlement.json").read_text())
    with pytest.raises(InvoiceError):
        invoice_from_settlement_json(contract, document, date(2027, 2, 1))
    specimen = invoice_from_settlement(contract, demo.settlement, date(2027, 2, 1), specimen=True)
    from charte.store.books import open_books

    with pytest.raises(LedgerError) as never:
        open_books(tmp_path / "ledger.db").ledger(contract.provider.siren).issue(specimen, gate_document)
    assert never.value.code == "specimen_not_numbered"
    cli = CliRunner().invoke(app, ["invoice", "issue", "--contract", str(default_contract_path()), "--settlement",
                                   str(demo.out_dir / "settlement.json"), "--ledger", str(tmp_path / "l"),
                                   "--out", str(tmp_path / "o"), "--date", "2027-02-02"])
    assert cli.exit_code == 1 and "illustrative_reference_data" in cli.output


def test_reference_cli_lists_shows_and_adds(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["reference", "list", "--reference", str(tmp_path), "--json"])
    assert listed.exit_code == 0
    rows = {r["series"]: r for r in json.loads(listed.output)}
    assert rows["legal_interest_professional"]["last_known"] == "2026-06-30"
    extra = tmp_path / "syntec.csv"
    extra.write_text("series,period,value,source\nsyntec,2025-08,320.9,test value\n", encoding="utf-8")
    assert runner.invoke(app, ["reference", "add", str(extra), "--reference", str(tmp_path / "r")]).exit_code == 0
    shown = runner.invoke(app, ["reference", "show", "syntec", "--reference", str(tmp_path / "r"), "--json"])
    assert {"period": "2025-08-01", "value": "320.9"}.items() <= next(
        v for v in json.loads(shown.output)["values"] if v["period"] == "2025-08-01").items()
