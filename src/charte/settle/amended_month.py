"""A month cut by amendments (avenants) that take effect during it.

An avenant effective on any day but the 1st splits the settled month into **segments**, each
with the contract version in force on its days (:meth:`charte.domain.contract.Contract.as_of`).
Prices follow the segments, *prorata temporis* as French invoicing practice does:

* a **unit price** (per productive hour, handled contact, minute, success) applies to the
  quantities **measured in its segment** (interval rows whose local day lies in it) — one line
  per price, each citing the avenant (or the contract as signed) it comes from. Degressive
  tiers are filled by the month's cumulative quantity: the first segment fills the bands from
  0, the next one continues where it stopped (``volume`` tiers: the band of the month's total);
* a **fixed monthly fee** is billed for each segment in proportion to its **calendar days**
  (``amount × days in the segment ÷ days in the month``), the usual reading of "prorata
  temporis" for a monthly fee;
* a **success fee** needs the successes of each segment; the facts give them per month, so a
  success fee that changes mid-month is refused (``success_fee_changes_mid_month``) rather
  than split by a guess.

Clauses assessed over the whole month — the forecast band and minimum billing, service
commitments, bonus/malus, indexation — are applied as in force on the month's **first day**
(no retroactive change); an avenant's change to them applies from the next whole month, and
the settlement says so in a note. The minimum-billing top-up is priced at the unit price in
force on the month's last day (the minimum is assessed when the month ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.contract.amendments import MONTHLY_CLAUSES
from charte.settle.facts import IntervalBlock
from charte.settle.period import day_number, local_day_numbers


@dataclass(frozen=True)
class Segment:
    """Days of the month under one contract version."""

    first: date
    last: date
    version: Contract
    amendment: str | None      # the avenant that opens the segment (None: in force since before the month)
    effective: date | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def cites(self) -> str:
        """How a line cites the version its price comes from."""
        if self.amendment is None:
            applied = self.version.applied_amendments
            return f" ({applied[-1]})" if applied else ""
        return f" ({self.amendment}, effective {self.effective})"

    def figures(self, month_days: int) -> dict[str, Any]:
        return {"segment_from": self.first.isoformat(), "segment_to": self.last.isoformat(),
                "segment_days": self.days, "month_days": month_days, "amendment": self.amendment or (
                    self.version.applied_amendments[-1] if self.version.applied_amendments else None)}


def segments(contract: Contract, period: Month) -> list[Segment]:
    """The month's segments, in order (one when no avenant takes effect after its first day)."""
    cuts = sorted({a.effective for a in contract.amendments if period.first_day < a.effective <= period.last_day})
    starts = [period.first_day, *cuts]
    out = []
    for i, first in enumerate(starts):
        last = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else period.last_day
        opening = [a.id for a in contract.amendments if a.effective == first] if i else []
        out.append(Segment(first, last, contract.as_of(first), opening[-1] if opening else None,
                           first if opening else None))
    return out


def cut_days(block: IntervalBlock, first: date, last: date) -> IntervalBlock:
    """The block's intervals whose local day lies in [first, last]."""
    days = local_day_numbers(block.start)
    return block.rows((days >= day_number(first)) & (days <= day_number(last)))


def monthly_changes(segs: list[Segment]) -> list[str]:
    """Notes for avenants that change a clause assessed over the month (applied from the next month)."""
    notes = []
    base = segs[0].version.document()
    for seg in segs[1:]:
        doc = seg.version.document()
        changed = [k for k in MONTHLY_CLAUSES if doc.get(k) != base.get(k)]
        if changed:
            notes.append(f"{seg.amendment} (effective {seg.effective}) changes {', '.join(changed)}: clauses assessed "
                         f"over the month apply as in force on {segs[0].first}; the change applies from the next month")
    return notes

