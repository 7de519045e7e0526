"""Declarations: a file with errors is rejected with every reason and nothing recorded; history is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from charte.cli import app
from charte.observatory import DeclarationStore, Member, MemberRegistry, declare, parse_declaration_csv

# 552100554 passes the Luhn check (5+1+5+4+1+0+0+1+5+8 pattern verified below); 552100555 does not.
HEADER = "siren,period,site,country,region,function,category,headcount,hires,work_study,training_hours\n"
GOOD = HEADER + (
    "552100554,2025-S1,Lille,FR,Hauts-de-France,service,employee,120,18,6,840\n"
    "552100554,2025-S1,Lille,FR,Hauts-de-France,support,manager,5,0,0,35.5\n"
    "552100554,2025-S1,Rabat,MA,,commercial,employee,200,60,0,1000\n"
)


def test_observatory_luhn_of_the_test_siren() -> None:
    # Luhn by hand on 552100554: digits from the right, doubling every second one:
    # 4, 5*2=10->1, 5, 0*2=0, 0, 1*2=2, 2, 5*2=10->1, 5 -> 4+1+5+0+0+2+2+1+5 = 20, divisible by 10.
    declaration, problems = parse_declaration_csv(GOOD, "ok.csv")
    assert problems == []
    assert declaration is not None
    assert declaration.siren == "552100554"
    assert declaration.headcount == 325
    assert declaration.headcount_france == 125
    assert declaration.training_hours == Decimal("1875.5")


def test_observatory_declaration_with_errors_is_rejected_with_every_reason(tmp_path: Path) -> None:
    bad = HEADER + (
        "552100555,2025-S7,Lille,FR,Flandre,service,employee,120,18,6,840\n"      # line 2: siren, period, region
        "552100554,2025-S1,Lille,FR,Hauts-de-France,service,employee,-3,x,0,0\n"  # line 3: negative, not a number
        "552100554,2025-S1,Lille,FR,Hauts-de-France,sales,boss,10,1,11,0\n"       # line 4: function, category, ws
        "552100554,2025-S1,Rabat,MA,,commercial,employee,200,60,0,1000\n"         # line 5: fine
        "552100554,2025-S1,Rabat,MA,,commercial,employee,200,60,0,1000\n"         # line 6: duplicate
    )
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    declaration, problems = declare(path, tmp_path)
    assert declaration is None
    found = {(p.line, p.code) for p in problems}
    assert {(2, "invalid_siren"), (2, "invalid_period"), (2, "unknown_region"), (3, "negative_value"),
            (3, "invalid_number"), (4, "unknown_function"), (4, "unknown_category"),
            (4, "work_study_exceeds_headcount"), (6, "duplicate_line")} <= found
    assert not any(line == 5 for line, _ in found)
    assert str(problems[0]).startswith(f"{path}:2: [invalid_siren] ")
    assert DeclarationStore(tmp_path).all() == []
    assert not (tmp_path / "declarations").exists()


def test_observatory_missing_column_and_unknown_member(tmp_path: Path) -> None:
    _, problems = parse_declaration_csv("siren,period\n552100554,2025\n", "x.csv")
    assert [(p.line, p.code) for p in problems] == [(1, "missing_column")]
    assert "headcount" in problems[0].message
    MemberRegistry((Member(company="Autre", siren="732829320"),)).save(tmp_path)
    (tmp_path / "d.csv").write_text(GOOD, encoding="utf-8")
    declaration, problems = declare(tmp_path / "d.csv", tmp_path)
    assert declaration is None
    assert {p.code for p in problems} == {"unknown_member"}


def test_observatory_history_is_kept_and_resubmission_supersedes(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(GOOD, encoding="utf-8")
    declare(tmp_path / "d.csv", tmp_path, at=datetime(2025, 7, 1, tzinfo=UTC))
    (tmp_path / "d.csv").write_text(GOOD.replace(",120,18,", ",150,18,"), encoding="utf-8")
    declare(tmp_path / "d.csv", tmp_path, at=datetime(2025, 7, 2, tzinfo=UTC))
    store = DeclarationStore(tmp_path)
    history = store.history("552100554")
    assert [d.headcount for d in history] == [325, 355]
    assert [d.headcount for d in store.latest()] == [355]
    assert history[0].recorded_at == datetime(2025, 7, 1, tzinfo=UTC)


def test_observatory_cli_declare_exit_status(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "bad.csv").write_text(HEADER + "552100554,2025,Lille,FR,Nowhere,service,employee,1,0,0,0\n",
                                      encoding="utf-8")
    result = runner.invoke(app, ["observatory", "declare", str(tmp_path / "bad.csv"), "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.csv:2: [unknown_region]" in result.output
    (tmp_path / "ok.csv").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["observatory", "declare", str(tmp_path / "ok.csv"), "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(DeclarationStore(tmp_path).all()) == 1
