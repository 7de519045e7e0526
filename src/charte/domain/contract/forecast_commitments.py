"""Axis 1 of the SP2C charter (2019): activity forecasts and minimum billing.

The client commits to forecasts issued at agreed **horizons** (annual budget, M−3, M−1,
W−1…), each at a granularity (month, week, day, or 60/30/15-minute interval). The actual
volume is compared with the forecast of the reference horizon; inside the **tolerance band**
(``under``/``over``, asymmetric allowed) the provider staffs to the forecast at its risk;
outside it the consequences move to the client: service commitments are evaluated fairly
(axis 2) and a **minimum billing** applies when the volume falls short.

Minimum billing rule (``rule``): what the minimum is measured on —
``forecast_volume`` (forecast contacts × unit price), ``forecast_workload`` (hours the
forecast called for at the contract's service target) or ``staffed_hours_for_forecast``
(hours the provider actually scheduled for the forecast). Variant (``variant``):
``floor_of_forecast`` bills at least ``floor`` × that basis (practice: 90%, see
:mod:`charte.domain.law`, ``practice.minimum_billing_floor``); ``lower_band_edge`` bills at
least the basis × (1 − ``band.under``). ``period`` is the span over which the minimum is
compared (a month short on some days and long on others can still reach its minimum).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import CalendarSpan, Percent, Share

Granularity = Literal["year", "month", "week", "day", "60min", "30min", "15min"]
#: Granularities and periods, finest first.
ORDER: tuple[str, ...] = ("15min", "30min", "60min", "day", "week", "month", "year")


IssuePeriod = Literal["year", "month", "week", "day"]


class Horizon(Clause):
    """A forecast the client commits to deliver ``issued_before`` the period it forecasts.

    **Deadline.** Each forecast row forecasts a period (a month, a day, an interval…). The
    period one *issue* of the horizon covers is ``issue_period`` (``month`` for an M−1 sent
    once a month, ``week`` for a W−1 sent once a week); when absent, it is each row's own
    period (an interval row's day). The deadline is the day ``issued_before`` ahead of that
    period's first day (Paris time): a version is **on time** for a row when it was issued on
    or before that day (until 24:00). Of the versions on time for a row, the **latest issued**
    wins; versions issued after the deadline never count (:mod:`charte.settle.forecast_versions`).
    """

    name: str = Field(description="e.g. budget, M-3, M-1, W-1")
    issued_before: CalendarSpan
    granularity: Granularity
    covers: Literal["volume", "volume_and_handle_time"] = "volume_and_handle_time"
    issue_period: IssuePeriod | None = Field(
        default=None,
        description="the period one issue covers (month for M-1, week for W-1); issued_before counts back from its "
                    "first day; each row's own period when absent",
    )

    @model_validator(mode="after")
    def _issue_period_not_finer(self) -> Horizon:
        if self.issue_period is not None and ORDER.index(self.issue_period) < ORDER.index(self.granularity):
            raise PydanticCustomError(
                "issue_period_finer_than_granularity",
                "horizon {name!r} forecasts per {g} but says one issue covers a {p}; "
                "expected a period of {g} or longer",
                {"name": self.name, "g": self.granularity, "p": self.issue_period},
            )
        return self


class VolumeBand(Clause):
    """Tolerance band around the reference forecast: fractions below (``under``) and above (``over``)."""

    under: Share
    over: Percent
    horizon: str | None = Field(default=None, description="reference horizon; the last listed when absent")
    checked_per: Literal["month", "week", "day", "interval"] = "month"

    def contains(self, actual: Decimal, forecast: Decimal) -> bool:
        """Whether ``actual`` lies within [forecast × (1 − under), forecast × (1 + over)]."""
        return bool(forecast * (1 - self.under) <= actual <= forecast * (1 + self.over))


class MinimumBilling(Clause):
    """The minimum the client pays when its volume falls below the band (see module docstring)."""

    rule: Literal["forecast_volume", "forecast_workload", "staffed_hours_for_forecast"]
    variant: Literal["floor_of_forecast", "lower_band_edge"] = "floor_of_forecast"
    floor: Share | None = Field(
        default=None,
        description="share of the basis billed at least (variant floor_of_forecast); "
                    "law table practice.minimum_billing_floor when absent",
    )
    period: Literal["month", "week", "day"] = "month"
    horizon: str | None = Field(default=None, description="forecast horizon the minimum is computed on")


class ForecastCommitments(Clause):
    """Axis 1: the forecasts the client commits to, the band, the minimum billing."""

    horizons: tuple[Horizon, ...] = Field(min_length=1)
    band: VolumeBand
    minimum_billing: MinimumBilling | None = None
    accuracy_metric: Literal["wape", "mape", "bias"] = "wape"

    @property
    def reference_horizon(self) -> Horizon:
        """The horizon the band is checked against (``band.horizon``, or the last listed)."""
        name = self.band.horizon
        for horizon in self.horizons:
            if horizon.name == name:
                return horizon
        return self.horizons[-1]

    def horizon(self, name: str) -> Horizon:
        for horizon in self.horizons:
            if horizon.name == name:
                return horizon
        raise KeyError(f"no forecast horizon {name!r}; horizons: {', '.join(h.name for h in self.horizons)}")
