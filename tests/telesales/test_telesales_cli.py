"""``charte telesales audit`` through the importers' mapping, and the audit checked against brute force."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
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
    result = CliRunner().invoke(app, ["telesales", "audit", str(export), "--mapping", str(mapping), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "calling hours" in result.stdout and "conform" in result.stdout


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_audit_speaks_one_language(tmp_path: Path, lang: str) -> None:
    """Issue 21: the text report in French holds no English word, in English no French word (the rules' legal
    references, in brackets, are citations; ids, hashes and the export's own codes are left out)."""
    import re

    from tests.language_words import ENGLISH, FRENCH, foreign_words

    mapping = tmp_path / "dialer.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = tmp_path / "appels.csv"
    export.write_text(ROWS, encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(export), "--mapping", str(mapping), "--lang", lang])
    assert result.exit_code == 1, result.output
    text = re.sub(r"\[[^\]]*\]|\S*[/_]\S*|\b[0-9a-f]{12}\b", " ", result.stdout)
    assert foreign_words(text, ENGLISH if lang == "fr" else FRENCH) == [], result.stdout
    # A3 and A4 called outside the calling hours (module's ROWS): 2 of the 4 attempts
    assert ("2 sur 4 tentatives" in result.stdout) if lang == "fr" else ("2 of 4 attempts" in result.stdout)


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


# -- issue 19: naive times, bad cells, exit codes --------------------------------------------------------

CANONICAL_HEADER = "contact_id,arrived_at,channel,consumer_hash,refused,consent_ref,dial_mode\n"


def test_naive_times_are_refused_unless_the_zone_is_stated(tmp_path: Path) -> None:
    # 09:30 in Paris is outside the hours; read as UTC it would have been 10:30 in Paris, and passed.
    path = tmp_path / "attempts.csv"
    path.write_text(CANONICAL_HEADER + "a1,2026-03-10 09:30:00,voice_outbound,c1,false,C1,manual\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["telesales", "audit", str(path)])
    assert refused.exit_code == 2, refused.output
    assert f"{path}:2: [bad_cell] `arrived_at` has no UTC offset" in refused.output
    stated = CliRunner().invoke(app, ["telesales", "audit", str(path), "--zone", "Europe/Paris", "--json"])
    assert stated.exit_code == 1, stated.output
    hours = next(f for f in json.loads(stated.stdout)["findings"] if f["rule"] == "calling_hours")
    assert hours["violations"] == 1


def test_bad_cells_are_all_named_with_file_row_and_column_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "attempts.csv"
    path.write_text(CANONICAL_HEADER
                    + "a1,2026-03-10T11:00:00+01:00,voice_outbound,c1,oui,C1,manual\n"  # oui is a yes: fine
                    + "a2,2026-03-10T25:00:00+01:00,voice_outbound,c2,false,C2,manual\n"
                    + "a3,2026-03-10T11:00:00+01:00,voice_outbound,c3,peut-être,C3,manual\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:3: [bad_cell] `arrived_at` is not a date and time" in result.output
    assert f"{path}:4: [bad_cell] `refused` is peut-être; expected a yes/no value" in result.output
    assert "Traceback" not in result.output and f"{path}:2:" not in result.output


def test_refused_written_oui_counts_as_a_refusal(tmp_path: Path) -> None:
    path = tmp_path / "attempts.csv"
    path.write_text(CANONICAL_HEADER
                    + "a1,2026-03-10T11:00:00+01:00,voice_outbound,c1,oui,C1,manual\n"
                    + "a2,2026-03-12T11:00:00+01:00,voice_outbound,c1,non,C1,manual\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(path), "--json"])
    assert result.exit_code == 1, result.output
    silence = next(f for f in json.loads(result.stdout)["findings"] if f["rule"] == "refusal_silence")
    assert silence["violations"] == 1


VICIDIAL = ("call_date\tphone_number_dialed\tstatus\tuser\tcampaign_id\tphone_number\tuser_group\tlead_id\n"
            "2026-03-10 09:30:00\t0612345678\tNA\tVDAD\tPROMO\t0612345678\tG1\t7\n"
            "2026-03-10 11:00:00\t0692123456\tNI\tagent1\tPROMO\t0692123456\tG1\t8\n"
            "2026-03-11 11:00:00\t0692123456\tSALE\tagent1\tPROMO\t0692123456\tG1\t8\n")


def test_the_shipped_vicidial_mapping(tmp_path: Path) -> None:
    # 09:30 in Paris: outside the hours; the Réunion consumer (0692…: department 974 from the number)
    # said "not interested" (NI) at 11:00 Réunion time on the 10th and was called again the next day.
    export = tmp_path / "calls.txt"
    export.write_text(VICIDIAL, encoding="utf-8")
    hashed = tmp_path / "hashed.txt"
    done = CliRunner().invoke(app, ["telesales", "hash-numbers", str(export), "-o", str(hashed),
                                    "--column", "phone_number_dialed", "--column", "phone_number", "--salt", "s"])
    assert done.exit_code == 0, done.output
    assert "0612345678" not in hashed.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(hashed), "--mapping", "vicidial-call-export",
                                      "--json"])
    assert result.exit_code == 1, result.output
    by_rule = {f["rule"]: f for f in json.loads(result.stdout)["findings"]}
    assert by_rule["calling_hours"]["violations"] == 1 and by_rule["refusal_silence"]["violations"] == 1
    assert by_rule["automated_dialing"]["verdict"] == "not_checked"  # the export has no dial mode


def test_the_shipped_asterisk_cdr_mapping(tmp_path: Path) -> None:
    export = tmp_path / "cdr.csv"
    export.write_text("calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,"
                      "disposition,amaflags,accountcode,uniqueid,userfield\n"
                      "2026-03-10 20:15:00,x,100,0612345678,out,SIP/1,SIP/t,Dial,,30,20,ANSWERED,3,PROMO,1710.1,\n"
                      "2026-03-10 11:00:00,x,100,0612345679,out,SIP/1,SIP/t,Dial,,30,0,NO ANSWER,3,PROMO,1710.2,\n",
                      encoding="utf-8")
    hashed = tmp_path / "cdr-hashed.csv"
    assert CliRunner().invoke(app, ["telesales", "hash-numbers", str(export), "-o", str(hashed), "--column", "dst",
                                    "--salt", "s"]).exit_code == 0
    result = CliRunner().invoke(app, ["telesales", "audit", str(hashed), "--mapping", "asterisk-cdr", "--activity",
                                      "promo", "--json"])
    assert result.exit_code == 1, result.output
    by_rule = {f["rule"]: f for f in json.loads(result.stdout)["findings"]}
    assert by_rule["calling_hours"]["violations"] == 1  # 20:15 in Paris
    assert by_rule["refusal_silence"]["verdict"] == "not_checked"


def test_a_bare_date_is_not_read_as_a_utc_offset(tmp_path: Path) -> None:
    # "2026-03-10" ends in "-10", which is not an offset: without a time and a zone it is refused
    path = tmp_path / "attempts.csv"
    path.write_text(CANONICAL_HEADER + "a1,2026-03-10,voice_outbound,c1,false,C1,manual\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["telesales", "audit", str(path)])
    assert result.exit_code == 2 and f"{path}:2: [bad_cell] `arrived_at`" in result.output
