import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from charte.cli import app
from charte.domain.records import CONTACT_RECORD, field_names


def test_demo_writes_the_month_and_a_report(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--month", "2026-10", "--seed", "1", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "service-inbound" in result.output and "Report:" in result.output
    records = pq.read_table(out / "contact_records.parquet")
    assert records.schema.names == list(field_names(CONTACT_RECORD))
    assert records.num_rows > 20_000
    html = (out / "report.html").read_text()
    assert "Niveau de service" in html and "<svg" in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["month"] == "2026-10" and "contact_records.parquet" in manifest["files"]
    # the month is settled: invoice lines and totals printed, JSON and HTML written beside the facts
    assert "Total including" in result.output and "sl-80-20" in result.output
    settlement = json.loads((out / "settlement.json").read_text())
    assert settlement["period"] == "2026-10" and settlement["lines"][0]["clause"].startswith("activities[")
    assert "settlement.json" in manifest["files"] and (out / "settlement.html").exists()
    # October 2026 needs no index value (first revision 1 January 2027): settled on the shipped series, not the
    # illustrative one, and its invoice is issued: Factur-X PDF whose embedded XML passes the EN 16931 XSD
    assert settlement["reference_data"]["syntec"]["illustrative"] is False and "ILLUSTRATIVE" not in result.output
    from charte.io.facturx import check_xsd, xml_from_pdf

    assert "invoice-F000001.pdf" in result.output and "invoice-F000001.xlsx" in manifest["files"]
    xml = (out / "invoice-F000001.xml").read_bytes()
    check_xsd(xml)
    assert xml_from_pdf((out / "invoice-F000001.pdf").read_bytes()) == xml
    assert settlement["totals"]["including_vat"].encode() in xml
    # the facts went through the register; the settlement names them and replays byte for byte
    assert "Register of evidence: 10 submissions" in result.output and "identical byte for byte" in result.output
    assert {i["kind"] for i in settlement["evidence"]["inputs"]} == {"forecasts", "incidents", "interval_report",
                                                                     "staffing"}
    verified = CliRunner().invoke(app, ["verify", str(out / "settlement.json"), "--db", str(out / "charte.db")])
    assert verified.exit_code == 0 and "byte-identical" in verified.output


def test_a_demo_month_needing_an_index_value_rests_on_the_illustrative_series_and_gives_a_specimen(tmp_path):
    # January 2027: the revision of 1 January 2027 needs the Syntec index of October 2026 (3 months' lag) and of
    # August 2025 (I0), which the shipped series lacks: the demo uses its illustrative series, and says so.
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--month", "2027-01", "--seed", "1", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    settlement = json.loads((out / "settlement.json").read_text())
    assert settlement["reference_data"]["syntec"]["illustrative"] is True
    assert settlement["indexation"]["revised_on"] == "2027-01-01"
    assert "ILLUSTRATIVE" in result.output and "Spécimen de facture" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"invoice-SPECIMEN-2027-01.pdf", "invoice-SPECIMEN-2027-01.xlsx"} <= set(manifest["files"])
    assert (out / "invoice-SPECIMEN-2027-01.pdf").read_bytes().startswith(b"%PDF")
    assert not list(out.glob("invoice-F*")) and not list(out.glob("*.xml"))
    assert 'data-testid="illustrative"' in (out / "settlement.html").read_text()


def test_demo_is_reproducible(tmp_path):
    runner = CliRunner()
    for name in ("a", "b"):
        assert runner.invoke(app, ["demo", "--out", str(tmp_path / name), "--seed", "5"]).exit_code == 0
    a = json.loads((tmp_path / "a" / "manifest.json").read_text())["files"]
    b = json.loads((tmp_path / "b" / "manifest.json").read_text())["files"]
    assert a["contact_records.parquet"] == b["contact_records.parquet"]
    assert a["interval_report.csv"] == b["interval_report.csv"]
    assert a["settlement.json"] == b["settlement.json"]


def test_demo_rejects_a_bad_month(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--month", "October"])
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output
