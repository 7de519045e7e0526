"""Liability and cumulated penalties against their caps (SP2C charter axis 8).

Over the contract's window (the 12 months ending with the month looked at):

- **penalties cap**: penalties (maluses, net of cap give-backs) at most ``penalties_cap`` ×
  the window's billing;
- **liability cap**: ``cap_amount``, or ``cap_months_of_billing`` × the average monthly billing
  of the window; what counts toward it is the liability claims, plus the penalties when
  ``penalties_count_toward_cap``.

Each cap reports its use: ``ok``, ``warning`` from ``warn_at`` (80% by default) of the cap,
``reached`` at 100%, ``exceeded`` above. Billing is the invoiced amount excluding VAT before
penalties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.money import round_cents
from charte.settle.engine import Settlement
from charte.settle.lines import LineKind

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class BilledMonth:
    month: Month
    billed: Decimal      # excluding VAT, before penalties
    penalties: Decimal   # positive: what the maluses took off


def billed_month(settlement: Settlement) -> BilledMonth:
    """Billing and penalties of a settled month (malus lines net of cap adjustments)."""
    penalty_kinds = (LineKind.MALUS, LineKind.CAP_ADJUSTMENT)
    penalties = -sum((line.amount for line in settlement.lines if line.kind in penalty_kinds), Decimal(0))
    billed = sum((line.amount for line in settlement.lines if line.kind not in penalty_kinds), Decimal(0))
    return BilledMonth(Month.parse(settlement.period), billed, max(penalties, Decimal(0)))


@dataclass(frozen=True)
class CapPosition:
    cap: str                # "penalties" | "liability"
    limit: Decimal
    used: Decimal
    share: Decimal
    status: str             # ok | warning | reached | exceeded
    message: str


def _status(share: Decimal, warn_at: Decimal) -> str:
    if share > 1:
        return "exceeded"
    if share == 1:
        return "reached"
    return "warning" if share >= warn_at else "ok"


def cap_positions(
    contract: Contract, history: Sequence[BilledMonth], as_of: Month, claims: Decimal = Decimal(0),
    warn_at: Decimal = Decimal("0.80"),
) -> list[CapPosition]:
    """Where penalties and liability stand against the contract's caps (see the module docstring)."""
    clause = contract.as_of(as_of.first_day).liability
    if clause is None:
        return []
    window = [m for m in history if as_of.plus(-(WINDOW_MONTHS - 1)) <= m.month <= as_of]
    billed = sum((m.billed for m in window), Decimal(0))
    penalties = sum((m.penalties for m in window), Decimal(0))
    span = f"{as_of.plus(-(WINDOW_MONTHS - 1))} to {as_of}"
    positions: list[CapPosition] = []
    if clause.penalties_cap is not None:
        limit = round_cents(clause.penalties_cap * billed)
        share = penalties / limit if limit > 0 else (Decimal(0) if penalties == 0 else Decimal(2))
        status = _status(share, warn_at)
        positions.append(CapPosition("penalties", limit, penalties, share, status,
                                     f"penalties {penalties} EUR over {span} are {share:.1%} of the cap "
                                     f"{limit} EUR ({clause.penalties_cap:.0%} of {billed} EUR billed): {status}"))
    if clause.cap_amount is not None:
        limit, basis = clause.cap_amount, "fixed amount"
    else:
        months = clause.cap_months_of_billing or 0
        average = billed / len(window) if window else Decimal(0)
        limit, basis = round_cents(average * months), f"{months} months of average billing over {span}"
    used = claims + (penalties if clause.penalties_count_toward_cap else Decimal(0))
    share = used / limit if limit > 0 else (Decimal(0) if used == 0 else Decimal(2))
    status = _status(share, warn_at)
    positions.append(CapPosition("liability", limit, used, share, status,
                                 f"liability used {used} EUR (claims {claims}"
                                 f"{' + penalties' if clause.penalties_count_toward_cap else ''}) is {share:.1%} "
                                 f"of the cap {limit} EUR ({basis}): {status}"))
    return positions
