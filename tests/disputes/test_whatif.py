"""The what-if engine against differences computed by hand (inputs in ``whatif_scenarios``).

Every expected amount is worked out in the comments from the contract's words: 30.00 € per
productive hour; service level = answered within 20 s ÷ offered, target 80%; malus 1% of the
activity's invoice per point under 80% (cap 5%); bonus 0.5% per point above 85% (cap 3%).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.disputes.whatif_scenarios import (
    FORECAST_100,
    OUTAGE,
    OUTAGE_ID,
    block,
    contract,
    evidence,
    issued,
    two_intervals,
    w1_issue,
)
from tests.settle.scenarios import INDEXATION, at, row
from tests.settle.scenarios import complete_rows as block_rows
from tests.settle.scenarios import contract as plain_contract

from charte.disputes import (
    CorrectedIntervalReport,
    EvaluationMode,
    ExcludeIncident,
    IncludeIncident,
    IndexValueChange,
    IntervalReportVersion,
    UseForecastVersion,
    VolumeBandChange,
    parse_changes,
    whatif,
)
from charte.domain.calendar import Month
from charte.settle import IndexValue, interval_block, settle


def _sums(result) -> None:  # type: ignore[no-untyped-def]
    """The total difference is the sum of the lines' differences (each rounded where it was built)."""
    assert result.totals.difference == sum((d.difference for d in result.lines), Decimal(0))


def _by_kind(result):  # type: ignore[no-untyped-def]
    return {d.kind: d for d in result.lines}


def test_leaving_out_a_client_incident_turns_a_bonus_into_a_capped_malus():
    # Issued: the 09:30 half-hour is set aside (client outage): SL = 90/100 = 90%, 5 points above 85%:
    # bonus 5 × 0.5% = 2.5% of 20 h × 30.00 = 600.00 → 15.00. Total 615.00 (VAT 123.00).
    # What-if without the incident: SL = (90 + 50)/200 = 70%, 10 points under 80%: 10% capped at 5% → malus 30.00.
    # Total 570.00. Difference −45.00 = bonus removed (−15.00) + malus added (−30.00); credit note VAT 9.00.
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    invoice = issued(ev)
    assert invoice.total_excluding_vat == Decimal("615.00")
    result = whatif(invoice, ev, [ExcludeIncident(incident=OUTAGE_ID)])
    assert result.settled and not result.problems
    lines = _by_kind(result)
    assert lines["service"].status == "unchanged" and lines["service"].difference == 0
    assert (lines["bonus"].status, lines["bonus"].difference) == ("removed", Decimal("-15.00"))
    assert (lines["malus"].status, lines["malus"].difference) == ("added", Decimal("-30.00"))
    assert lines["malus"].clause == "bonus_malus.grids[sl]"
    assert result.totals.difference == Decimal("-45.00")
    assert (result.totals.correction_vat, result.totals.correction_including_vat) == (Decimal("-9.00"),
                                                                                      Decimal("-54.00"))
    _sums(result)
    (verdict, ) = result.verdicts
    assert verdict.issued["result"] == "0.900000" and verdict.proposed["result"] == "0.700000"
    assert (verdict.issued["met"], verdict.proposed["met"]) == (True, False)
    assert (verdict.issued["excluded_intervals"], verdict.proposed["excluded_intervals"]) == (1, 0)


def test_adding_an_incident_sets_its_intervals_aside():
    # The reverse: issued without the outage, SL 70% → malus 30.00, total 570.00; the what-if adds the outage
    # (client side, excluded by the contract): SL 90%, bonus 15.00, total 615.00: +45.00 (a supplementary invoice).
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,))
    change = IncludeIncident(activity="inbound", kind="client_outage", side="client", start=at("2026-11-02T09:30"),
                             end=at("2026-11-02T10:00"), description="CRM down")
    result = whatif(issued(ev), ev, [change])
    assert result.totals.difference == Decimal("45.00")
    assert result.totals.correction_vat == Decimal("9.00")
    _sums(result)


# Facts of the forecast and band cases: 09:00 offered 100, 90 within 20 s; 09:30 offered 150, 100 within 20 s;
# 10 productive hours each: 600.00 billed. W-1 issued 26 Oct forecast 100 and 100.
ROWS_150 = [row("2026-11-02T09:00", 100, 90, productive_hours=10),
            row("2026-11-02T09:30", 150, 100, productive_hours=10)]
LATE_REVISION = w1_issue(date(2026, 10, 30), {"2026-11-02T09:30": 150})


def test_another_forecast_version_brings_a_half_hour_back_into_the_band():
    # Band-neutralised. Issued on the 26 Oct W-1: 150 > 100 × 1.10 = 110, the 09:30 half-hour is out of the band
    # and set aside: SL = 90/100 = 90% → bonus 15.00; total 615.00.
    # What-if with the revision of 30 Oct (09:30 forecast 150; 09:00 keeps the 26 Oct figure 100): both
    # half-hours are in the band: SL = (90 + 100)/250 = 76%, 4 points under 80% → malus 4% × 600.00 = 24.00;
    # total 576.00. Difference −39.00 (bonus −15.00, malus −24.00); VAT 7.80; TTC −46.80.
    ev = evidence(contract("band_neutralised"), ROWS_150, forecasts=(FORECAST_100,), other_forecasts=(LATE_REVISION,))
    invoice = issued(ev)
    assert invoice.total_excluding_vat == Decimal("615.00")
    result = whatif(invoice, ev, [UseForecastVersion(activity="inbound", horizon="W-1", issued_on="2026-10-30")])
    assert result.totals.difference == Decimal("-39.00")
    assert result.totals.correction_including_vat == Decimal("-46.80")
    assert _by_kind(result)["malus"].proposed.amount == Decimal("-24.00")
    (verdict,) = result.verdicts
    assert (verdict.issued["out_of_band_intervals"], verdict.proposed["out_of_band_intervals"]) == (1, 0)
    assert verdict.proposed["result"] == "0.760000"
    _sums(result)


def test_another_evaluation_mode():
    # Raw on the same facts: SL = 190/250 = 76% → malus 24.00, total 576.00. Judged band-neutralised instead,
    # the out-of-band 09:30 half-hour is set aside: SL 90% → bonus 15.00, total 615.00: +39.00, VAT +7.80.
    ev = evidence(contract("raw"), ROWS_150, forecasts=(FORECAST_100,))
    result = whatif(issued(ev), ev, [EvaluationMode(commitment="sl", evaluation="band_neutralised")])
    assert result.totals.difference == Decimal("39.00")
    assert result.totals.correction_vat == Decimal("7.80")
    assert result.proposed is not None and result.proposed.contract_version[-1] == "what-if"
    (verdict,) = result.verdicts
    assert (verdict.issued["evaluation"], verdict.proposed["evaluation"]) == ("raw", "band_neutralised")
    _sums(result)


def test_a_wider_band():
    # Band-neutralised, issued 615.00 (as above). With a band of −10% / +60%, 150 ≤ 100 × 1.60 = 160: the 09:30
    # half-hour is in the band, SL 76%, malus 24.00, total 576.00: −39.00.
    ev = evidence(contract("band_neutralised"), ROWS_150, forecasts=(FORECAST_100,))
    result = whatif(issued(ev), ev, parse_changes([{"change": "band", "under": "10%", "over": "60%"}])[0])
    assert result.totals.difference == Decimal("-39.00")
    _sums(result)
    assert isinstance(result.changes[0], VolumeBandChange) and result.changes[0].over == Decimal("0.6")


def test_a_corrected_interval_report_changes_the_quantity_and_the_bonus_base():
    # Issued: SL (90 + 90)/200 = 90% → bonus 2.5%; 20 h × 30.00 = 600.00 + 15.00 = 615.00.
    # Corrected report: 12 productive hours at 09:00 instead of 10: 22 h × 30.00 = 660.00 (+60.00);
    # bonus 2.5% × 660.00 = 16.50 (+1.50). Difference +61.50; VAT on it 12.30.
    ev0 = evidence(contract("raw"), two_intervals(90), forecasts=(FORECAST_100,))
    corrected = block(two_intervals(90, hours_first=12))
    version = IntervalReportVersion("c0ffee" * 10 + "beef", corrected, "provider", "productive hours of 09:00")
    ev = evidence(contract("raw"), two_intervals(90), forecasts=(FORECAST_100,), corrected=(version,))
    assert ev0.digest() == ev.digest()  # other versions are held, not read
    result = whatif(issued(ev), ev, [CorrectedIntervalReport(activity="inbound", version="c0ffeec0ffee")])
    lines = _by_kind(result)
    assert lines["service"].difference == Decimal("60.00")
    assert (lines["service"].issued.quantity, lines["service"].proposed.quantity) == (Decimal(20), Decimal(22))
    assert lines["bonus"].difference == Decimal("1.50")
    assert {f.name: (f.issued, f.proposed) for f in lines["bonus"].figures}["base"] == ("600.00", "660.00")
    assert result.totals.difference == Decimal("61.50")
    assert result.totals.correction_vat == Decimal("12.30")
    _sums(result)


def test_another_index_value():
    # Term from 2026-01-01, anniversary 01-01, lag 3 months: February 2027 is priced on I = October 2026.
    # Issued with I = 309.0, I0 = 300.0: 0.15 + 0.85 × 309/300 = 1.0255; 28.50 × 1.0255 = 29.22675, rounded to the
    # cent before it multiplies (the contract's default) 29.23; × 100 h = 2,923.00.
    # With I = 312: 0.15 + 0.85 × 1.04 = 1.034; 28.50 × 1.034 = 29.469 → 29.47; × 100 h = 2,947.00. Difference +24.00.
    c = plain_contract(INDEXATION, price="28.50")
    index = (IndexValue("syntec", Month(2025, 8), Decimal("300.0")), IndexValue("syntec", Month(2026, 10),
                                                                              Decimal("309.0")))
    ev = evidence(c, [row("2027-02-01T09:00", 100, 90, productive_hours=100)], forecasts=(), index_values=index,
                  period=Month(2027, 2))
    result = whatif(issued(ev), ev, [IndexValueChange(series="syntec", month="2026-10", value="312")])
    (line,) = [d for d in result.lines if d.status != "unchanged"]
    assert (line.issued_amount, line.proposed_amount, line.difference) == (Decimal("2923.00"), Decimal("2947.00"),
                                                                          Decimal("24.00"))
    figures = {f.name: (f.issued, f.proposed) for f in line.figures}
    assert figures["indexation.coefficient"] == ("1.0255", "1.034")
    assert line.clause.startswith("activities[inbound].pricing")
    _sums(result)


def test_a_replay_without_change_gives_the_same_settlement_byte_for_byte():
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    result = whatif(issued(ev), ev, [])
    assert all(d.status == "unchanged" for d in result.lines)
    assert result.totals.difference == 0
    assert result.proposed.to_json() == settle(ev.contract, ev.period, ev.facts()).to_json()


def test_changes_that_cannot_apply_are_listed_at_their_place_and_nothing_is_settled():
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    result = whatif(issued(ev), ev, [
        ExcludeIncident(incident="inbound/client_outage/2026-11-03T09:30Z"),
        UseForecastVersion(activity="inbound", horizon="W-1", issued_on="2026-10-01"),
        EvaluationMode(commitment="nope", evaluation="fair"),
        ExcludeIncident(incident=OUTAGE_ID), ExcludeIncident(incident=OUTAGE_ID),
    ])
    assert not result.settled and not result.lines
    found = {(p.code, p.where) for p in result.problems}
    assert ("unknown_incident", "changes[0] (exclude_incident)") in found
    assert ("forecast_version_missing", "changes[1] (forecast_version)") in found
    assert ("unknown_commitment", "changes[2] (evaluation)") in found
    assert ("conflicting_changes", "changes[4] (exclude_incident)") in found
    missing = next(p for p in result.problems if p.code == "forecast_version_missing")
    assert "inbound:W-1:2026-10-26" in missing.message  # what is held, so the person can pick


def test_a_what_if_the_engine_cannot_settle_returns_the_settlement_s_own_errors():
    # A corrected report without the `answered_within_20s` column: the service level cannot be measured.
    ev0 = evidence(contract("raw"), two_intervals(90), forecasts=(FORECAST_100,))
    broken = [{k: v for k, v in r.items() if k != "answered_within_20s"} for r in block_rows(two_intervals(90))]
    version = IntervalReportVersion("ab" * 32, interval_block("inbound", broken))
    ev = evidence(contract("raw"), two_intervals(90), forecasts=(FORECAST_100,), corrected=(version,))
    result = whatif(issued(ev0), ev, [CorrectedIntervalReport(activity="inbound", version="ab" * 32)])
    assert not result.settled
    assert [(p.code, p.where) for p in result.problems] == [("missing_column", "interval report (inbound)")]


def test_evidence_other_than_the_invoice_s_is_refused():
    ev = evidence(contract("raw"), two_intervals(50), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    other = evidence(contract("raw"), two_intervals(51), forecasts=(FORECAST_100,), incidents=(OUTAGE,))
    result = whatif(issued(other), ev, [ExcludeIncident(incident=OUTAGE_ID)])
    assert [p.code for p in result.problems] == ["evidence_does_not_match"]
    assert not result.settled


def test_changes_are_validated_at_the_edge():
    changes, problems = parse_changes([{"change": "exclude_incident", "incident": OUTAGE_ID},
                                       {"change": "band", "under": "5%", "over": "200"},
                                       {"change": "evaluation", "commitment": "sl", "evaluation": "generous"},
                                       {"change": "teleport"}])
    assert changes == ()
    wheres = [p.where for p in problems]
    assert "changes[1] (band)" in wheres and "changes[2] (evaluation)" in wheres and "changes[3] (teleport)" in wheres
    assert any("`over`" in p.message for p in problems)
