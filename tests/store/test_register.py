"""The register of evidence, on SQLite and PostgreSQL: who may submit what, what a file must be, versions kept,
chains checked, and a settlement replayed byte for byte from what the register holds.

Facts are the demo month's files (``charte demo``: October 2026, the sample contract).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from charte.demo.run import DemoResult, default_contract_path, run_demo
from charte.domain.calendar import Month
from charte.io.contract_yaml import load_contract
from charte.io.evidence import EvidenceRejected
from charte.store import make_engine, migrate
from charte.store.register import Register, standings
from charte.store.replay import replay, settle_from_register

OCTOBER = Month(2026, 10)
CONTRACT_TEXT = default_contract_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def register(engine, tmp_path: Path) -> Register:  # type: ignore[no-untyped-def]
    return Register(engine, tmp_path / "register")


def submit(register: Register, data: bytes, name: str, kind: str, party: str, **extra: object):  # type: ignore[no-untyped-def]
    return register.submit(register.objects.stage_chunks([data]), contract=load_contract(default_contract_path()),
                           contract_key="energie", period=OCTOBER, kind=kind, file_name=name, party=party,
                           submitted_by="test", **extra)


def kept_files(register: Register) -> list[Path]:
    root = register.objects.root
    return [p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts] if root.exists() else []


def rows(register: Register) -> int:
    with register.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM evidence_submission")).scalar_one())


def codes(raised: pytest.ExceptionInfo[EvidenceRejected]) -> list[str]:
    return [p.code for p in raised.value.problems]


def test_a_party_cannot_submit_the_other_partys_facts(register: Register, demo: DemoResult) -> None:
    report = (demo.out_dir / "interval_report.parquet").read_bytes()
    forecasts = (demo.out_dir / "forecasts.parquet").read_bytes()
    with pytest.raises(EvidenceRejected) as client:
        submit(register, report, "interval_report.parquet", "interval_report", "client")
    assert codes(client) == ["not_your_fact"]
    assert "provider's to submit; the client cannot" in str(client.value)
    with pytest.raises(EvidenceRejected) as provider:
        submit(register, forecasts, "forecasts.parquet", "forecasts", "provider")
    assert codes(provider) == ["not_your_fact"]
    with pytest.raises(EvidenceRejected) as stranger:
        submit(register, forecasts, "forecasts.parquet", "forecasts", "mediator")
    assert codes(stranger) == ["not_a_party"]
    assert rows(register) == 0 and kept_files(register) == []


def test_forged_truncated_and_mistyped_files_are_refused_saying_what_was_expected(register: Register,
                                                                                 demo: DemoResult) -> None:
    good = (demo.out_dir / "interval_report.parquet").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("interval_report.csv", (demo.out_dir / "interval_report.csv").read_text())
    cases = [
        (archive.getvalue(), "interval_report.parquet", "not_parquet", "ZIP archive"),
        (good[: len(good) // 2], "interval_report.parquet", "truncated_file", "cut short"),
        (b"", "interval_report.parquet", "not_parquet", "empty"),
        (good, "interval_report.xlsx", "unexpected_file_type", "submitted as .parquet or .csv; found .xlsx"),
        (b"activity,offered\x00\n", "interval_report.csv", "not_csv", "NUL byte"),
        (b"activity,interval_start\nservice-inbound,2026-10-01T08:00:00+02:00\n", "interval_report.csv",
         "missing_column", "column `offered`"),
    ]
    for data, name, code, words in cases:
        with pytest.raises(EvidenceRejected) as raised:
            submit(register, data, name, "interval_report", "provider")
        assert codes(raised)[0] == code, (name, raised.value)
        assert words in str(raised.value), (name, str(raised.value))
    assert "expected a Parquet file (starts and ends with the bytes PAR1)" in _message(
        register, archive.getvalue(), "interval_report.parquet")
    assert rows(register) == 0 and kept_files(register) == []


def _message(register: Register, data: bytes, name: str) -> str:
    with pytest.raises(EvidenceRejected) as raised:
        submit(register, data, name, "interval_report", "provider")
    return str(raised.value)


def test_facts_of_another_month_or_activity_are_refused(register: Register, demo: DemoResult) -> None:
    table = pq.read_table(demo.out_dir / "interval_report.parquet")
    renamed = table.set_column(table.schema.get_field_index("activity"), "activity",
                               pa.array(["ventes"] * table.num_rows))
    buffer = io.BytesIO()
    pq.write_table(renamed, buffer)
    with pytest.raises(EvidenceRejected) as raised:
        submit(register, buffer.getvalue(), "interval_report.parquet", "interval_report", "provider")
    assert codes(raised) == ["unknown_activity"] and "ventes" in str(raised.value)
    with pytest.raises(EvidenceRejected) as september:
        register.submit(register.objects.stage_file(demo.out_dir / "interval_report.parquet"),
                        contract=load_contract(default_contract_path()), contract_key="energie",
                        period=Month(2026, 9), kind="interval_report", file_name="interval_report.parquet",
                        party="provider", submitted_by="test")
    assert codes(september) == ["nothing_in_month"] and "no row of 2026-09" in str(september.value)


def test_every_version_is_kept_never_overwritten_and_the_latest_is_in_play(register: Register,
                                                                           demo: DemoResult) -> None:
    csv_version = (demo.out_dir / "interval_report.csv").read_bytes()
    parquet_version = (demo.out_dir / "interval_report.parquet").read_bytes()
    first, added = submit(register, csv_version, "interval_report.csv", "interval_report", "provider")
    again, added_again = submit(register, csv_version, "interval_report.csv", "interval_report", "provider")
    assert (first.version, added, again.version, added_again) == (1, True, 1, False)
    second, _ = submit(register, parquet_version, "interval_report.parquet", "interval_report", "provider")
    assert second.version == 2 and second.sha256 != first.sha256
    assert [s.version for s in register.in_play("energie", "2026-10")] == [2]
    assert [(v.submission.version, v.standing) for v in standings(None, register.versions("energie"))] == [
        (2, "in_play"), (1, "superseded")]
    for submission in (first, second):  # both kept, read-only, under their hash
        path = register.objects.path(submission.sha256)
        assert path.read_bytes() == (csv_version if submission is first else parquet_version)
        assert not os.access(path, os.W_OK) or os.geteuid() == 0
        assert oct(path.stat().st_mode & 0o777) == "0o444"
    assert datetime.now(UTC) >= second.instant >= first.instant and first.time_source == "clock"
    assert register.verify("energie") == []


def test_a_forecast_counts_from_when_the_register_received_it(register: Register, demo: DemoResult) -> None:
    """The file says its M-1 was issued on 31 August; the register received it on 15 October: late (the
    deadline for 1 October is 1 September), and the settlement reads it as issued on 15 October."""
    from charte.io.evidence import facts_from_files
    table = pq.read_table(demo.out_dir / "forecasts.parquet")
    m1 = table.filter(pa.compute.equal(table.column("horizon"), "M-1"))
    assert set(m1.column("issued_on").to_pylist()) == {date(2026, 8, 31)}
    buffer = io.BytesIO()
    pq.write_table(m1, buffer)
    late, _ = submit(register, buffer.getvalue(), "forecasts-M-1.parquet", "forecasts", "client",
                     declared_at=datetime(2026, 10, 15, 9, tzinfo=UTC))
    [standing] = standings(load_contract(default_contract_path()), register.versions("energie"), register)
    # M-1 is issued for the month (issue_period: month), 1 month ahead: due by 1 September, until 24:00
    assert standing.standing == "late" and standing.deadline == "M-1 2026-09-01", standing
    assert [standing.standing for standing in standings(None, register.versions("energie"))] == ["listed"]
    facts = facts_from_files(register.kept([late]))
    assert {s.issued_on for s in facts.forecasts} == {date(2026, 10, 15)}
    assert {s.issued_at for s in facts.forecasts} == {datetime(2026, 10, 15, 9, tzinfo=UTC)}
    assert {s.source for s in facts.forecasts} == {f"register {late.sha256[:12]}"}


def test_a_declared_time_in_the_future_or_without_zone_is_refused(register: Register, demo: DemoResult) -> None:
    data = (demo.out_dir / "incidents.csv").read_bytes()
    with pytest.raises(EvidenceRejected) as future:
        submit(register, data, "incidents.csv", "incidents", "client", declared_at=datetime(2099, 1, 1, tzinfo=UTC))
    assert codes(future) == ["declared_in_future"]
    with pytest.raises(EvidenceRejected) as naive:
        submit(register, data, "incidents.csv", "incidents", "client", declared_at=datetime(2026, 10, 21, 17))
    assert codes(naive) == ["naive_instant"]


def test_an_edited_submission_time_or_a_replaced_file_is_detected(register: Register, demo: DemoResult) -> None:
    submission, _ = submit(register, (demo.out_dir / "incidents.csv").read_bytes(), "incidents.csv", "incidents",
                           "client")
    with pytest.raises(Exception, match="append-only"), register.engine.begin() as connection:
        connection.execute(text("UPDATE evidence_submission SET submitted_at = '2026-09-01T00:00:00.000000Z'"))
    with register.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER evidence_submission_append_only ON evidence_submission"))
        else:
            connection.execute(text("DROP TRIGGER evidence_submission_no_update"))
        connection.execute(text("UPDATE evidence_submission SET submitted_at = '2026-09-01T00:00:00.000000Z'"))
    assert [b.code for b in register.verify("energie")] == ["columns_edited"]
    path = register.objects.path(submission.sha256)
    path.chmod(0o644)
    path.write_bytes(b"activity,kind\n")
    assert "file_missing_or_altered" in [b.code for b in register.verify("energie")]


def test_the_demo_settlement_replays_byte_for_byte_from_the_register(demo: DemoResult) -> None:
    assert demo.verified is True and demo.submissions == 10
    register = Register(make_engine(f"sqlite:///{demo.out_dir / 'charte.db'}"), demo.out_dir / "charte-files" /
                        "register")
    given = (demo.out_dir / "settlement.json").read_text(encoding="utf-8")
    assert replay(register, given).identical
    document = json.loads(given)
    assert document["evidence"]["register"] == "energie-service-client-2026"
    assert {i["kind"] for i in document["evidence"]["inputs"]} == {"forecasts", "incidents", "interval_report",
                                                                   "staffing"}
    assert set(document["evidence"]["software"]) >= {"charte", "numpy", "scipy", "holidays", "python"}
    forged = given.replace(document["totals"]["excluding_vat"], "1.00", 1)
    outcome = replay(register, forged)
    assert not outcome.identical and any(line.startswith("-") and '"1.00"' in line for line in outcome.differences)
    other_software = given.replace(f'"numpy": "{document["evidence"]["software"]["numpy"]}"', '"numpy": "0.0.1"')
    changed = [" ".join(line.split()) for line in replay(register, other_software).differences
               if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    assert changed == ['- "numpy": "0.0.1",', f'+ "numpy": "{document["evidence"]["software"]["numpy"]}",']
    no_block = json.dumps({k: v for k, v in document.items() if k != "evidence"})
    assert [p.code for p in replay(register, no_block).problems] == ["no_evidence"]


def test_a_settlement_naming_a_version_the_register_does_not_confirm_is_not_replayed(demo: DemoResult) -> None:
    register = Register(make_engine(f"sqlite:///{demo.out_dir / 'charte.db'}"), demo.out_dir / "charte-files" /
                        "register")
    given = (demo.out_dir / "settlement.json").read_text(encoding="utf-8")
    document = json.loads(given)
    m1 = next(i for i in document["evidence"]["inputs"] if i["file_name"].startswith("forecasts-M-1"))
    claimed = given.replace(m1["submitted_at"], "2026-08-01T07:00:00.000000Z")
    assert [p.code for p in replay(register, claimed).problems] == ["evidence_differs"]


def test_settling_from_an_empty_register_says_what_is_missing(register: Register) -> None:
    from charte.settle import SettlementError
    with pytest.raises(SettlementError) as raised:
        settle_from_register(register, CONTRACT_TEXT, "energie", OCTOBER)
    assert raised.value.codes == ("no_evidence",)


def test_the_register_and_its_files_survive_reopening(database_url: str, tmp_path: Path, demo: DemoResult) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    submit(Register(engine, tmp_path), (demo.out_dir / "staffing.parquet").read_bytes(), "staffing.parquet",
           "staffing", "provider")
    engine.dispose()
    again = make_engine(database_url)
    reopened = Register(again, tmp_path)
    assert [s.kind for s in reopened.versions("energie")] == ["staffing"] and reopened.verify("energie") == []
    again.dispose()


def test_a_backup_restores_the_register_and_the_ledger_which_still_vouch_for_themselves(demo: DemoResult,
                                                                                       tmp_path: Path) -> None:
    # `charte admin backup` copies every table and the storage folder (issue 17); the register's submissions, the
    # ledger's entries, their chain heads and the files they name must come back so that the restored copy
    # verifies (chains intact, witnesses agreeing) and replays the demo's settlement byte for byte
    from charte.store.backup import backup, restore
    from charte.store.books import open_books

    source = open_books(demo.out_dir / "charte.db")
    issued = [d.number for d in source.ledger(load_contract(default_contract_path()).provider.siren).documents()]
    assert issued[0] == "F000001"  # the month's invoice (then the demo dispute's credit note, issue 16)
    summary = backup(source.engine, source.files, tmp_path / "backup.tar.gz", "test")
    source.close()
    assert summary.rows["evidence_submission"] == demo.submissions
    assert summary.rows["ledger_entry"] >= 1 and summary.rows["chain_head"] >= 2
    restored_db, restored_files = tmp_path / "restored.db", tmp_path / "restored-files"
    restore(make_engine(f"sqlite:///{restored_db}"), restored_files, tmp_path / "backup.tar.gz")
    books = open_books(restored_db, restored_files)
    try:
        register = books.register()
        assert register.verify(load_contract(default_contract_path()).id) == []
        ledger = books.ledger(load_contract(default_contract_path()).provider.siren)
        assert ledger.verify() == [] and [d.number for d in ledger.documents()] == issued
        replayed = replay(register, (demo.out_dir / "settlement.json").read_text(encoding="utf-8"))
        assert replayed.identical, replayed.problems or replayed.differences[:20]
    finally:
        books.close()
