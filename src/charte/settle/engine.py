"""The settlement: ``settle(contract, period, facts) -> Settlement``, a pure function.

No I/O, no clock, no randomness: the same contract, month and facts give byte-identical
:meth:`Settlement.to_json`, and the settlement records the SHA-256 of its inputs so anyone can
replay it. Passes, in order (each a module with its rule and its test):

1. the contract version in force on the month's first day (amendments folded in);
2. facts checked against the contract (unknown activities, missing forecasts) and cut to
   the month (local time);
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
from charte.domain.contract import Contract
from charte.domain.money import round_cents
from charte.settle.billable import billable_quantity, is_unit_priced, service_lines, success_fee_lines
from charte.settle.bonus_malus import bonus_malus_lines
from charte.settle.evidence import Evidence
from charte.settle.facts import Facts, ForecastSeries, IntervalBlock, Problem, SettlementError, StaffingBlock
from charte.settle.forecast_accuracy import Accuracy, accuracy
from charte.settle.indexation import PriceRevision, price_revision
from charte.settle.lines import InvoiceLine, LineKind, plain
from charte.settle.minimum_billing import MinimumCheck, minimum_billing, top_up_line
from charte.settle.period import in_month
from charte.settle.service_results import ServiceResult, service_results

ENGINE_VERSION = "charte-settle/1"


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
    evidence: Evidence | None = None

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
            "notes": list(self.notes),
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
    keep = in_month(block.start, period)
    if keep.all():
        return block
    return IntervalBlock(block.activity, block.minutes, block.start[keep],
                         {k: v[keep] for k, v in block.counts.items()}, {k: v[keep] for k, v in block.seconds.items()},
                         {k: v[keep] for k, v in block.answered_within.items()})


def _cut_series(series: ForecastSeries, period: Month) -> ForecastSeries:
    keep = in_month(series.period_start, period) if series.granularity not in ("month", "year") else None
    if keep is None or keep.all():
        return series
    return replace(series, period_start=series.period_start[keep], volume_milli=series.volume_milli[keep],
                   aht_seconds=series.aht_seconds[keep])


def _cut_staffing(staffing: StaffingBlock, period: Month) -> StaffingBlock:
    keep = in_month(staffing.start, period)
    return staffing if keep.all() else replace(staffing, start=staffing.start[keep],
                                               planned_agents=staffing.planned_agents[keep])


def month_facts(contract: Contract, period: Month, facts: Facts, problems: list[Problem]) -> Facts:
    """The facts of ``period`` only; activities the contract does not have are problems."""
    known = {a.id for a in contract.activities}
    for activity in sorted(facts.activities() - known):
        problems.append(Problem("unknown_activity", f"facts ({activity})",
                                f"activity `{activity}` is not in contract {contract.id}; expected one of "
                                f"{', '.join(sorted(known))}"))
    for kpi in facts.kpis:
        if kpi.activity in known and kpi.commitment not in {c.id for c in contract.commitments_for(kpi.activity)}:
            problems.append(Problem("unknown_commitment", f"kpis ({kpi.activity})",
                                    f"commitment `{kpi.commitment}` is not a commitment of `{kpi.activity}`"))
    return Facts(tuple(_cut_block(b, period) for b in facts.intervals),
                 tuple(_cut_series(s, period) for s in facts.forecasts),
                 tuple(_cut_staffing(s, period) for s in facts.staffing), facts.incidents, facts.index_values,
                 facts.kpis, facts.successes)


def _check_forecasts(contract: Contract, period: Month, facts: Facts, problems: list[Problem]) -> None:
    clause = contract.forecasts
    if clause is None:
        return
    needed = {clause.band.horizon or clause.reference_horizon.name}
    if clause.minimum_billing is not None and clause.minimum_billing.horizon:
        needed.add(clause.minimum_billing.horizon)
    for activity in contract.activities:
        if facts.intervals_of(activity.id) is None:
            continue
        for horizon in sorted(needed):
            series = facts.forecast(activity.id, horizon)
            if series is None or series.volume_milli.size == 0:
                problems.append(Problem("missing_forecast", f"forecasts ({activity.id}, {horizon})",
                                        f"no {horizon} forecast of `{activity.id}` for {period}; the contract's band "
                                        f"and minimum billing are checked against it"))


def settle(contract: Contract, period: Month, facts: Facts, *, evidence: Evidence | None = None) -> Settlement:
    """Settle ``period`` of ``contract`` on ``facts`` (passes in the module docstring); ``evidence`` (what the facts
    were read from) is recorded in the settlement and its input hash."""
    digest = inputs_digest(contract, period, facts, evidence)
    version = contract.as_of(period.first_day)
    problems: list[Problem] = []
    notes: list[str] = []
    end = version.term.end
    if period.first_day < version.term.start or (end is not None and period.last_day > end):
        problems.append(Problem("period_outside_term", "term",
                                f"{period} is outside the contract's term {version.term.start} – {version.term.end}"))
    month = month_facts(version, period, facts, problems)
    _check_forecasts(version, period, month, problems)
    revision = price_revision(version, period, month, problems)
    drafts: list[InvoiceLine] = []
    checks: list[MinimumCheck] = []
    for activity in version.activities:
        block = month.intervals_of(activity.id)
        quantity = billable_quantity(activity, block, problems)
        drafts += service_lines(activity, quantity, revision)
        if is_unit_priced(activity) and block is not None:
            check = minimum_billing(version, activity, block, month, quantity, problems)
            if check is not None:
                checks.append(check)
                line = top_up_line(activity, check, revision)
                if line is not None:
                    drafts.append(line)
        drafts += success_fee_lines(activity, month, revision, problems)
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
        evidence=evidence,
    )


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
