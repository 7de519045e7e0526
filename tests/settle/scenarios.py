"""Inline inputs for the settlement tests: a small contract written as YAML, and fact builders.

Every scenario states its contract clauses and its intervals in the test; expected amounts are
computed by hand in the test's comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from charte.domain.calendar import Month
from charte.domain.contract import Contract
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


def facts(rows: Sequence[dict[str, Any]], *, forecasts: Sequence[ForecastSeries] = (),
          staffing: Sequence[StaffingBlock] = (), incidents: Sequence[Incident] = (),
          index_values: Sequence[IndexValue] = (), activity: str = "inbound", **kw: Any) -> Facts:
    return Facts.of(intervals=[interval_block(activity, rows)], forecasts=forecasts, staffing=staffing,
                    incidents=incidents, index_values=index_values, **kw)


NOVEMBER = Month(2026, 11)
