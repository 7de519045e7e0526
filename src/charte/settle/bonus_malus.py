"""Axis 3 of the SP2C charter (2019): bonus and malus from each commitment's result, capped.

For each grid (keyed by commitment), with ``r`` the commitment's result (after its evaluation
mode, :mod:`charte.settle.service_results`) and its gap in points (percentage points for
shares, seconds for ASA) counted as the clause's ``points`` says (pro rata by default, whole
points, or started points counted whole):

* malus = ``per_point`` × points by which ``r`` misses ``below`` (the target when absent),
  at most ``cap_malus``; bonus = ``per_point`` × points by which ``r`` beats ``above`` (the
  target when absent), at most ``cap_bonus``; both as shares of the **base** — the
  activity's invoice before bonus/malus (``activity_invoice``) or the contract's
  (``contract_invoice``);
* **no double penalty**: the accessibility commitments of one activity (service level, answer
  rate, abandonment, ASA) measure the same failure; only the largest of their maluses applies;
* the **overall cap** bounds the sum of maluses (and of bonuses) as a share of the contract's
  invoice before bonus/malus; then the **liability** clause's ``penalties_cap`` (axis 8,
  yearly; applied here to the month) bounds the maluses again. Each line's quantity is the
  percentage of the base applied and its unit price 1% of the base, so quantity × unit price
  is the amount. Caps compare the lines' rounded
  amounts with the cap rounded to the cent, so the capped sum on the invoice never exceeds it. When a cap bites, a
  ``cap_adjustment`` line gives the excess back and every line shows its uncapped amount;
* a commitment not measured, or hit by an excluded incident for the whole month, gives no line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from charte.domain.contract import Contract
from charte.domain.contract.settlement_rules import INTERVAL_METRICS
from charte.domain.money import round_cents
from charte.settle.lines import Explanation, InvoiceLine, LineKind, draft
from charte.settle.service_results import ServiceResult


@dataclass(frozen=True)
class Outcome:
    commitment: str
    activity: str
    kind: LineKind
    rate_uncapped: Decimal
    rate: Decimal
    cap: Decimal | None
    points: Decimal
    per_point: Decimal
    threshold: Decimal
    result: ServiceResult
    gap_points: Decimal


def _points(result: ServiceResult, gap: Decimal, rule: str) -> Decimal:
    """Points counted for a gap (``bonus_malus.points``): as measured, whole points only, or started points whole."""
    points = gap if result.metric == "asa" else gap * 100
    if rule == "full_points":
        return points.to_integral_value(rounding=ROUND_FLOOR)
    if rule == "started_points":
        return points.to_integral_value(rounding=ROUND_CEILING)
    return points


def _outcomes(contract: Contract, results: list[ServiceResult], notes: list[str]) -> list[Outcome]:
    assert contract.bonus_malus is not None
    by_id = {r.commitment: r for r in results}
    outcomes = []
    for commitment_id, grid in sorted(contract.bonus_malus.grids.items()):
        result = by_id.get(commitment_id)
        if contract.bonus_malus.symmetric and (grid.malus is None) != (grid.bonus is None):
            notes.append(f"grid {commitment_id}: the contract says symmetric but the grid has only a "
                         f"{'malus' if grid.malus else 'bonus'}")
        if result is None or result.result is None:
            continue
        value = result.result
        sign = 1 if result.direction == "at_least" else -1
        # a malus for the points under its threshold, a bonus for the points above its own
        sides = ((LineKind.MALUS, grid.malus, grid.malus.below if grid.malus else None, grid.cap_malus, -1),
                 (LineKind.BONUS, grid.bonus, grid.bonus.above if grid.bonus else None, grid.cap_bonus, 1))
        for kind, rule, threshold, cap, towards in sides:
            if rule is None:
                continue
            edge = threshold if threshold is not None else result.target
            gap = (value - edge) * sign * towards
            if gap > 0:
                points = _points(result, gap, contract.bonus_malus.points)
                rate = rule.per_point * points
                capped = min(rate, cap) if cap is not None else rate
                if rate > 0:
                    outcomes.append(Outcome(commitment_id, result.activity, kind, rate, capped, cap, points,
                                            rule.per_point, edge, result, _points(result, gap, "pro_rata")))
    return outcomes


def _no_double_penalty(outcomes: list[Outcome], notes: list[str]) -> list[Outcome]:
    """Keep, per activity, only the largest malus among its accessibility commitments."""
    kept: list[Outcome] = []
    largest: dict[str, Outcome] = {}
    for o in outcomes:
        if o.kind == LineKind.MALUS and o.result.metric in INTERVAL_METRICS:
            current = largest.get(o.activity)
            if current is None or o.rate > current.rate:
                largest[o.activity] = o
    for o in outcomes:
        if o.kind == LineKind.MALUS and o.result.metric in INTERVAL_METRICS and largest[o.activity] is not o:
            notes.append(f"malus of {o.commitment} not applied: same shortfall as {largest[o.activity].commitment} "
                         "(no double penalty)")
            continue
        kept.append(o)
    return kept


def bonus_malus_lines(contract: Contract, results: list[ServiceResult], bases: dict[str, Decimal],
                      notes: list[str]) -> list[InvoiceLine]:
    """The bonus, malus and cap-adjustment lines (rules in the module docstring)."""
    clause = contract.bonus_malus
    if clause is None:
        return []
    contract_base = sum(bases.values(), Decimal(0))
    outcomes = _outcomes(contract, results, notes)
    if clause.no_double_penalty:
        outcomes = _no_double_penalty(outcomes, notes)
    lines: list[InvoiceLine] = []
    for o in outcomes:
        base = contract_base if clause.base == "contract_invoice" else bases.get(o.activity, Decimal(0))
        sign = -1 if o.kind == LineKind.MALUS else 1
        r = o.result
        figures = {
            "commitment": o.commitment, "metric": r.metric, "formula": r.formula, "formula_fr": r.formula_fr,
            "evaluation": r.evaluation, "result": r.result,
            "raw": r.raw, "fair": r.fair, "band_neutralised": r.band_neutralised, "target": r.target,
            "threshold": o.threshold, "gap_points": o.gap_points, "points_rule": clause.points, "points": o.points,
            "per_point": o.per_point, "rate_uncapped": o.rate_uncapped,
            "cap": o.cap, "rate": o.rate, "capped": o.rate < o.rate_uncapped, "base": base,
            "base_kind": clause.base, "amount_uncapped": sign * o.rate_uncapped * base,
            "adjusted_intervals": r.adjusted_count, "out_of_band_intervals": r.out_of_band_intervals,
            "excluded_intervals": r.excluded_intervals, "planning": r.planning or None,
        }
        # quantity: the percentage of the base applied; unit price: 1% of the base (quantity × unit price = amount)
        lines.append(draft(o.kind, o.activity, f"bonus_malus.grids[{o.commitment}]",
                           f"{'Malus' if sign < 0 else 'Bonus'} — {o.commitment}", o.rate * 100, "% of base",
                           base / 100, sign * base / 100, sign * o.rate * base, Explanation(str(o.kind), figures)))
    lines += _caps(contract, lines, contract_base)
    return lines


def _cap_line(
    kind: str, total: Decimal, cap_share: Decimal, base: Decimal, clause: str, sign: int
) -> InvoiceLine | None:
    limit = round_cents(cap_share * base)
    if total <= limit:
        return None
    excess = total - limit
    figures = {"cap": kind, "cap_share": cap_share, "base": base, "limit": limit, "uncapped": total,
               "excess": excess}
    return draft(LineKind.CAP_ADJUSTMENT, None, clause, f"Cap — {kind}", Decimal(1), "adjustment", sign * excess,
                 sign * excess, sign * excess, Explanation(f"cap_{kind}", figures))


def _caps(contract: Contract, lines: list[InvoiceLine], base: Decimal) -> list[InvoiceLine]:
    clause = contract.bonus_malus
    assert clause is not None
    malus = -sum((d.amount for d in lines if d.kind == LineKind.MALUS), Decimal(0))
    bonus = sum((d.amount for d in lines if d.kind == LineKind.BONUS), Decimal(0))
    out = []
    line = _cap_line("overall_malus", malus, clause.overall_cap.malus, base, "bonus_malus.overall_cap", 1)
    if line is not None:
        out.append(line)
        malus -= line.amount_unrounded
    if clause.overall_cap.bonus is not None:
        line = _cap_line("overall_bonus", bonus, clause.overall_cap.bonus, base, "bonus_malus.overall_cap", -1)
        if line is not None:
            out.append(line)
    liability = contract.liability
    if liability is not None and liability.penalties_cap is not None:
        line = _cap_line("penalties", malus, liability.penalties_cap, base, "liability.penalties_cap", 1)
        if line is not None:
            out.append(line)
    return out
