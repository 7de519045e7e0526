"""Small contract-months for the what-if tests, written inline; amounts are computed by hand in the tests.

The contract is the settlement tests' one (``tests.settle.scenarios``): 30.00 € per productive
hour, service level 80% answered within 20 s, malus 1% per point under 80% (cap 5%), bonus 0.5%
per point above 85% (cap 3%), overall caps 8% / 4%, client-side incidents excluded; W-1 band
±10% per interval.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.settle.scenarios import NOVEMBER, OPENING, _open_days, at, complete_forecast, complete_rows, row, sl_contract

from charte.disputes import IntervalReportVersion, IssuedSettlement, MonthEvidence
from charte.domain.contract import Contract
from charte.settle import ForecastSeries, Incident, IndexValue, interval_block, settle

#: A client-side outage covering the 09:30 half-hour of 2 November 2026.
OUTAGE = Incident("inbound", at("2026-11-02T09:30"), at("2026-11-02T10:00"), "client_outage", "client", "CRM down")
OUTAGE_ID = "inbound/client_outage/2026-11-02T09:30Z"


def w1_issue(issued_on: date, volumes: dict[str, float]) -> ForecastSeries:
    starts = sorted(volumes)
    return ForecastSeries.build("inbound", "W-1", "30min", issued_on, [at(s) for s in starts],
                                [volumes[s] for s in starts], [180.0] * len(starts))


def evidence(contract: Contract, rows: list[dict[str, Any]], *, forecasts: tuple[ForecastSeries, ...],
             incidents: tuple[Incident, ...] = (), other_forecasts: tuple[ForecastSeries, ...] = (),
             corrected: tuple[IntervalReportVersion, ...] = (), index_values: tuple[IndexValue, ...] = (),
             period: Any = NOVEMBER) -> MonthEvidence:
    # every other opening day of the month gets a zero interval and a zero forecast (the engine refuses data gaps)
    days = _open_days(rows, OPENING)
    return MonthEvidence(contract, period, (interval_block("inbound", complete_rows(rows)),),
                         tuple(complete_forecast(f, days) for f in forecasts), incidents=incidents,
                         index_values=index_values, other_forecasts=other_forecasts, corrected_reports=corrected)


def block(rows: list[dict[str, Any]]) -> Any:
    """An interval report of the month: ``rows`` and a zero interval on every other opening day."""
    return interval_block("inbound", complete_rows(rows))


def issued(ev: MonthEvidence) -> IssuedSettlement:
    """The invoice's settlement, made by the engine on the evidence (what a provider issued)."""
    return IssuedSettlement.of(settle(ev.contract, ev.period, ev.facts()))


def two_intervals(answered_second: int, offered_second: int = 100, hours_first: int = 10) -> list[dict[str, Any]]:
    return [row("2026-11-02T09:00", 100, 90, productive_hours=hours_first),
            row("2026-11-02T09:30", offered_second, answered_second, productive_hours=10)]


def contract(evaluation: str = "raw") -> Contract:
    return sl_contract(evaluation)


FORECAST_100 = w1_issue(date(2026, 10, 26), {"2026-11-02T09:00": 100, "2026-11-02T09:30": 100})
D0 = Decimal("0.00")
