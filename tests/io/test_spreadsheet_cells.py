"""Formula injection (issue 17): every CSV and XLSX charte writes makes text a spreadsheet would run inert,
at one place (:mod:`charte.domain.cells`), and leaves plain numbers alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from openpyxl import load_workbook
from tests.telesales.test_telesales_cli import MAPPING, ROWS
from typer.testing import CliRunner

from charte.domain.cells import inert, needs_mark, sql_inert
from charte.io.spreadsheet import inert_table, write_csv_rows, write_csv_table
from charte.observatory.barometer import Barometer, BarometerTable, write_csv, write_xlsx
from charte.observatory.disclosure import DisclosureRules, ProtectedCell

# OWASP "CSV Injection": = + - @ tab and carriage return start a formula; the full-width forms and leading
# spaces too in some spreadsheets.
ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1",
           "\r=1+1", "\n=1+1", "  =1+1", "\uff1d1+1", "\uff0b1", "\uff0d1+1", "\uff20SUM(1)"]
NUMBERS = ["-12.50", "+33 1 23 45 67 89", "-1,5 %", "-1e5", "0", "12"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_starts_are_marked(text: str) -> None:
    assert inert(text) == "'" + text


@pytest.mark.parametrize("text", [*NUMBERS, "Accueil", "", "a=b", "x-y"])
def test_plain_numbers_and_text_are_left_alone(text: str) -> None:
    assert inert(text) == text and not needs_mark(text)


def test_arrow_sql_and_python_apply_the_same_rule() -> None:
    values = [*ATTACKS, *NUMBERS, "Accueil", None]
    python = [inert(v) for v in values]
    arrow = inert_table(pa.table({"v": values, "n": list(range(len(values)))})).column("v").to_pylist()
    sql = [r[0] for r in duckdb.execute(f"SELECT {sql_inert('v')} FROM (SELECT unnest(?) AS v, "
                                        f"generate_subscripts(?, 1) AS i) ORDER BY i", [values, values]).fetchall()]
    assert arrow == python == sql


def test_csv_writers_mark_every_text_cell() -> None:
    buffer = io.StringIO()
    write_csv_rows(buffer, ("label", "amount"), [(ATTACKS[0], "-12.50"), {"label": "@x", "amount": 3}])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[1] == ["'" + ATTACKS[0], "-12.50"] and rows[2] == ["'@x", "3"]
    out = io.BytesIO()
    write_csv_table(pa.table({"activity": ["=1+1"], "offered": [5]}), out)
    assert out.getvalue().decode().splitlines()[1] == "\"'=1+1\",5"


def _barometer(label: str) -> Barometer:
    cell = ProtectedCell(("k",), 12, 4, "published")  # type: ignore[arg-type]
    table = BarometerTable("region", "headcount", "2026", (label,), ("service",), {(label, "service"): cell})
    return Barometer((table,), DisclosureRules(), ("2026",), 4)


def test_the_barometer_exports_make_region_names_inert(tmp_path: Path) -> None:
    barometer = _barometer('=HYPERLINK("http://evil.example")')
    write_csv(barometer, tmp_path / "b.csv")
    rows = list(csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8")))
    assert rows[0]["row"] == '\'=HYPERLINK("http://evil.example")'
    write_xlsx(barometer, tmp_path / "b.xlsx")
    book = load_workbook(tmp_path / "b.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == '\'=HYPERLINK("http://evil.example")' for c in cells)


def test_the_telesales_audit_csvs_make_campaign_names_inert(tmp_path: Path) -> None:
    from charte.cli import app

    mapping = tmp_path / "dialer.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = tmp_path / "appels.csv"
    export.write_text(ROWS.replace(";ete;", ";=1+2;"), encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(export), "--mapping", str(mapping), "--json",
                                      "-o", str(tmp_path / "out"), "--csv"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["attempts"] == 4
    for name in ("totals.csv", "violations.csv"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
        assert "'=1+2" in fields, name
        assert not [f for f in fields if needs_mark(f)], name
