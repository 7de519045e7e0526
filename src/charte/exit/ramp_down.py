"""The ramp-down plan over the notice (SP2C charter axis 7): forecast commitments lowered month by month.

Over the ramp window — ``exit.ramp_down.over`` before the notice ends, or the whole notice —
the share of the usual forecast the client still commits to falls:

- ``linear``: month ``k`` of ``n`` keeps ``1 − k/n`` (the last month reaches 0);
- ``steps``: three equal steps, ``2/3``, ``1/3``, ``0``, each a third of the window;
- ``none``: 100% until the end.

The share never goes below ``exit.ramp_down.minimum_volume`` (volume guaranteed during the
ramp-down). Minimum billing (axis 1) still applies to the lowered commitment: the client pays
at least ``floor × committed`` (``forecasts.minimum_billing.floor``, or the law table's practice
value). Months before the window keep 100%.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.exit.notice import NoticeError


@dataclass(frozen=True)
class RampDownMonth:
    month: Month
    share: Decimal                 # of the usual forecast still committed
    minimum_billing_share: Decimal  # of the usual forecast billed at least
    committed: dict[str, Decimal]   # per activity, when a baseline was given
    minimum_billed: dict[str, Decimal]


@dataclass(frozen=True)
class RampDownPlan:
    notice_date: date
    ends_on: date
    profile: str
    floor: Decimal
    minimum_volume: Decimal
    months: tuple[RampDownMonth, ...]

    def rows(self) -> list[dict[str, str]]:
        """The plan as table rows (strings), one per month and activity (or one per month without baseline)."""
        out: list[dict[str, str]] = []
        for m in self.months:
            base = {"month": str(m.month), "share_of_forecast": f"{m.share:.4f}",
                    "minimum_billing_share": f"{m.minimum_billing_share:.4f}"}
            if not m.committed:
                out.append(base)
            for activity, volume in m.committed.items():
                out.append({**base, "activity": activity, "committed_volume": f"{volume:.2f}",
                            "minimum_billed_volume": f"{m.minimum_billed[activity]:.2f}"})
        return out


def _share(profile: str, k: int, n: int) -> Decimal:
    if profile == "none" or k <= 0:
        return Decimal(1)
    if profile == "linear":
        return Decimal(1) - Decimal(k) / Decimal(n)
    step = min(3, (3 * k + n - 1) // n)  # which third of the window month k falls in
    return Decimal(3 - step) / Decimal(3)


def ramp_down_plan(
    contract: Contract, notice_date: date, baseline: Mapping[str, Decimal] | None = None,
) -> RampDownPlan:
    """Month-by-month plan from the notice month to the month the notice ends (see the module docstring)."""
    version = contract.as_of(notice_date)
    if version.exit is None:
        raise NoticeError("exit_clause_missing", f"contract {contract.id} has no `exit` clause (axis 7)")
    ramp = version.exit.ramp_down
    ends_on = version.exit.notice.after(notice_date)
    start_ramp = (ramp.over.before(ends_on) if ramp.over is not None else notice_date)
    start_ramp = max(start_ramp, notice_date)
    first, last = Month.of(notice_date), Month.of(ends_on - timedelta(days=1))
    ramp_first = Month.of(start_ramp)
    n = (last.year - ramp_first.year) * 12 + last.month - ramp_first.month + 1
    minimum_billing = version.forecasts.minimum_billing if version.forecasts else None
    floor = (minimum_billing.floor if minimum_billing is not None and minimum_billing.floor is not None
             else version.law_value("practice.minimum_billing_floor", notice_date))
    minimum_volume = ramp.minimum_volume or Decimal(0)
    months: list[RampDownMonth] = []
    month = first
    while month <= last:
        k = (month.year - ramp_first.year) * 12 + month.month - ramp_first.month + 1
        share = max(_share(ramp.profile, k, n), minimum_volume) if k >= 1 else Decimal(1)
        committed = {a: v * share for a, v in (baseline or {}).items()}
        months.append(RampDownMonth(month, share, share * floor, committed,
                                    {a: v * floor for a, v in committed.items()}))
        month = month.next()
    return RampDownPlan(notice_date, ends_on, ramp.profile, floor, minimum_volume, tuple(months))
