"""``charte telesales audit`` through the importers' mapping, and the audit checked against brute force."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.telesales.telesales_attempts import Call, table
from typer.testing import CliRunner

from charte.cli import app
from charte.telesales.audit import audit_table
from charte.telesales.rules import Rule

MAPPING = """
mapping: dialer-export
kind: contact_record
source: {format: csv, delimiter: ";", encoding: utf-8}
timezone: Europe/Paris
constants: {channel: voice_outbound, activity: vente-assurance, professional: assureur-x}
fields:
  contact_id: Appel
  arrived_at: {column: Date appel, format: "%d/%m/%Y %H:%M:%S"}
  outcome: {column: Statut, codes: {DECROCHE: connected, NRP: no_answer}}
  dial_mode: {column: Mode, codes: {MANUEL: manual, PREDICTIF: predictive}}
  consumer_hash: Client
  refused: Refus
  consent_ref: Consentement
  consumer_department: Dept
  campaign: Campagne
  team: Equipe
"""

ROWS = """Appel;Date appel;Statut;Mode;Client;Refus;Consentement;Dept;Campagne;Equipe
A1;10/08/2026 11:00:00;DECROCHE;MANUEL;h-01;non;;75;ete;E1
A2;11/08/2026 11:00:00;NRP;PREDICTIF;h-02;non;;75;ete;E2
A3;11/08/2026 11:00:00;DECROCHE;MANUEL;h-03;non;C-3;974;ete;E1
A4;12/08/2026 13:00:00;DECROCHE;MANUEL;h-04;non;C-4;75;ete;E2
"""


def test_audit_through_a_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "dialer.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = tmp_path / "appels.csv"
    export.write_text(ROWS, encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(export), "--mapping", str(mapping), "--json"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    by_rule = {f["rule"]: f for f in payload["findings"]}
    assert payload["attempts"] == 4
    assert by_rule["prior_consent"]["violations"] == 1  # A2: 11 August, no consent; A1 the day before
    # A3 is 11:00 in Réunion (09:00 in Paris): dialed at 11:00 Paris it is 13:00 there
    assert by_rule["calling_hours"]["violations"] == 2  # A3 (13:00 in Réunion) and A4 (13:00 in Paris)
    assert payload["automated_share"] == 0.25
    assert by_rule["bloctel_opposition"]["verdict"] == "not_checked"


def test_a_clean_campaign_exits_zero(tmp_path: Path) -> None:
    mapping = tmp_path / "dialer.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = tmp_path / "appels.csv"
    export.write_text(ROWS.splitlines()[0] + "\nA1;10/08/2026 11:00:00;DECROCHE;MANUEL;h-01;non;C-1;75;ete;E1\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(export), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "calling_hours" in result.stdout and "conform" in result.stdout


def test_bad_input_is_reported_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["telesales", "audit", str(tmp_path / "missing.parquet")])
    assert result.exit_code == 2
    assert "file_not_found" in result.output


# -- the 30-day and refusal rules against a direct computation over every pair of calls -----------------

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def _brute_force(days: list[int], refusals: list[bool]) -> tuple[set[int], set[int]]:
    order = sorted(range(len(days)), key=lambda i: (days[i], i))
    frequency, silence = set(), set()
    for pos, i in enumerate(order):
        window = [j for j in order[: pos + 1] if days[i] - days[j] <= 29]
        if len(window) > 4:
            frequency.add(i)
        earlier = [days[j] for j in order[:pos] if refusals[j]]
        if earlier and days[i] - max(earlier) <= 60:
            silence.add(i)
    return frequency, silence


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.booleans()), min_size=1, max_size=14))
def test_window_rules_match_a_direct_count(calls: list[tuple[int, bool]]) -> None:
    days = [d for d, _ in calls]
    refusals = [r and i % 3 == 0 for i, (_, r) in enumerate(calls)]
    # one call per (day, position): the minutes keep the order of calls on the same day
    rows = [Call(f"{i:03d}", (START + timedelta(days=d, minutes=i)).strftime("%Y-%m-%d %H:%M:%S"),
                 department="971", consumer="same", refused=refusals[i]) for i, d in enumerate(days)]
    for row in rows:  # written as UTC wall time: Guadeloupe has no DST, so local = UTC - 4 h, same day at 10:xx
        row.local = (datetime.fromisoformat(row.local) - timedelta(hours=4)).strftime("%Y-%m-%d %H:%M:%S")
    result = audit_table(table(rows))
    frequency, silence = _brute_force(days, refusals)
    ids = {rule: set(result.violations(rule).column("contact_id").to_pylist())
           for rule in (Rule.CALL_FREQUENCY, Rule.REFUSAL_SILENCE)}
    assert ids[Rule.CALL_FREQUENCY] == {f"{i:03d}" for i in frequency}
    assert ids[Rule.REFUSAL_SILENCE] == {f"{i:03d}" for i in silence}


def test_canonical_csv_keeps_department_codes_and_offsets(tmp_path: Path) -> None:
    from charte.io.canonical import write_csv

    path = tmp_path / "attempts.csv"
    write_csv(table([Call("early-gp", "2026-03-10 09:30:00", department="971"),
                     Call("ain", "2026-03-10 09:30:00", department="01", consumer="b")]), path)
    result = CliRunner().invoke(app, ["telesales", "audit", str(path), "--json"])
    payload = json.loads(result.stdout)
    hours = next(f for f in payload["findings"] if f["rule"] == "calling_hours")
    assert hours["violations"] == 2  # 09:30 in Guadeloupe and in the Ain, read from UTC instants in the CSV


def test_contract_policy_tightens_the_attempt_limit(tmp_path: Path) -> None:
    from charte.io.canonical import write_parquet

    contract = Path(__file__).parents[2] / "src" / "charte" / "examples" / "vente-sortante-assurance.yaml"
    path = tmp_path / "attempts.parquet"  # four calls in four days: legal (4), not under this contract (3)
    write_parquet(table([Call(f"d{d}", f"2026-03-0{d + 1} 11:00:00") for d in range(1, 5)]), path)
    plain = json.loads(CliRunner().invoke(app, ["telesales", "audit", str(path), "--json"]).stdout)
    tight = json.loads(CliRunner().invoke(app, ["telesales", "audit", str(path), "--json", "--contract",
                                                str(contract)]).stdout)
    count = {name: next(f["violations"] for f in p["findings"] if f["rule"] == "call_frequency")
             for name, p in (("plain", plain), ("tight", tight))}
    assert count == {"plain": 0, "tight": 1}
