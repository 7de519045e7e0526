"""`charte kpi` as a table (issue 21): it fits 100 columns without cutting dates or headings, speaks the chosen
language (``--lang fr|en``) and gives every column with ``--format csv|json``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests.io.test_import_cli import MAPPING
from typer.testing import CliRunner

from charte.cli import app

CALLS = ("id,at,wait,handle,status\n1,2026-10-05 09:00:00,10,100,A\n2,2026-10-05 09:05:00,30,300,A\n"
         "3,2026-10-05 09:06:00,2,0,X\n4,2026-10-05 09:40:00,5,1200,A\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("kpi")
    (folder / "m.yaml").write_text(MAPPING, encoding="utf-8")
    (folder / "calls.csv").write_text(CALLS, encoding="utf-8")
    facts = str(folder / "facts")
    result = CliRunner().invoke(app, ["import", str(folder / "calls.csv"), "--mapping", str(folder / "m.yaml"),
                                      "--activity", "svc", "--store", facts])
    assert result.exit_code == 0, result.output
    return facts


def _kpi(store: str, *extra: str) -> str:
    result = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--store", store, *extra],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_french_table_fits_100_columns_with_whole_dates(store: str) -> None:
    out = _kpi(store, "--by", "30min", "--threshold", "20", "--threshold", "60", "--lang", "fr")
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "2026-10-05 09:00" in out and "2026-10-05 09:30" in out and "…" not in out
    assert "Reçus" in out and "NS" in out and "DMT" in out and "Offered" not in out
    # 09:00–09:30: 3 offered, 2 answered (10 s and 30 s), 1 short abandon (2 s < 5 s): SL 20 s = 1 ÷ (3 − 1) = 50,0 %
    assert " 50,0 " in out


def test_the_english_table_and_every_column_in_csv_and_json(store: str) -> None:
    out = _kpi(store, "--by", "day", "--lang", "en")
    assert "Offered" in out and "SL" in out and "Reçus" not in out
    assert max(len(line) for line in out.splitlines()) <= 100
    rows = list(csv.DictReader(io.StringIO(_kpi(store, "--by", "day", "--format", "csv"))))
    assert rows[0]["offered"] == "4" and "abandon_rate_queued" in rows[0] and "short_abandoned" in rows[0]
    (day,) = json.loads(_kpi(store, "--by", "day", "--format", "json"))
    assert day["handled"] == 3


def test_an_unknown_language_is_refused(store: str) -> None:
    result = CliRunner().invoke(app, ["kpi", "--activity", "svc", "--period", "2026-10", "--store", store,
                                      "--lang", "de"])
    assert result.exit_code == 2 and "expected fr or en" in result.output
