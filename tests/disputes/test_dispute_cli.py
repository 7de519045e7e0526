"""``charte dispute whatif`` and ``charte dispute evidence`` on local files (the same engine as the web app).

The month is the one of ``test_whatif``, written as files: 30.00 € per productive hour, 20 h; service level
90% with the 09:30 client outage set aside → bonus 0.5% × 5 points = 15.00; total 615.00.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app

CONTRACT = """\
contract: test-settle
client: {name: Client SA, siren: "123456782", siret: "12345678200010",
         address: {street: "12 rue de la Lumière", postcode: "75011", city: Paris},
         electronic_address: {scheme: "0225", id: "123456782"}}
provider:
  name: Provider SAS
  legal_form: SAS
  share_capital: "250000"
  rcs_city: Amiens
  siren: "987654324"
  siret: "98765432400019"
  address: {street: "3 boulevard de Beauvillé", postcode: "80000", city: Amiens}
  electronic_address: {scheme: "0225", id: "987654324"}
  sites: [{name: Amiens, country: FR, staff: 100}]
term: {start: 2026-01-01, end: 2028-12-31}
payment_terms: {days: 45}
activities:
  - id: inbound
    function: service
    channel: voice_inbound
    opening_hours: "Mo-Sa 08:00-20:00"
    pricing: {per: productive_hour, price: "30.00"}
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%, horizon: W-1, checked_per: interval}
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%,
     exclusions: [client_incidents], evaluation: raw}
bonus_malus:
  grids:
    sl: {malus: {per_point: 1%}, bonus: {per_point: 0.5%, above: 85%}, cap_malus: 5%, cap_bonus: 3%}
  overall_cap: {malus: 8%, bonus: 4%}
"""
INTERVALS = """\
activity,interval_start,interval_minutes,offered,handled,abandoned,short_abandoned,answered_within_20s,handle_seconds,productive_seconds
inbound,2026-11-02T09:00:00Z,30,100,100,0,0,90,18000,36000
inbound,2026-11-02T09:30:00Z,30,100,100,0,0,50,18000,36000
"""
FORECASTS = """\
activity,horizon,issued_on,granularity,period_start,volume,aht_seconds
inbound,W-1,2026-10-26,30min,2026-11-02T09:00:00Z,100,180
inbound,W-1,2026-10-26,30min,2026-11-02T09:30:00Z,100,180
"""
INCIDENTS = """\
activity,kind,side,start,end,description
inbound,client_outage,client,2026-11-02T09:30:00Z,2026-11-02T10:00:00Z,CRM down
"""


def _other_days() -> list[str]:
    """12:00 Paris (11:00 UTC in November) on every opening day (Mo–Sa) of November 2026 but the 2nd: the engine
    refuses a month with data gaps, so each gets a zero interval and a zero forecast."""
    days = [date(2026, 11, d) for d in range(1, 31)]
    return [f"{d.isoformat()}T11:00:00Z" for d in days if d.weekday() < 6 and d.day != 2]


def _completed(text: str, zero: str) -> str:
    return text + "".join(zero.format(start=start) for start in _other_days())


@pytest.fixture
def month(tmp_path: Path) -> Path:
    (tmp_path / "contract.yaml").write_text(CONTRACT)
    facts = tmp_path / "facts"
    facts.mkdir()
    for name, text in (("interval_report.csv", _completed(INTERVALS, "inbound,{start},30,0,0,0,0,0,0,0\n")),
                       ("forecasts.csv", _completed(FORECASTS, "inbound,W-1,2026-10-26,30min,{start},0,180\n")),
                       ("incidents.csv", INCIDENTS)):
        (facts / name).write_text(text)
    settled = CliRunner().invoke(app, ["settle", "--contract", str(tmp_path / "contract.yaml"), "--period", "2026-11",
                                       "--facts", str(facts), "--json", str(tmp_path / "settlement.json")])
    assert settled.exit_code == 0, settled.output
    return tmp_path


def _whatif(month: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["dispute", "whatif", "--settlement", str(month / "settlement.json"),
                                      "--contract", str(month / "contract.yaml"), "--facts", str(month / "facts"),
                                      "--lang", "en", *options], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_excluding_the_incident_prints_the_line_differences(month: Path) -> None:
    # SL without the outage: (90 + 50)/200 = 70%: malus 10% capped at 5% of 600.00 = 30.00; bonus 15.00 gone.
    # Difference −45.00 excluding VAT; the credit note bears VAT 9.00: −54.00.
    code, out = _whatif(month, "--exclude-incident", "inbound/client_outage/2026-11-02T09:30Z")
    assert code == 0, out
    assert "Malus — sl (added)" in out and "Bonus — sl (removed)" in out
    assert "-30.00" in out and "-15.00" in out and "-45.00" in out and "-9.00" in out and "-54.00" in out
    assert "sl: 90.00% (met) → 70.00% (missed)" in out


def test_the_json_output_is_the_what_if(month: Path) -> None:
    # Judged band-neutralised nothing changes here (both half-hours in the band): the replay equals the invoice.
    code, out = _whatif(month, "--evaluation", "sl=band_neutralised", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["settled"] and data["totals"]["difference_excluding_vat"] == "0.00"
    assert data["changes"] == [{"change": "evaluation", "commitment": "sl", "evaluation": "band_neutralised"}]


def test_bad_changes_are_reported_at_their_place_with_exit_1(month: Path) -> None:
    code, out = _whatif(month, "--exclude-incident", "inbound/none/2026-11-02T09:00Z", "--band", "10%,x",
                        "--forecast-version", "inbound:W-1:2026-10-01")
    assert code == 1
    assert "changes[2] (band): [invalid_change]" in out  # options in order: incidents, forecasts, modes, band…
    code, out = _whatif(month, "--exclude-incident", "inbound/none/2026-11-02T09:00Z",
                        "--forecast-version", "inbound:W-1:2026-10-01")
    assert code == 1
    assert "changes[0] (exclude_incident): [unknown_incident]" in out
    assert "changes[1] (forecast_version): [forecast_version_missing]" in out and "inbound:W-1:2026-10-26" in out
    code, out = _whatif(month, "--forecast-version", "inbound-W-1")
    assert code == 2 and "activity:horizon:YYYY-MM-DD" in out


def test_other_facts_than_the_invoice_s_are_refused(month: Path) -> None:
    report = month / "facts" / "interval_report.csv"
    report.write_text(report.read_text().replace(",90,", ",91,"))
    code, out = _whatif(month, "--exclude-incident", "inbound/client_outage/2026-11-02T09:30Z")
    assert code == 1 and "[evidence_does_not_match]" in out


def test_evidence_lists_incidents_and_forecast_versions(month: Path, tmp_path: Path) -> None:
    late = tmp_path / "late.csv"
    late.write_text(FORECASTS.replace("2026-10-26", "2026-10-30"))
    (month / "facts" / "forecasts.csv").write_text((month / "facts" / "forecasts.csv").read_text()
                                                   + FORECASTS.replace("2026-10-26", "2026-10-28").split("\n", 1)[1])
    result = CliRunner().invoke(app, ["dispute", "evidence", "--contract", str(month / "contract.yaml"), "--facts",
                                      str(month / "facts"), "--period", "2026-11", "--forecast-file", str(late),
                                      "--lang", "en"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "inbound/client_outage/2026-11-02T09:30Z" in result.output
    # W-1 is due 7 days before each day: the version of 26 October is on time for the 2nd, that of 28 October late
    assert "inbound:W-1:2026-10-26  30min, 26 periods, used:" in result.output
    assert "inbound:W-1:2026-10-28  30min, 2 periods, late: issued 2026-10-28, after its deadline" in result.output
    assert "inbound:W-1:2026-10-30  30min, 2 periods, submitted apart, not in the facts" in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_what_if_speaks_one_language(month: Path, lang: str) -> None:
    """Issue 21: ``--lang fr`` prints no English word, ``--lang en`` no French word; the contract's designations,
    ids, clause paths and figure names (codes) are left out."""
    from tests.language_words import ENGLISH, FRENCH, foreign_words

    result = CliRunner().invoke(app, ["dispute", "whatif", "--settlement", str(month / "settlement.json"),
                                      "--contract", str(month / "contract.yaml"), "--facts", str(month / "facts"),
                                      "--exclude-incident", "inbound/client_outage/2026-11-02T09:30Z", "--lang", lang],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = re.sub(r"\S*[\[\]_./:]\S*", " ", result.output.replace("Malus — sl", " ").replace("Bonus — sl", " "))
    assert foreign_words(text, ENGLISH if lang == "fr" else FRENCH) == []
    assert ("Avoir, TTC" in result.output) if lang == "fr" else ("Credit note, including VAT" in result.output)
