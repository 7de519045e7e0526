"""Inline inputs for the settlement tests: a small contract written as YAML, and fact builders.

Every scenario states its contract clauses and its intervals in the test; expected amounts are
computed by hand in the test's comments.

A settlement refuses a month with an opening day that has no interval rows (a data gap) or no
forecast row: :func:`facts` therefore completes the month as a zero-volume report would — one
interval of 0 contacts (and 0 forecast, 0 productive time) on each other opening day — unless
``complete=False``. Zeros add nothing to any sum, so the hand computations in the tests hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract
from charte.domain.opening_hours import OpeningHours
from charte.io.contract_yaml import loads_contract
from charte.settle import Facts, ForecastSeries, Incident, IndexValue, StaffingBlock, interval_block

HEAD = """\
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
"""
OPENING = "Mo-Sa 08:00-20:00"

SL_GRID = """\
service_commitments:
  - id: sl
    activity: inbound
    metric: service_level
    answered_within: 20s
    target: 80%
    exclusions: [client_incidents]
    evaluation: {evaluation}
bonus_malus:
  grids:
    sl:
      malus: {{per_point: 1%}}
      bonus: {{per_point: 0.5%, above: 85%}}
      cap_malus: 5%
      cap_bonus: 3%
  overall_cap: {{malus: 8%, bonus: 4%}}
"""

W1_BAND = """\
forecasts:
  horizons: [{name: W-1, issued_before: 7 days, granularity: 30min}]
  band: {under: 10%, over: 10%, horizon: W-1, checked_per: interval}
"""


def contract(*parts: str, price: str = "30.00") -> Contract:
    return loads_contract(HEAD.replace('"30.00"', f'"{price}"') + "".join(parts), "test.yaml")


def sl_contract(evaluation: str = "raw", *extra: str) -> Contract:
    return contract(W1_BAND, SL_GRID.format(evaluation=evaluation), *extra)


def at(text: str) -> datetime:
    """An instant written ``2026-11-02T09:00`` (UTC)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def row(start: str, offered: int, answered: int, *, productive_hours: Decimal | int = 0, handled: int | None = None,
        aht: int = 180, **extra: Any) -> dict[str, Any]:
    """One 30-minute interval: ``answered`` within 20 s, everyone handled unless said."""
    handled = offered if handled is None else handled
    return {"interval_start": at(start), "interval_minutes": 30, "offered": offered, "handled": handled,
            "abandoned": offered - handled, "answered_within_20s": answered, "handle_seconds": handled * aht,
            "productive_seconds": int(Decimal(productive_hours) * 3600), **extra}


def w1(starts_volumes: Sequence[tuple[str, float]], activity: str = "inbound", aht: float = 180.0) -> ForecastSeries:
    return ForecastSeries.build(activity, "W-1", "30min", date(2026, 10, 26), [at(s) for s, _ in starts_volumes],
                                [v for _, v in starts_volumes], [aht] * len(starts_volumes))


def _open_days(rows: Sequence[dict[str, Any]], hours: str) -> list[date]:
    first = min(r["interval_start"] for r in rows).astimezone(PARIS).date()
    month = Month(first.year, first.month)
    opening = OpeningHours.parse(hours)
    return [d for d in month.days() if opening.is_open_on(d)]


def _day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def complete_rows(rows: Sequence[dict[str, Any]], hours: str = OPENING) -> list[dict[str, Any]]:
    """``rows`` and a zero interval at 12:00 (Paris) on every other opening day of their month."""
    seen = {_day(r["interval_start"]) for r in rows}
    pads = [row(datetime(d.year, d.month, d.day, 12, tzinfo=PARIS).astimezone(UTC).strftime("%Y-%m-%dT%H:%M"), 0, 0)
            for d in _open_days(rows, hours) if d not in seen]
    names = {name for r in rows for name in r}
    return [*rows, *({name: pad.get(name, 0) for name in names | set(pad)} for pad in pads)]


def complete_forecast(series: ForecastSeries, days: Sequence[date]) -> ForecastSeries:
    """A day or interval forecast with a 0 row at 12:00 (Paris) on each of ``days`` it does not cover."""
    if series.granularity in ("month", "week", "year"):
        return series
    starts = [datetime.fromtimestamp(int(s), tz=UTC) for s in series.period_start]
    seen = {_day(s) for s in starts}
    if not seen & set(days):
        return series  # a forecast of another month stays as given
    hour = 0 if series.granularity == "day" else 12
    extra = [datetime(d.year, d.month, d.day, hour, tzinfo=PARIS) for d in days if d not in seen]
    return ForecastSeries.build(series.activity, series.horizon, series.granularity, series.issued_on,
                                starts + extra, [*series.volume, *([0.0] * len(extra))],
                                [*series.aht_seconds, *([180.0] * len(extra))], issued_at=series.issued_at)


def facts(rows: Sequence[dict[str, Any]], *, forecasts: Sequence[ForecastSeries] = (),
          staffing: Sequence[StaffingBlock] = (), incidents: Sequence[Incident] = (),
          index_values: Sequence[IndexValue] = (), activity: str = "inbound", complete: bool = True,
          **kw: Any) -> Facts:
    if complete:
        days = _open_days(rows, OPENING)
        rows = complete_rows(rows)
        forecasts = [complete_forecast(f, days) for f in forecasts]
    return Facts.of(intervals=[interval_block(activity, rows)], forecasts=forecasts, staffing=staffing,
                    incidents=incidents, index_values=index_values, **kw)


NOVEMBER = Month(2026, 11)

#: The Syntec revision clause several scenarios share (anniversary 1 January, 3-month lag, floor 0 %, cap 4 %).
INDEXATION = """\
indexation:
  index: syntec
  formula: "0.15 + 0.85 × I/I0"
  base_month: 2025-08
  anniversary: 01-01
  lag_months: 3
  floor: 0%
  cap: 4%
"""

#: A back-office activity at a fixed monthly fee and the amendment that raises it from 17 December 2026.
FIXED_FEE = """\
  - id: tooling
    function: support
    channel: back_office
    opening_hours: "Mo-Fr 09:00-17:00"
    pricing: {per: fixed_monthly, amount: "2500.00"}
amendments:
  - id: avenant-3
    effective: 2026-12-17
    summary: "Reporting platform 3,100.00 a month from 17 December"
    changes:
      activities:
        - {id: tooling, pricing: {per: fixed_monthly, amount: "3100.00"}}
"""
