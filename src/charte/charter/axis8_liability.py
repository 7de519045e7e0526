"""Axis 8 of the SP2C charter (2019): limitation of liability and of cumulated penalties.

Findings:

- ``liability_cap`` — liability capped (``fail`` without a liability clause: unlimited exposure);
  penalties capped per year (``warn`` without ``penalties_cap``);
- ``carve_outs`` — the cases the limitation does not cover (``liability.carve_outs``): a
  limitation never holds against gross negligence or wilful misconduct (Code civil art. 1231-3,
  faute lourde ou dolosive); ``pass`` when both are carved out, ``warn`` when the clause omits
  one (it would be set aside by a judge anyway, so the contract misleads);
- ``penalties_headroom`` — over the last twelve settled months, maluses charged against the
  yearly penalties cap (share × billing of those months) and against the liability cap when
  penalties count toward it; ``warn`` from :data:`HEADROOM_WARN` of a cap used (setting).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, eur, finding, pct

HEADROOM_WARN: Final = Decimal("0.80")
REF: Final = f"{CHARTER_2019}, axe 8"


def findings(ev: Evidence) -> list[Finding]:
    clause = ev.contract.liability
    if clause is None:
        return [finding("8", "liability_cap", "fail", "Aucune limitation de responsabilité : exposition illimitée.",
                        "No limitation of liability: unlimited exposure.", REF), _headroom(ev)]
    cap_fr = (f"{clause.cap_months_of_billing} mois de facturation" if clause.cap_months_of_billing
              else eur(clause.cap_amount or Decimal(0)))
    cap_en = (f"{clause.cap_months_of_billing} months of billing" if clause.cap_months_of_billing
              else eur(clause.cap_amount or Decimal(0), lang='en'))
    verdict: Verdict = "pass" if clause.penalties_cap is not None else "warn"
    return [finding("8", "liability_cap", verdict,
                    f"Responsabilité plafonnée à {cap_fr}"
                    + (f", pénalités à {pct(clause.penalties_cap, 0)} par an." if clause.penalties_cap
                       else ", pénalités non plafonnées."),
                    f"Liability capped at {cap_en}"
                    + (f", penalties at {pct(clause.penalties_cap, 0, lang='en')} a year." if clause.penalties_cap
                       else ", penalties not capped."), REF,
                    cap_months_of_billing=clause.cap_months_of_billing, cap_amount=clause.cap_amount,
                    penalties_cap=clause.penalties_cap), _carve_outs(ev), _headroom(ev)]


#: Carve-outs the law imposes on any limitation of liability (Code civil art. 1231-3).
REQUIRED_CARVE_OUTS: Final = ("gross_negligence", "wilful_misconduct")


def _carve_outs(ev: Evidence) -> Finding:
    clause = ev.contract.liability
    assert clause is not None
    missing = [c for c in REQUIRED_CARVE_OUTS if c not in clause.carve_outs]
    listed = ", ".join(clause.carve_outs) or "—"
    ref = f"{REF} ; Code civil art. 1231-3"
    if not missing:
        return finding("8", "carve_outs", "pass", f"Exclusions de la limitation : {listed}.",
                       f"Carved out of the limitation: {listed}.", ref, carve_outs=list(clause.carve_outs))
    return finding("8", "carve_outs", "warn",
                   f"La limitation ne prévoit pas d'exclure {', '.join(missing)} ; un juge l'écartera de toute façon "
                   "en cas de faute lourde ou dolosive (exclusions écrites : " + listed + ").",
                   f"The limitation does not carve out {', '.join(missing)}; a judge sets it aside anyway for gross "
                   f"negligence or wilful misconduct (written carve-outs: {listed}).", ref,
                   carve_outs=list(clause.carve_outs), missing=missing)


def _headroom(ev: Evidence) -> Finding:
    months = ev.history[-12:]
    if not months:
        return finding("8", "penalties_headroom", "not_enough_data", "Aucun mois réglé.", "No settled month.", REF)
    billing = sum((m.before_bonus_malus for m in months), Decimal(0))
    penalties = sum((m.malus for m in months), Decimal(0))
    clause = ev.contract.liability
    used: dict[str, Decimal] = {}
    if clause is not None and clause.penalties_cap is not None and billing > 0:
        used["penalties_cap"] = penalties / (clause.penalties_cap * billing)
    if clause is not None and clause.penalties_count_toward_cap:
        cap = (clause.cap_amount if clause.cap_amount is not None
               else billing / len(months) * (clause.cap_months_of_billing or 0))
        if cap:
            used["liability_cap"] = penalties / cap
    if not used:
        return finding("8", "penalties_headroom", "not_enough_data",
                       f"Pénalités de {eur(penalties)} sur {len(months)} mois, sans plafond auquel les comparer.",
                       f"Penalties of {eur(penalties, lang='en')} over {len(months)} months, with no cap to "
                       "compare them to.",
                       REF, penalties=penalties, months=len(months))
    top = max(used.values())
    verdict: Verdict = "warn" if top >= HEADROOM_WARN else "pass"
    parts_fr = ", ".join(f"{pct(v)} du plafond {k}" for k, v in used.items())
    parts_en = ", ".join(f"{pct(v, lang='en')} of the {k}" for k, v in used.items())
    return finding("8", "penalties_headroom", verdict,
                   f"Pénalités de {eur(penalties)} sur {len(months)} mois : {parts_fr}.",
                   f"Penalties of {eur(penalties, lang='en')} over {len(months)} months: {parts_en}.", REF,
                   penalties=penalties, billing=billing, months=len(months),
                   share_of_cap_used={k: v.quantize(Decimal("0.0001")) for k, v in used.items()},
                   warn_from=HEADROOM_WARN)
