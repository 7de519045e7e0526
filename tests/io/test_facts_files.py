"""The facts folder read by ``charte settle``: contract-quality errors, no guessed zone, nothing read as 0.

Each problem names the file, the line, the column, what was expected and what was found; every
problem of every file is reported at once; no traceback (a :class:`SettlementError`, which the
CLI prints line by line).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.io.settlement_files import load_facts
from charte.settle import SettlementError

HEADER = "activity,interval_start,interval_minutes,offered,handled,abandoned,handle_seconds,productive_seconds"
GOOD = "svc,2026-10-05T09:00:00+02:00,30,10,9,1,2700,1800"


def folder(tmp_path: Path, interval_lines: list[str], **files: str) -> Path:
    root = tmp_path / "facts"
    root.mkdir(exist_ok=True)
    (root / "interval_report.csv").write_text("\n".join(interval_lines) + "\n", encoding="utf-8")
    for stem, text in files.items():
        (root / f"{stem}.csv").write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(SettlementError) as error:
        load_facts(root)
    return [(p.code, p.where, p.message) for p in error.value.problems]


def test_a_clean_folder_reads(tmp_path: Path) -> None:
    facts = load_facts(folder(tmp_path, [HEADER, GOOD]))
    (block,) = facts.intervals
    assert block.counts["offered"].tolist() == [10] and block.start.tolist() == [
        int(datetime(2026, 10, 5, 7, tzinfo=UTC).timestamp())]


def test_every_bad_cell_is_named_with_file_line_column_expected_and_found(tmp_path: Path) -> None:
    root = folder(tmp_path, [
        HEADER,
        GOOD,
        "svc,2026-10-05T09:30:00+02:00,30,ten,9,1,2700,1800",        # line 3: non-numeric count
        "svc,2026-10-05T10:00:00+02:00,30,8500.7,9,1,2700,1800",     # line 4: fractional count, never truncated
        "svc,2026-10-05T10:30:00+02:00,30,10,9,1,NaN,1800",          # line 5: NaN seconds, never 0
        "svc,2026-10-05T11:00:00+02:00,30,10,9,1,,1800",             # line 6: empty seconds
    ])
    found = problems(root)
    path = root / "interval_report.csv"
    assert sorted(where for _, where, _ in found) == [f"{path}:{n}" for n in (3, 4, 5, 6)]
    by_line = {where.rsplit(":", 1)[1]: (code, message) for code, where, message in found}
    assert by_line["3"][0] == "not_a_whole_number" and "`offered` is 'ten'" in by_line["3"][1]
    assert by_line["4"][0] == "not_a_whole_number" and "'8500.7'" in by_line["4"][1]
    assert "whole number" in by_line["4"][1]
    assert by_line["5"][0] == "not_a_number" and "`handle_seconds` is 'NaN'" in by_line["5"][1]
    assert by_line["6"][0] == "missing_value" and "`handle_seconds` is empty" in by_line["6"][1]
    assert len(found) == 4


def test_a_semicolon_separated_file_is_a_clear_error(tmp_path: Path) -> None:
    root = folder(tmp_path, [HEADER.replace(",", ";"), GOOD.replace(",", ";")])
    ((code, where, message),) = problems(root)
    assert code == "not_comma_separated" and where.endswith("interval_report.csv:1")
    assert "';'" in message and "charte import" in message


def test_a_local_time_without_offset_is_refused_not_read_as_utc(tmp_path: Path) -> None:
    # 31 October 23:30 with no offset: read as UTC it lands on 1 November in Paris (the next month).
    root = folder(tmp_path, [HEADER, "svc,2026-10-31 23:30:00,30,10,9,1,2700,1800"])
    ((code, where, message),) = problems(root)
    assert code == "naive_instant" and where.endswith("interval_report.csv:2")
    assert "`interval_start`" in message and "no UTC offset" in message


def test_an_offset_paris_did_not_have_is_refused(tmp_path: Path) -> None:
    root = folder(tmp_path, [HEADER, "svc,2026-07-01T09:00:00+01:00,30,10,9,1,2700,1800",
                             "svc,2026-07-01T07:30:00Z,30,10,9,1,2700,1800"])
    ((code, where, message),) = problems(root)
    assert code == "offset_mismatch" and where.endswith(":2") and "+02:00" in message


def test_a_misspelt_column_is_not_read_as_absent(tmp_path: Path) -> None:
    # charte kpi used to write `wait_answered_seconds`; settle read `wait_seconds_answered` as 0
    root = folder(tmp_path, [HEADER + ",wait_answered_seconds", GOOD + ",120"])
    ((code, where, message),) = problems(root)
    assert code == "unknown_column" and where.endswith(":1")
    assert "`wait_answered_seconds`" in message and "did you mean `wait_seconds_answered`" in message


def test_problems_of_every_file_come_together(tmp_path: Path) -> None:
    root = folder(tmp_path, [HEADER, "svc,2026-10-05T09:00:00+02:00,30,x,9,1,2700,1800"],
                  forecasts="activity,horizon,issued_on,granularity,period_start,volume,aht_seconds\n"
                            "svc,M-1,2026-09-31,day,2026-10-05T00:00:00+02:00,100,-5\n",
                  incidents="activity,kind,side,start,end\n"
                            "svc,outage,customer,2026-10-05T10:00:00+02:00,2026-10-05T09:00:00+02:00\n")
    codes = sorted((Path(where.split(":")[0]).name, code) for code, where, _ in problems(root))
    assert codes == [("forecasts.csv", "bad_date"), ("forecasts.csv", "negative_value"),
                     ("incidents.csv", "unknown_choice"), ("interval_report.csv", "not_a_whole_number")]


def test_parquet_facts_with_a_naive_timestamp_or_fractional_count(tmp_path: Path) -> None:
    root = tmp_path / "facts"
    root.mkdir()
    pq.write_table(pa.table({"activity": ["svc", "svc"], "interval_start": [datetime(2026, 10, 5, 9),
                                                                            datetime(2026, 10, 5, 9, 30)],
                             "interval_minutes": [30, 30], "offered": [10.0, 8500.7], "handled": [9, 9],
                             "abandoned": [1, 1]}), root / "interval_report.parquet")
    found = problems(root)
    assert sorted(code for code, _, _ in found) == ["naive_instant", "not_a_whole_number"]
    assert any(where.endswith("row 2") and "8500.7" in message for _, where, message in found)


def test_an_interval_report_per_queue_is_summed_per_activity(tmp_path: Path) -> None:
    root = folder(tmp_path, [HEADER.replace("activity,", "activity,queue,"),
                             GOOD.replace("svc,", "svc,billing,"), GOOD.replace("svc,", "svc,claims,")])
    (block,) = load_facts(root).intervals
    assert block.counts["offered"].tolist() == [20] and block.seconds["handle_seconds"].tolist() == [5400.0]
    dup = folder(tmp_path, [HEADER.replace("activity,", "activity,queue,"),
                            GOOD.replace("svc,", "svc,billing,"), GOOD.replace("svc,", "svc,billing,")])
    ((code, where, _),) = problems(dup)
    assert code == "duplicate_interval" and where.endswith(":3")


def test_charte_settle_prints_the_problems_without_a_traceback(tmp_path: Path) -> None:
    root = folder(tmp_path, [HEADER.replace(",", ";"), GOOD.replace(",", ";")])
    contract = Path(__file__).resolve().parents[2] / "examples" / "service-client-energie.yaml"
    result = CliRunner().invoke(app, ["settle", "--contract", str(contract), "--period", "2026-10",
                                      "--facts", str(root)])
    assert (result.exit_code == 1 and result.exception is None) or isinstance(result.exception, SystemExit)
    assert "not_comma_separated" in result.output and "Traceback" not in result.output
