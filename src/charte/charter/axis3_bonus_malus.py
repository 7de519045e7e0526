"""Axis 3 of the SP2C charter (2019): proper use of bonus, malus and penalties.

Findings:

- ``symmetry`` — every grid that can cost the provider (malus) can also reward it (bonus);
- ``caps`` — every malus grid capped, and the overall malus cap at most :data:`CAP_WARN` of the
  invoice (above :data:`CAP_FAIL`: fail) — settings, not charter text;
- ``double_penalty`` — the contract's rule (``double_penalty_risk`` of
  :mod:`charte.domain.contract.checks`), and ``fail`` when the contract allows double penalties
  while several grids put a malus on the same lost calls;
- ``share_of_invoice`` — maluses actually charged as a share of the invoice before bonus/malus,
  month by month; ``warn`` when a cap had to bite.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding, pct
from charte.domain.contract.checks import _double_penalty

CAP_WARN: Final = Decimal("0.10")
CAP_FAIL: Final = Decimal("0.20")
REF: Final = f"{CHARTER_2019}, axe 3"


def findings(ev: Evidence) -> list[Finding]:
    clause = ev.contract.bonus_malus
    if clause is None:
        return [finding("3", "grids", "pass", "Ni bonus ni malus : aucune pénalité de service.",
                        "No bonus or malus: no service penalty.", REF), _share(ev)]
    return [_symmetry(ev), _caps(ev), _double(ev), _share(ev)]


def _symmetry(ev: Evidence) -> Finding:
    clause = ev.contract.bonus_malus
    assert clause is not None
    one_sided = sorted(k for k, g in clause.grids.items() if g.malus is not None and g.bonus is None)
    if one_sided:
        return finding("3", "symmetry", "fail",
                       f"Malus sans bonus sur {', '.join(one_sided)} : la grille ne peut que pénaliser.",
                       f"Malus without bonus on {', '.join(one_sided)}: the grid can only penalise.", REF,
                       malus_only=one_sided)
    return finding("3", "symmetry", "pass", "Chaque malus a son bonus.", "Every malus has its bonus.", REF)


def _caps(ev: Evidence) -> Finding:
    clause = ev.contract.bonus_malus
    assert clause is not None
    uncapped = sorted(k for k, g in clause.grids.items() if g.malus is not None and g.cap_malus is None)
    overall = clause.overall_cap.malus
    verdict: Verdict = "fail" if overall > CAP_FAIL else "warn" if overall > CAP_WARN or uncapped else "pass"
    fr = f"Plafond global des malus : {pct(overall, 0)} de la facture"
    en = f"Overall malus cap: {pct(overall, 0, lang='en')} of the invoice"
    if uncapped:
        fr += f" ; grilles sans plafond propre : {', '.join(uncapped)}"
        en += f"; grids with no cap of their own: {', '.join(uncapped)}"
    return finding("3", "caps", verdict, fr + ".", en + ".", REF, overall_malus_cap=overall,
                   uncapped_grids=uncapped, warn_above=CAP_WARN, fail_above=CAP_FAIL)


def _double(ev: Evidence) -> Finding:
    clause = ev.contract.bonus_malus
    assert clause is not None
    known = {c.id: c for c in ev.contract.service_commitments}
    overlaps = _double_penalty(clause, known)
    if overlaps and not clause.no_double_penalty:
        return finding("3", "double_penalty", "fail",
                       "Le contrat admet la double pénalité et plusieurs grilles sanctionnent les mêmes appels perdus.",
                       "The contract allows double penalties and several grids penalise the same lost calls.", REF,
                       overlaps=[p.message for p in overlaps])
    if overlaps:
        return finding("3", "double_penalty", "pass",
                       "Grilles qui se recouvrent, mais le contrat interdit la double pénalité (seul le plus fort "
                       "malus s'applique).",
                       "Grids overlap, but the contract forbids double penalties (only the largest malus applies).",
                       REF, overlaps=[p.message for p in overlaps])
    return finding("3", "double_penalty", "pass", "Aucun risque de double pénalité.", "No double-penalty risk.", REF)


def _share(ev: Evidence) -> Finding:
    months = [m for m in ev.history if m.before_bonus_malus > 0]
    if not months:
        return finding("3", "share_of_invoice", "not_enough_data", "Aucun mois facturé.", "No billed month.", REF)
    shares = {m.period: m.malus / m.before_bonus_malus for m in months}
    capped = [m.period for m in months if m.caps_applied]
    top = max(shares.values())
    verdict: Verdict = "warn" if capped else "pass"
    return finding("3", "share_of_invoice", verdict,
                   f"Malus facturés : au plus {pct(top)} de la facture du mois"
                   + (f" ; plafond atteint en {', '.join(capped)}." if capped else "."),
                   f"Maluses charged: at most {pct(top, lang='en')} of a month's invoice"
                   + (f"; cap reached in {', '.join(capped)}." if capped else "."), REF,
                   share_by_month=shares, months_capped=capped,
                   malus_total=sum((m.malus for m in months), Decimal(0)),
                   bonus_total=sum((m.bonus for m in months), Decimal(0)))
