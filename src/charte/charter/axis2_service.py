"""Axis 2 of the SP2C charter (2019): service commitments.

Findings:

- ``formulas_stated`` — every commitment carries its exact formula (the contract model writes
  it from the clause: numerator, denominator, threshold, short abandons) and its evaluation;
  ``warn`` when all are judged ``raw`` although a forecast band exists (the provider then bears
  the client's forecast misses);
- ``targets_met`` — share of measured commitment-months that met their target, as judged;
  at least :data:`MET_PASS` passes, at least :data:`MET_WARN` warns, below fails (settings);
- ``fair_evaluation_effect`` — how often band-neutralised or fair evaluation changed the
  verdict of the raw result (figures only: a change is the clause doing its job).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding, pct

MET_PASS: Final = Decimal("0.90")
MET_WARN: Final = Decimal("0.70")
REF: Final = f"{CHARTER_2019}, axe 2"


def findings(ev: Evidence) -> list[Finding]:
    return [_formulas(ev), _targets(ev), _fair_effect(ev)]


def _formulas(ev: Evidence) -> Finding:
    commitments = ev.contract.service_commitments
    if not commitments:
        return finding("2", "formulas_stated", "warn", "Le contrat ne prévoit aucun engagement de service.",
                       "The contract states no service commitment.", REF)
    formulas = {c.id: c.formula for c in commitments}
    raw_only = all(c.evaluation.value == "raw" for c in commitments)
    if raw_only and ev.contract.forecasts is not None:
        return finding("2", "formulas_stated", "warn",
                       "Formules écrites, mais tous les engagements sont jugés bruts : hors bande, le prestataire "
                       "supporte les erreurs de prévision du client.",
                       "Formulas are written, but every commitment is judged raw: out of the band, the provider "
                       "bears the client's forecast misses.", REF, formulas=formulas)
    return finding("2", "formulas_stated", "pass",
                   f"{len(commitments)} engagement(s), chacun avec sa formule et son mode d'évaluation.",
                   f"{len(commitments)} commitment(s), each with its formula and evaluation mode.", REF,
                   formulas=formulas, evaluations={c.id: c.evaluation.value for c in commitments})


def _targets(ev: Evidence) -> Finding:
    judged = [(m.period, r) for m in ev.history for r in m.results if r.met is not None]
    if not judged:
        return finding("2", "targets_met", "not_enough_data", "Aucun résultat de service mesuré.",
                       "No measured service result.", REF)
    missed = [f"{p} {r.commitment}" for p, r in judged if not r.met]
    share = Decimal(len(judged) - len(missed)) / len(judged)
    verdict: Verdict = "pass" if share >= MET_PASS else "warn" if share >= MET_WARN else "fail"
    return finding("2", "targets_met", verdict,
                   f"Objectifs atteints sur {len(judged) - len(missed)} des {len(judged)} mois-engagements "
                   f"({pct(share, 0)})" + (f" ; manqués : {', '.join(missed)}." if missed else "."),
                   f"Targets met in {len(judged) - len(missed)} of {len(judged)} commitment-months "
                   f"({pct(share, 0, lang='en')})" + (f"; missed: {', '.join(missed)}." if missed else "."), REF,
                   judged=len(judged), missed=missed, share_met=share, pass_from=MET_PASS, warn_from=MET_WARN)


def _fair_effect(ev: Evidence) -> Finding:
    judged = [(m.period, r) for m in ev.history for r in m.results
              if r.met is not None and r.evaluation != "raw"]
    if not judged:
        return finding("2", "fair_evaluation_effect", "not_enough_data",
                       "Aucun mois jugé en évaluation équitable ou neutralisée.",
                       "No month judged with fair or band-neutralised evaluation.", REF)
    changed = [f"{p} {r.commitment}" for p, r in judged if r.meets(r.raw) is not None and r.meets(r.raw) != r.met]
    return finding("2", "fair_evaluation_effect", "pass",
                   f"L'évaluation équitable a changé le verdict {len(changed)} fois sur {len(judged)}"
                   + (f" ({', '.join(changed)})." if changed else "."),
                   f"Fair evaluation changed the verdict {len(changed)} time(s) out of {len(judged)}"
                   + (f" ({', '.join(changed)})." if changed else "."), REF,
                   judged=len(judged), changed=changed,
                   out_of_band_intervals=sum(r.out_of_band_intervals for _, r in judged))
