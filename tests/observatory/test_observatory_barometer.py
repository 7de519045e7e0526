"""Barometer tables, shares, trends, exports; the demo population's shape; the CLI end to end."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from charte.cli import app
from charte.observatory import Declaration, DeclarationLine, build_barometer, export_rows, write_csv, write_xlsx
from charte.observatory.demo_population import demo_population


def _decl(siren: str, period: str, fr: int, ma: int) -> Declaration:
    lines = [DeclarationLine(site="Brest", country="FR", region="Bretagne", function="service", category="employee",
                             headcount=fr, hires=1, work_study=0, training_hours=Decimal(0)),
             DeclarationLine(site="Rabat", country="MA", function="service", category="employee",
                             headcount=ma, hires=1, work_study=0, training_hours=Decimal(0))]
    return Declaration(siren=siren, period=period, lines=tuple(lines))


def _balanced() -> list[Declaration]:
    """Four members of equal weight in both periods: nothing to withhold."""
    return [_decl(s, p, fr + k, 20) for k, s in enumerate(["a", "b", "c", "d"])
            for p, fr in (("2025-S1", 10), ("2025-S2", 30))]


def test_observatory_barometer_figures_share_and_trend() -> None:
    barometer = build_barometer(_balanced())
    t = barometer.table("function", "headcount", "2025-S2")
    # France = 30+31+32+33 = 126, abroad = 4 × 20 = 80, total 206; share 126/206 = 0.6116… → 0.612
    assert t.cells[("service", "France")].published == 126
    assert t.cells[("total", "total")].published == 206
    assert t.share_france("service") == Decimal("0.612")
    assert barometer.counts()["primary"] == barometer.counts()["complementary"] == 0
    rows = export_rows(barometer, "period")
    change = {(r["row"], r["column"]): r["change"] for r in rows if r["measure"] == "headcount"}
    assert change[("2025-S2", "France")] == "80"          # (30-10) × 4 members
    assert change[("2025-S1", "France")] == ""


def test_observatory_withheld_cells_are_blank_and_flagged_in_exports(tmp_path: Path) -> None:
    declarations = [*_balanced(), _decl("e", "2025-S2", 0, 0)]
    lonely = DeclarationLine(site="Dakar", country="SN", function="support", category="manager", headcount=7,
                             hires=0, work_study=0, training_hours=Decimal(0))
    declarations[-1] = declarations[-1].model_copy(update={"lines": (lonely,)})
    barometer = build_barometer(declarations)
    assert barometer.table("region", "headcount", "2025-S2").cells[("SN", "support")].status == "primary"
    write_csv(barometer, tmp_path / "b.csv")
    rows = list(csv.DictReader((tmp_path / "b.csv").open(encoding="utf-8")))
    sn = [r for r in rows if r["table"] == "region" and r["row"] == "SN" and r["column"] == "support"
          and r["measure"] == "headcount" and r["period"] == "2025-S2"]
    assert sn == [{**sn[0], "value": "", "flag": "s"}]
    assert all(r["value"] != "7" or r["flag"] == "" for r in rows if r["row"] == "SN")
    write_xlsx(barometer, tmp_path / "b.xlsx")
    book = load_workbook(tmp_path / "b.xlsx")
    assert book.sheetnames == ["function", "region", "period", "notes"]
    assert [c.value for c in book["region"][1]] == ["table", "measure", "period", "row", "column", "value", "flag",
                                                    "change"]


def test_observatory_demo_population_shape() -> None:
    members, declarations, evidence = demo_population(seed=2019)
    first = [d for d in declarations if d.period == "2024-S1"]
    staff = sum(d.headcount for d in first)
    france = sum(d.headcount_france for d in first)
    assert len(members) == 60 and len(evidence) == 60
    assert 76_000 <= staff <= 84_000                     # SP2C 2019: 80,000 employees
    assert 0.35 <= france / staff <= 0.5                 # 32,000 of 80,000 in France = 40%
    assert len({m.siren for m in members}) == 60
    again, _, _ = demo_population(seed=2019)
    assert again == members


def test_observatory_cli_demo_barometer_ranking(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = str(tmp_path / "obs")
    result = runner.invoke(app, ["observatory", "demo", "--dir", folder, "--members", "8", "--staff", "3000"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["observatory", "demo", "--dir", folder]).exit_code == 1   # never appends twice
    result = runner.invoke(app, ["observatory", "barometer", "--dir", folder, "--by", "region",
                                 "--csv", str(tmp_path / "b.csv"), "--xlsx", str(tmp_path / "b.xlsx")])
    assert result.exit_code == 0, result.output
    assert "total" in result.output
    assert (tmp_path / "b.csv").exists() and (tmp_path / "b.xlsx").exists()
    result = runner.invoke(app, ["observatory", "ranking", "--dir", folder, "--on", "2025-12-31", "--json"])
    assert result.exit_code == 0, result.output
    assert "\"rank\": 1" in result.output and "opted_in" not in result.output


def test_observatory_barometer_cache_is_reused_only_for_the_same_declarations(tmp_path: Path) -> None:
    from charte.observatory import DisclosureRules, barometer_of_folder

    declarations = _balanced()
    first = barometer_of_folder(tmp_path, declarations, DisclosureRules())
    assert (tmp_path / "barometer.json").exists()
    assert barometer_of_folder(tmp_path, declarations, DisclosureRules()) == first
    changed = barometer_of_folder(tmp_path, declarations[:-1], DisclosureRules())
    assert changed.table("function", "headcount", "2025-S2").cells[("total", "total")].published == 153  # 93 + 60
    strict = barometer_of_folder(tmp_path, declarations, DisclosureRules(min_members=5))
    assert strict.counts()["primary"] > 0
