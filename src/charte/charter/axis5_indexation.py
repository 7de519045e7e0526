"""Axis 5 of the SP2C charter (2019): annual price indexation.

Findings:

- ``indexation_clause`` — a revision clause exists (``fail`` without one: the price cannot follow
  the provider's costs); its index is a published one (:data:`KNOWN_INDICES`, else ``warn``); the
  formula's fixed part ``a`` in ``P0 × (a + b × I/I0)`` is at most :data:`FIXED_PART_WARN` (usual
  Syntec formulas: 0.15 or 0.30, DOMAIN.md); a cap on the change below :data:`CAP_WARN` warns;
- ``applied_on_time`` — in every settled month, the revision of the latest anniversary due
  (strictly after the term's start, :func:`charte.settle.indexation.anniversaries`) was applied.

Thresholds are charte settings, not charter text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding, pct
from charte.domain.calendar import Month
from charte.settle.indexation import anniversaries

KNOWN_INDICES: Final = frozenset({"syntec", "insee_services", "smic", "insee_icht", "insee_labour_cost"})
FIXED_PART_WARN: Final = Decimal("0.30")
CAP_WARN: Final = Decimal("0.02")
REF: Final = f"{CHARTER_2019}, axe 5"


def findings(ev: Evidence) -> list[Finding]:
    clause = ev.contract.indexation
    if clause is None:
        return [finding("5", "indexation_clause", "fail",
                        "Aucune clause d'indexation : le prix reste figé quand les salaires augmentent.",
                        "No indexation clause: the price stays fixed while wages rise.", REF)]
    problems_fr: list[str] = []
    problems_en: list[str] = []
    if clause.index.lower() not in KNOWN_INDICES:
        problems_fr.append(f"indice « {clause.index} » non reconnu")
        problems_en.append(f"index {clause.index!r} is not a recognised published index")
    if clause.formula.fixed > FIXED_PART_WARN:
        problems_fr.append(f"part fixe {clause.formula.fixed} > {FIXED_PART_WARN}")
        problems_en.append(f"fixed part {clause.formula.fixed} above {FIXED_PART_WARN}")
    if clause.cap is not None and clause.cap < CAP_WARN:
        problems_fr.append(f"hausse plafonnée à {pct(clause.cap)}")
        problems_en.append(f"increase capped at {pct(clause.cap, lang='en')}")
    verdict: Verdict = "warn" if problems_en else "pass"
    out = [finding("5", "indexation_clause", verdict,
                   f"Indexation {clause.index}, formule {clause.formula}, anniversaire {clause.anniversary}"
                   + (" : " + " ; ".join(problems_fr) + "." if problems_fr else "."),
                   f"Indexation on {clause.index}, formula {clause.formula}, anniversary {clause.anniversary}"
                   + (": " + "; ".join(problems_en) + "." if problems_en else "."), REF,
                   index=clause.index, formula=str(clause.formula), fixed_part=clause.formula.fixed,
                   cap=clause.cap, floor=clause.floor, lag_months=clause.lag_months)]
    out.append(_on_time(ev))
    return out


def _on_time(ev: Evidence) -> Finding:
    due: list[tuple[str, str]] = []
    late: list[str] = []
    for month in ev.history:
        days = anniversaries(ev.contract, Month.parse(month.period))
        if not days:
            continue
        expected = days[-1].isoformat()
        due.append((month.period, expected))
        if month.indexation.get("revised_on") != expected:
            late.append(month.period)
    if not due:
        return finding("5", "applied_on_time", "not_enough_data",
                       "Aucun anniversaire d'indexation échu dans les mois réglés.",
                       "No indexation anniversary fell due in the settled months.", REF)
    verdict: Verdict = "fail" if late else "pass"
    return finding("5", "applied_on_time", verdict,
                   "Révision appliquée à chaque anniversaire échu." if not late
                   else f"Révision non appliquée en {', '.join(late)}.",
                   "Revision applied at every anniversary due." if not late
                   else f"Revision not applied in {', '.join(late)}.", REF,
                   months_due=len(due), months_not_revised=late)
