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
``triggered_on``: the actual volume compared with the band is the **offered** contacts by
default — the client's volume, which the provider does not control — or the **handled** ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause
from charte.domain.contract.quantities import CalendarSpan, ExactNumber, Percent, Seconds, Share, format_percent

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


class Tolerance(Clause):
    """A tolerance around a forecast ``f``: the actual ``a`` is in band when
    ``f − max(under × f, z × √f) ≤ a ≤ f + max(over × f, z × √f)``.

    ``poisson_z`` (absent: no noise term) makes the band noise-aware: arrivals are Poisson, so a
    count forecast at ``f`` varies by about ``√f`` by chance alone; ``z`` standard deviations of
    that noise are tolerated when they exceed the stated share (small periods, e.g. a half-hour
    of 40 calls: 3 × √40 ≈ 19 calls, 47%, against 10% = 4 calls).
    """

    under: Share
    over: Percent
    poisson_z: ExactNumber | None = Field(
        default=None, description="standard deviations of Poisson noise tolerated: max(share × f, z × √f)")

    @field_validator("poisson_z")
    @classmethod
    def _z_positive(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise PydanticCustomError("invalid_value", "expected a number of standard deviations above 0; found {z}",
                                      {"z": str(value)})
        return value

    @property
    def formula(self) -> str:
        """The band as the contract states it, in words a contract manager reads."""
        lo, hi = format_percent(self.under), format_percent(self.over)
        if self.poisson_z is None:
            return f"f × (1 − {lo}) ≤ a ≤ f × (1 + {hi})"
        z = f"{self.poisson_z.normalize():f}"
        return f"f − max({lo} × f, {z} × √f) ≤ a ≤ f + max({hi} × f, {z} × √f)"

    def contains(self, actual: Decimal, forecast: Decimal) -> bool:
        """Whether ``actual`` lies within the band around ``forecast``."""
        noise = self.poisson_z * forecast.sqrt() if self.poisson_z is not None and forecast > 0 else Decimal(0)
        return bool(forecast - max(forecast * self.under, noise) <= actual
                    <= forecast + max(forecast * self.over, noise))


class VolumeBand(Tolerance):
    """Tolerance band around the reference forecast, checked per ``checked_per`` (month, week, day or interval).

    The band is applied as written: the actual volume of each ``checked_per`` period is compared
    with the ``horizon``'s forecast summed to that period. A period out of the band moves the
    consequences to the client: minimum billing when short (its own ``period``), and service
    evaluated fairly or neutralised in every interval of that period (axis 2).
    """

    horizon: str | None = Field(default=None, description="reference horizon; the last listed when absent")
    checked_per: Literal["month", "week", "day", "interval"] = "month"


class IntervalBand(Tolerance):
    """Interval-level relief, stated explicitly: an interval whose volume left this band around the ``horizon``'s
    interval forecast is evaluated fairly (or set aside) even when its month stayed in the contract's band."""

    horizon: str = Field(description="a horizon forecast per interval (15, 30 or 60 min), e.g. W-1")


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
    triggered_on: Literal["offered", "handled"] = Field(
        default="offered",
        description="the actual volume compared with the band: offered (the client's volume, default) or handled")


class FairEvaluation(Clause):
    """How fair evaluation (axis 2) sizes "the staffing the forecast called for" in an interval out of the band.

    ``model``:

    * ``erlang_c`` — agents for the forecast at the activity's service-level target with Erlang C
      (callers never hang up); what they could achieve under the real load, Erlang C too;
    * ``erlang_a`` — the same with Erlang A (impatient callers): mean ``patience`` as the contract
      states it, or **measured** on the month (Σ waits of all callers ÷ abandons) when absent;
    * ``declared_staffing`` — the agents the provider declared per interval ahead of time (its
      staffing plan in the facts), judged under the real load with Erlang A (``patience`` as above).

    ``horizon``: the forecast the staffing is sized on, per interval (Erlang models); the interval
    band's horizon, else the finest horizon forecast per interval, when absent. When the contract
    has no ``fair_evaluation`` clause, fair evaluation uses ``erlang_a`` with measured patience and
    says so on each result (``charte validate`` warns that the model is not stated).
    """

    model: Literal["erlang_c", "erlang_a", "declared_staffing"]
    patience: Seconds | None = Field(default=None, description="mean patience; measured on the month when absent")
    horizon: str | None = Field(default=None, description="per-interval forecast horizon the staffing is sized on")

    @model_validator(mode="after")
    def _patience_for_erlang_a(self) -> FairEvaluation:
        if self.model == "erlang_c" and self.patience is not None:
            raise PydanticCustomError(
                "invalid_value", "Erlang C assumes callers never hang up: `patience` has no use with model erlang_c; "
                "remove it or choose erlang_a", {})
        if self.model == "declared_staffing" and self.horizon is not None:
            raise PydanticCustomError(
                "invalid_value", "with model declared_staffing the agents come from the provider's declared staffing, "
                "not from a forecast: remove `horizon`", {})
        return self


class ForecastCommitments(Clause):
    """Axis 1: the forecasts the client commits to, the band, the minimum billing."""

    horizons: tuple[Horizon, ...] = Field(min_length=1)
    band: VolumeBand
    interval_band: IntervalBand | None = Field(
        default=None, description="explicit interval-level relief for service evaluation (absent: none)")
    minimum_billing: MinimumBilling | None = None
    fair_evaluation: FairEvaluation | None = Field(
        default=None, description="planning model of fair evaluation; erlang_a with measured patience when absent")
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
