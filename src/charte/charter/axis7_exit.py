"""Axis 7 of the SP2C charter (2019) and Code de commerce L442-1 II: ending the contract responsibly.

Findings:

- ``notice`` — the notice against the length of the relationship on the day judged: owed =
  min(notice per year × years, 18 months) where the per-year rule is the contract's
  ``notice_per_year`` or :data:`NOTICE_PER_YEAR_MONTHS` (a practice, a setting); 18 months is
  the L442-1 II safe harbour (law table ``notice.safe_harbour_months``). At least owed passes,
  at least half warns, less fails; no exit clause warns (the law's reasonable notice applies,
  unpredictably); the contract's own ``notice_short_for_relationship`` rule is cited;
- ``ramp_down`` — a ramp-down profile planned over the notice;
- ``reversibility`` — the provider hands over knowledge and data at the end (``exit.reversibility``):
  ``pass`` when the contract says so, ``warn`` when it excludes it (the client's continuity of
  service at the end rests on it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding

NOTICE_PER_YEAR_MONTHS: Final = Decimal(1)
REF: Final = f"{CHARTER_2019}, axe 7 ; Code de commerce L442-1 II"


def findings(ev: Evidence) -> list[Finding]:
    clause = ev.contract.exit
    if clause is None:
        return [finding("7", "notice", "warn",
                        "Aucune clause de fin de contrat : le préavis « raisonnable » de la loi s'appliquera, "
                        "imprévisible pour les deux parties.",
                        "No exit clause: the law's 'reasonable' notice will apply, unpredictable for both parties.",
                        REF),
                finding("7", "ramp_down", "fail", "Aucune décroissance progressive des volumes prévue.",
                        "No gradual ramp-down of volumes planned.", REF)]
    return [_notice(ev), _ramp(ev), _reversibility(ev)]


def _reversibility(ev: Evidence) -> Finding:
    clause = ev.contract.exit
    assert clause is not None
    if clause.reversibility:
        return finding("7", "reversibility", "pass",
                       "Réversibilité prévue : le prestataire transmet savoir-faire et données en fin de contrat.",
                       "Reversibility agreed: the provider hands over knowledge and data at the end.", REF,
                       reversibility=True)
    return finding("7", "reversibility", "warn",
                   "Pas de réversibilité : en fin de contrat, ni savoir-faire ni données ne sont transmis au client "
                   "ou à son nouveau prestataire.",
                   "No reversibility: at the end, neither knowledge nor data is handed over to the client or its next "
                   "provider.", REF, reversibility=False)


def _notice(ev: Evidence) -> Finding:
    clause = ev.contract.exit
    assert clause is not None
    since = ev.contract.relationship_since or ev.contract.term.start
    years = Decimal(max(0, (ev.today - since).days)) / Decimal("365.25")
    per_year = clause.notice_per_year.approx_months if clause.notice_per_year else NOTICE_PER_YEAR_MONTHS
    harbour = ev.contract.law_value("notice.safe_harbour_months", ev.today)
    owed = min(per_year * years, harbour)
    notice = clause.notice.approx_months
    verdict: Verdict = "pass" if notice + Decimal("0.01") >= owed else "warn" if notice * 2 >= owed else "fail"
    cited = [p.message for p in ev.contract_problems("notice_short_for_relationship")]
    return finding("7", "notice", verdict,
                   f"Préavis de {notice:.1f} mois pour {years:.1f} ans de relation (dû : {owed:.1f} mois, "
                   f"{per_year:.1f} mois par an, au plus {harbour} mois).",
                   f"Notice of {notice:.1f} months for {years:.1f} years of relationship (owed: {owed:.1f} months, "
                   f"{per_year:.1f} month(s) per year, at most {harbour} months).", REF,
                   notice_months=notice.quantize(Decimal("0.1")), relationship_years=years.quantize(Decimal("0.1")),
                   owed_months=owed.quantize(Decimal("0.1")), per_year_months=per_year, safe_harbour_months=harbour,
                   contract_rule=cited)


def _ramp(ev: Evidence) -> Finding:
    clause = ev.contract.exit
    assert clause is not None
    ramp = clause.ramp_down
    if ramp.profile == "none":
        return finding("7", "ramp_down", "fail", "Le contrat prévoit un arrêt sec des volumes.",
                       "The contract plans an abrupt stop of volumes.", REF, profile=ramp.profile)
    return finding("7", "ramp_down", "pass",
                   f"Décroissance {ramp.profile} sur {ramp.over or 'tout le préavis'}.",
                   f"Ramp-down {ramp.profile} over {ramp.over or 'the whole notice'}.", REF, profile=ramp.profile,
                   over=str(ramp.over) if ramp.over else None, minimum_volume=ramp.minimum_volume)
