"""The settlement: ``settle(contract, period, facts) -> Settlement``, a pure function.

No I/O, no clock, no randomness: the same contract, month and facts give byte-identical
:meth:`Settlement.to_json`, and the settlement records the SHA-256 of its inputs so anyone can
replay it. Passes, in order (each a module with its rule and its test):

1. the contract version in force on the month's first day (amendments folded in), and the
   month's segments when an avenant takes effect during it
   (:mod:`~charte.settle.amended_month`: prices pro rata, monthly clauses as of the 1st);
2. facts checked against the contract (unknown activities) and cut to the month (local
   time); of the forecasts, the version issued by each horizon's deadline for each period
   (:mod:`~charte.settle.forecast_versions`), missing ones are problems; every opening day
   has interval rows or a declared closure (:mod:`~charte.settle.coverage`);
3. indexation (:mod:`~charte.settle.indexation`) → one coefficient on base prices;
4. billable quantities and their lines (:mod:`~charte.settle.billable`, tiers);
5. minimum billing top-ups (:mod:`~charte.settle.minimum_billing`);
6. service results (:mod:`~charte.settle.service_results`: raw, band-neutralised, fair);
7. bonus/malus on each activity's invoice, capped (:mod:`~charte.settle.bonus_malus`);
8. totals: excluding VAT = Σ rounded line amounts; VAT = rate × that, rounded once.

Every problem found by any pass is collected; if there is one, :class:`SettlementError` lists
them all and no settlement is returned (never a partial invoice).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from charte.domain.calendar import Month
from charte.domain.contract import Contract, FixedMonthly
from charte.domain.money import round_cents
from charte.settle.amended_month import Segment, cut_days, monthly_changes, segments
from charte.settle.billable import (
    Quantity,
    billable_quantity,
    is_unit_priced,
    measured_column,
    service_lines,
    success_fee_lines,
)
from charte.settle.bonus_malus import bonus_malus_lines
from charte.settle.coverage import check_coverage
from charte.settle.evidence import Evidence
from charte.settle.facts import Facts, IntervalBlock, Problem, ReferenceStamp, SettlementError, StaffingBlock
from charte.settle.forecast_accuracy import Accuracy, accuracy
from charte.settle.forecast_versions import VersionUse, select_forecasts
from charte.settle.indexation import PriceRevision, price_revision
from charte.settle.lines import InvoiceLine, LineKind, plain
from charte.settle.minimum_billing import MinimumCheck, minimum_billing, top_up_line
from charte.settle.period import in_month
from charte.settle.service_results import ServiceResult, service_results

ENGINE_VERSION = "charte-settle/2"  # forecast versions, data coverage, bands as written, formula book


@dataclass(frozen=True)
class Settlement:
    """A settled month: lines with their explanations, totals, and what they rest on."""

    contract: str
    contract_version: tuple[str, ...]
    period: str
    lines: tuple[InvoiceLine, ...]
    total_excluding_vat: Decimal
    vat_rate: Decimal
    vat: Decimal
    total_including_vat: Decimal
    indexation: PriceRevision
    minimum_billing: tuple[MinimumCheck, ...]
    service_results: tuple[ServiceResult, ...]
    forecast_accuracy: tuple[Accuracy, ...]
    notes: tuple[str, ...]
    inputs_sha256: str
    engine: str = ENGINE_VERSION
    forecast_versions: tuple[VersionUse, ...] = ()
    evidence: Evidence | None = None
    #: reference series the month rests on (the indexation index): version, and whether illustrative
    reference_data: tuple[ReferenceStamp, ...] = ()

    @property
    def illustrative(self) -> bool:
        """True when an illustrative (made-up) series entered the settlement: it can never be invoiced."""
        return any(r.illustrative for r in self.reference_data)

    def as_dict(self) -> dict[str, Any]:
        evidence = {"evidence": self.evidence.as_dict()} if self.evidence is not None else {}
        return {**evidence,
            "engine": self.engine, "contract": self.contract, "amendments_applied": list(self.contract_version),
            "period": self.period, "inputs_sha256": self.inputs_sha256,
            "lines": [line.as_dict() for line in self.lines],
            "totals": {"excluding_vat": plain(self.total_excluding_vat), "vat_rate": plain(self.vat_rate),
                       "vat": plain(self.vat), "including_vat": plain(self.total_including_vat), "currency": "EUR"},
            "indexation": plain(self.indexation.figures()),
            "minimum_billing": [plain(dict(m.__dict__)) for m in self.minimum_billing],
            "service_results": [r.as_dict() for r in self.service_results],
            "forecast_accuracy": [a.as_dict() for a in self.forecast_accuracy],
            "forecast_versions": [v.as_dict() for v in self.forecast_versions],
            "notes": list(self.notes),
            "reference_data": {r.series: r.as_dict() for r in self.reference_data},
        }

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, decimals as exact strings): the same inputs give the same bytes."""
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def inputs_digest(contract: Contract, period: Month, facts: Facts, evidence: Evidence | None = None) -> str:
    """SHA-256 of the engine version, the contract document, the period, the facts and, when given, the evidence
    block (files by hash, reference-data and software versions: :mod:`charte.settle.evidence`)."""
    h = hashlib.sha256(ENGINE_VERSION.encode())
    h.update(json.dumps(contract.document(), sort_keys=True, default=str, ensure_ascii=False).encode())
    h.update(str(period).encode())
    h.update(facts.digest().encode())
    if evidence is not None:
        h.update(json.dumps(evidence.as_dict(), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def _cut_block(block: IntervalBlock, period: Month) -> IntervalBlock:
    return block.rows(in_month(block.start, period))


def _cut_staffing(staffing: StaffingBlock, period: Month) -> StaffingBlock:
    keep = in_month(staffing.start, period)
    return staffing if keep.all() else replace(staffing, start=staffing.start[keep],
                                               planned_agents=staffing.planned_agents[keep])


def month_facts(contract: Contract, period: Month, facts: Facts, problems: list[Problem],
                versions: list[VersionUse] | None = None) -> Facts:
    """The facts of ``period`` only, with one forecast per activity and horizon
    (:func:`~charte.settle.forecast_versions.select_forecasts`); activities the contract does not have are problems."""
    known = {a.id for a in contract.activities}
    for activity in sorted(facts.activities() - known):
        problems.append(Problem("unknown_activity", f"facts ({activity})",
                                f"activity `{activity}` is not in contract {contract.id}; expected one of "
                                f"{', '.join(sorted(known))}"))
    for kpi in facts.kpis:
        if kpi.activity in known and kpi.commitment not in {c.id for c in contract.commitments_for(kpi.activity)}:
            problems.append(Problem("unknown_commitment", f"kpis ({kpi.activity})",
                                    f"commitment `{kpi.commitment}` is not a commitment of `{kpi.activity}`"))
    forecasts, uses = select_forecasts(contract, period, facts, problems)
    if versions is not None:
        versions += uses
    return Facts(tuple(_cut_block(b, period) for b in facts.intervals), tuple(forecasts),
                 tuple(_cut_staffing(s, period) for s in facts.staffing), facts.incidents, facts.index_values,
                 facts.kpis, facts.successes)


def settle(contract: Contract, period: Month, facts: Facts, *, evidence: Evidence | None = None) -> Settlement:
    """Settle ``period`` of ``contract`` on ``facts`` (passes in the module docstring); ``evidence`` (what the facts
    were read from) is recorded in the settlement and its input hash."""
    digest = inputs_digest(contract, period, facts, evidence)
    version = contract.as_of(period.first_day)
    problems: list[Problem] = []
    notes: list[str] = []
    end = version.term.end
    renewed = end is not None and period.last_day > end and version.term.renewal == "tacit_yearly"
    if period.first_day < version.term.start or (end is not None and period.last_day > end and not renewed):
        problems.append(Problem("period_outside_term", "term",
                                f"{period} is outside the contract's term {version.term.start} – {version.term.end}"))
    elif renewed and end is not None:
        years = (period.last_day.year - end.year) + (1 if (period.last_day.month, period.last_day.day) > (
            end.month, end.day) else 0)
        notes.append(f"term ended on {end}; renewed by tacit agreement year by year (term.renewal: tacit_yearly), "
                     f"{period} falls in renewal year {years}")
    versions: list[VersionUse] = []
    month = month_facts(version, period, facts, problems, versions)
    notes += [f"forecast {v.horizon} of {v.activity} issued {v.issued} ({v.content_sha256[:12]}): {v.reason}"
              for v in versions if v.status in ("late", "partly_late")]
    segs = segments(contract, period)
    coverage = check_coverage(segs, period, month, problems)
    notes += monthly_changes(segs)
    revision = price_revision(version, period, month, problems)
    drafts: list[InvoiceLine] = []
    checks: list[MinimumCheck] = []
    for activity_id in _activity_ids(segs):
        priced, billed = _priced_lines(segs, activity_id, month, revision, problems)
        drafts += priced
        activity = next((a for a in version.activities if a.id == activity_id), None)
        block = month.intervals_of(activity_id)
        if activity is not None and is_unit_priced(activity) and block is not None:
            check = minimum_billing(version, activity, block, month, billed, problems,
                                    coverage.excluded_from_minimum(activity.id))
            if check is not None:
                checks.append(check)
                last = segs[-1]
                at_end = next((a for a in last.version.activities if a.id == activity_id), activity)
                line = top_up_line(at_end, check, revision, last if len(segs) > 1 else None)
                if line is not None:
                    drafts.append(line)
    results = service_results(version, month, problems)
    if problems:
        raise SettlementError(problems)
    bases = {a.id: sum((d.amount for d in drafts if d.activity == a.id), Decimal(0)) for a in version.activities}
    drafts += bonus_malus_lines(version, results, bases, notes)
    notes += [f"{r.commitment}: {n}" for r in results for n in r.notes]
    lines = tuple(replace(d, number=i + 1) for i, d in enumerate(drafts))
    total = sum((line.amount for line in lines), Decimal(0))
    vat_rate = version.law_value("vat.standard_rate", period.last_day)
    vat = round_cents(total * vat_rate)
    return Settlement(
        contract=version.id, contract_version=version.applied_amendments, period=str(period), lines=lines,
        total_excluding_vat=total, vat_rate=vat_rate, vat=vat, total_including_vat=total + vat,
        indexation=revision, minimum_billing=tuple(checks), service_results=tuple(results),
        forecast_accuracy=tuple(_accuracies(version, month)), notes=tuple(notes), inputs_sha256=digest,
        forecast_versions=tuple(versions), evidence=evidence,
        reference_data=tuple(r for r in facts.references
                             if version.indexation is not None and r.series == version.indexation.index),
    )


def _activity_ids(segs: list[Segment]) -> list[str]:
    """Activities of every segment, in order of first appearance."""
    seen: dict[str, None] = {}
    for seg in segs:
        for activity in seg.version.activities:
            seen.setdefault(activity.id, None)
    return list(seen)


def _priced_lines(segs: list[Segment], activity_id: str, month: Facts, revision: PriceRevision,
                  problems: list[Problem]) -> tuple[list[InvoiceLine], Quantity]:
    """One activity's service and success-fee lines, one per segment's price (:mod:`~charte.settle.amended_month`).

    Returns the lines and the month's billable quantity (unit-priced segments).
    """
    block = month.intervals_of(activity_id)
    present = [(seg, seg.version.activity(activity_id)) for seg in segs
               if any(a.id == activity_id for a in seg.version.activities)]
    split = len(segs) > 1
    units = {a.pricing.per for _, a in present if not isinstance(a.pricing, FixedMonthly)}
    if len(units) > 1:
        problems.append(Problem("pricing_unit_changes_mid_month", f"activities[{activity_id}].pricing",
                                f"the pricing unit changes during the month ({', '.join(sorted(units))}); "
                                "make the avenant effective on the 1st"))
        return [], Quantity(Decimal(0))
    quantities = []
    for i, (seg, activity) in enumerate(present):
        part = cut_days(block, seg.first, seg.last) if block is not None and split else block
        if part is None and i > 0 and not isinstance(activity.pricing, FixedMonthly):
            quantities.append(Quantity(Decimal(0), measured_column(activity)[1]))  # reported once, for the first
            continue
        quantities.append(billable_quantity(activity, part, problems))
    lines: list[InvoiceLine] = []
    month_days = (segs[-1].last - segs[0].first).days + 1
    unit_priced = [q for (_, a), q in zip(present, quantities, strict=True) if not isinstance(a.pricing, FixedMonthly)]
    total = Quantity(sum((q.measured for q in unit_priced), Decimal(0)), unit_priced[0].divisor if unit_priced else 1)
    already = Decimal(0)
    for (seg, activity), quantity in zip(present, quantities, strict=True):
        segment = seg if split else None
        lines += service_lines(activity, quantity, revision, segment=segment, month_days=month_days,
                               already=already, month_total=total.measured)
        if not isinstance(activity.pricing, FixedMonthly):
            already += quantity.measured
    fees = {str(a.pricing.success_fee) for _, a in present}
    if len(fees) > 1:
        problems.append(Problem("success_fee_changes_mid_month", f"activities[{activity_id}].pricing.success_fee",
                                "the success fee changes during the month; successes are given per month, so they "
                                "cannot be split by date: make the avenant effective on the 1st"))
    elif present:
        lines += success_fee_lines(present[-1][1], month, revision, problems)
    return lines, total


def _accuracies(contract: Contract, facts: Facts) -> list[Accuracy]:
    if contract.forecasts is None:
        return []
    out = []
    for block in facts.intervals:
        for horizon in contract.forecasts.horizons:
            series = facts.forecast(block.activity, horizon.name)
            if series is not None and series.volume_milli.size and block.start.size:
                out.append(accuracy(block, series, contract.forecasts.band))
    return out


def lines_of(settlement: Settlement, kind: LineKind) -> list[InvoiceLine]:
    """The settlement's lines of one kind, in order."""
    return [line for line in settlement.lines if line.kind == kind]


__all__ = ["ENGINE_VERSION", "Settlement", "inputs_digest", "lines_of", "settle"]
