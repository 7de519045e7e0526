"""Numbers are normalised then hashed, never kept or shown in clear; territories map to zones and holidays."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.telesales.telesales_attempts import Call, table
from typer.testing import CliRunner

from charte.cli import app
from charte.telesales.bloctel import (
    NumberError,
    hash_number,
    list_date_from_name,
    load_bloctel_list,
    normalize_number,
    save_hashed_list,
)
from charte.telesales.consumer_zones import UnknownDepartmentError, consumer_zone

SALT = "s3cret-for-tests"
# Fictitious numbers (ARCEP reserves 01 99 00 xx xx … for fiction; mobiles used here appear in no list)
CLEAR = ["06 12 34 56 78", "0692 11 22 33", "+33 1 99 00 12 34", "07 00 00 00 01"]


@pytest.mark.parametrize(("raw", "e164"), [
    ("06 12 34 56 78", "+33612345678"), ("+33 6 12 34 56 78", "+33612345678"), ("0033612345678", "+33612345678"),
    ("612345678", "+33612345678"), ("06.12.34.56.78", "+33612345678"),
    ("0692 11 22 33", "+262692112233"), ("+262 692 11 22 33", "+262692112233"), ("+33692112233", "+262692112233"),
    ("0590 12 34 56", "+590590123456"), ("0639 01 02 03", "+262639010203"), ("+44 20 7946 0958", "+442079460958"),
])
def test_every_writing_of_a_number_normalises_the_same(raw: str, e164: str) -> None:
    assert normalize_number(raw) == e164


def test_hash_is_keyed_by_the_salt_and_errors_never_echo_the_number() -> None:
    assert hash_number("06 12 34 56 78", SALT) == hash_number("+33612345678", SALT)
    assert hash_number("06 12 34 56 78", SALT) != hash_number("06 12 34 56 78", "other")
    assert len(hash_number("0612345678", SALT)) == 32
    with pytest.raises(NumberError) as err:
        normalize_number("06 12 34 56")
    assert "12 34" not in str(err.value) and "061234" not in str(err.value)
    with pytest.raises(ValueError, match="missing_salt"):
        hash_number("0612345678", "")


def test_territories() -> None:
    assert consumer_zone("974").zone == "Indian/Reunion"
    assert consumer_zone("RE").holidays_subdivision == "974"
    assert consumer_zone("976").zone == "Indian/Mayotte"
    assert consumer_zone("973").zone == "America/Cayenne"
    assert consumer_zone("2A").zone == "Europe/Paris"
    assert consumer_zone("67").holidays_subdivision == "6AE"
    assert consumer_zone("1").zone == "Europe/Paris"
    assert consumer_zone("").holidays_subdivision is None
    assert consumer_zone("Indian/Reunion").code == "974"
    for bad in ("20", "999", "Europe/London"):
        with pytest.raises(UnknownDepartmentError):
            consumer_zone(bad)


def test_list_date_from_file_name() -> None:
    assert list_date_from_name(Path("bloctel-2026-10-01.csv")) == date(2026, 10, 1)
    assert list_date_from_name(Path("export_20261001.txt")) == date(2026, 10, 1)
    assert list_date_from_name(Path("bloctel.csv")) is None


def _clear_forms(raw: str) -> set[str]:
    e164 = normalize_number(raw)
    national = "0" + e164[-9:]
    return {raw, raw.replace(" ", ""), e164, e164[1:], national, e164[-9:]}


def _leaks(text: str) -> set[str]:
    return {form for raw in CLEAR for form in _clear_forms(raw) if form in text}


def test_report_and_stored_data_never_hold_a_number_in_clear(tmp_path: Path) -> None:
    hashes = [hash_number(n, SALT) for n in CLEAR]
    calls = [Call(f"a{i}", "2026-09-07 21:00:00", consumer=f"c{i}", number_hash=h, consent=None)
             for i, h in enumerate(hashes)]
    attempts = tmp_path / "attempts.parquet"
    pq.write_table(table(calls), attempts)
    clear_list = tmp_path / "bloctel-2026-09-01.csv"
    clear_list.write_text("numero\n" + "\n".join(CLEAR[:2]) + "\nnot a number\n", encoding="utf-8")
    hashed_list = tmp_path / "stored" / "bloctel-2026-09-01.parquet"
    runner = CliRunner()
    hashed = runner.invoke(app, ["telesales", "hash-list", str(clear_list), "-o", str(hashed_list), "--salt", SALT])
    assert hashed.exit_code == 0, hashed.output
    out = tmp_path / "report"
    result = runner.invoke(app, ["telesales", "audit", str(attempts), "--bloctel", str(hashed_list),
                                 "--salt", SALT, "-o", str(out), "--csv"])
    assert result.exit_code == 1, result.output  # violations found
    as_json = runner.invoke(app, ["telesales", "audit", str(attempts), "--bloctel", str(clear_list),
                                  "--salt", SALT, "--json"])
    payload = json.loads(as_json.stdout)
    by_rule = {f["rule"]: f for f in payload["findings"]}
    assert by_rule["bloctel_opposition"]["violations"] == 2  # the two listed numbers, matched by hash
    assert by_rule["calling_hours"]["violations"] == 4
    # everything a person or a disk sees, decoded
    seen = [hashed.output, result.output, as_json.output]
    for path in [*out.iterdir(), hashed_list]:
        seen.append(str(pq.read_table(path).to_pylist()) if path.suffix == ".parquet" else path.read_text())
        seen.append(str(pq.read_metadata(path).metadata) if path.suffix == ".parquet" else "")
    assert {p.name for p in out.iterdir()} == {"findings.json", "violations.csv", "totals.csv"}
    violations = (out / "violations.csv").read_text(encoding="utf-8")
    assert all(h in violations for h in hashes)  # the report names the attempts by their hashes
    assert _leaks("call to 0612345678, +262692112233") != set()  # the detector itself finds clear numbers
    assert _leaks("\n".join(seen)) == set()
    assert SALT not in "\n".join(seen)


def test_a_hashed_list_refuses_another_salt(tmp_path: Path) -> None:
    clear_list = tmp_path / "bloctel-2026-09-01.txt"
    clear_list.write_text("0612345678\n", encoding="utf-8")
    stored = save_hashed_list(load_bloctel_list(clear_list, SALT), tmp_path / "list.parquet")
    assert load_bloctel_list(stored, SALT).list_date == date(2026, 9, 1)
    with pytest.raises(ValueError, match="salt_mismatch"):
        load_bloctel_list(stored, "another salt")


def test_hash_numbers_in_a_dialer_export(tmp_path: Path) -> None:
    from charte.telesales.bloctel import department_of_number

    assert department_of_number("+262692112233") == "974"
    assert department_of_number("+262639010203") == "976"
    assert department_of_number("+33612345678") == ""
    assert department_of_number("+442079460958") is None
    export = tmp_path / "appels.csv"
    export.write_text("Appel;Numero;Statut\nA1;06 12 34 56 78;OK\nA2;0692 11 22 33;OK\nA3;12;OK\n", encoding="utf-8")
    hashed = tmp_path / "appels-hashed.csv"
    result = CliRunner().invoke(app, ["telesales", "hash-numbers", str(export), "-o", str(hashed),
                                      "--column", "Numero", "--salt", SALT])
    assert result.exit_code == 0, result.output
    assert "1 line(s) without a readable number (no hash, no department): 4" in result.output
    lines = hashed.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Appel;number_hash;Statut;consumer_department"
    assert lines[1] == f"A1;{hash_number('+33612345678', SALT)};OK;"
    assert lines[2] == f"A2;{hash_number('+262692112233', SALT)};OK;974"
    assert lines[3] == "A3;;OK;"
    assert _leaks(hashed.read_text(encoding="utf-8") + result.output) == set()


def test_hash_numbers_fills_blank_departments_and_flags_what_it_cannot_place(tmp_path: Path) -> None:
    # issue 19: the export has a department column, blank for some rows. A Réunion mobile (0692…) left
    # blank would be audited on Paris time: it is filled with 974 from the number; a London number
    # cannot be placed and is reported; a department given by the export is kept as it is.
    export = tmp_path / "calls.txt"
    export.write_text("id\tphone\tphone_number\tconsumer_department\n"
                      "1\t0692 11 22 33\t0692 11 22 33\t\n"
                      "2\t+44 20 7946 0958\t+44 20 7946 0958\t\n"
                      "3\t06 12 34 56 78\t06 12 34 56 78\t67\n", encoding="utf-8")
    hashed = tmp_path / "hashed.txt"
    result = CliRunner().invoke(app, ["telesales", "hash-numbers", str(export), "-o", str(hashed), "--column", "phone",
                                      "--column", "phone_number", "--salt", SALT])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in hashed.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["id", "number_hash", "phone_number_hash", "consumer_department"]
    assert rows[1] == ["1", hash_number("+262692112233", SALT), hash_number("+262692112233", SALT), "974"]
    assert rows[2][3] == "" and rows[3][3] == "67"
    assert "1 blank department(s) filled" in result.output
    assert "1 line(s) with a blank department that the number cannot tell (a number abroad): 3" in result.output
    assert _leaks(hashed.read_text(encoding="utf-8") + result.output) == set()


def test_bloctel_lines_that_are_not_numbers_are_counted_and_reported(tmp_path: Path) -> None:
    from tests.telesales.telesales_attempts import Call, table

    from charte.io.canonical import write_parquet

    attempts = tmp_path / "attempts.parquet"
    write_parquet(table([Call("a1", "2026-03-10 11:00:00")]), attempts)
    bloctel = tmp_path / "bloctel-2026-03-01.csv"
    bloctel.write_text("numero\n0612345678\nnot a number\n06 98 76 54 32\n12\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(attempts), "--bloctel", str(bloctel), "--salt", SALT])
    assert result.exit_code == 0, result.output
    assert "2 line(s) are not phone numbers and were not screened against: lines 3, 5" in result.output
