"""Axis 1 of the SP2C charter (2019): activity forecasts and minimum billing.

Findings:

- ``forecast_clause`` — the client commits to forecasts by horizon with a tolerance band;
- ``minimum_billing_clause`` — a minimum is billed when volume falls below the band;
- ``forecast_accuracy`` — per horizon, WAPE over the months; share of months whose volume left
  the band of the reference horizon (month totals: f × (1 − under) ≤ a ≤ f × (1 + over));
- ``minimum_billing_honoured`` — every month below the band had its minimum billed;
- ``forecast_value_added`` — the committed forecast against a plain baseline (last month's
  actual volume, a month-level naive forecast: settled months carry month totals only),
  scored by :func:`charte.forecast.value_added.forecast_value_added`.

Settings (charte's, not charter text): a share of months out of the band up to
:data:`OUT_OF_BAND_WARN` passes, up to :data:`OUT_OF_BAND_FAIL` warns, above it fails;
:data:`MIN_MONTHS_FOR_VALUE_ADDED` months are needed for value added.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import numpy as np

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, finding, pct
from charte.forecast.value_added import forecast_value_added

OUT_OF_BAND_WARN: Final = Decimal("0.25")
OUT_OF_BAND_FAIL: Final = Decimal("0.50")
MIN_MONTHS_FOR_VALUE_ADDED: Final = 4
REF: Final = f"{CHARTER_2019}, axe 1"


def findings(ev: Evidence) -> list[Finding]:
    clause = ev.contract.forecasts
    out: list[Finding] = []
    if clause is None:
        out.append(finding("1", "forecast_clause", "fail",
                           "Le contrat n'engage le client sur aucune prévision ni bande de tolérance.",
                           "The contract commits the client to no forecast and no tolerance band.", REF))
    else:
        out.append(finding("1", "forecast_clause", "pass",
                           f"Le client s'engage sur {len(clause.horizons)} horizon(s) de prévision, bande "
                           f"−{pct(clause.band.under, 0)} / +{pct(clause.band.over, 0)}.",
                           f"The client commits to {len(clause.horizons)} forecast horizon(s), band "
                           f"−{pct(clause.band.under, 0, lang='en')} / +{pct(clause.band.over, 0, lang='en')}.", REF,
                           horizons=[h.name for h in clause.horizons], band_under=clause.band.under,
                           band_over=clause.band.over))
    has_minimum = clause is not None and clause.minimum_billing is not None
    out.append(finding("1", "minimum_billing_clause", "pass" if has_minimum else "fail",
                       "Un minimum de facturation s'applique quand le volume passe sous la bande." if has_minimum
                       else "Aucun minimum de facturation : la baisse de volume du client reste à la charge du "
                            "prestataire.",
                       "A minimum is billed when volume falls below the band." if has_minimum
                       else "No minimum billing: the client's volume shortfall is borne by the provider.", REF))
    if clause is None:
        return out
    out += [_accuracy(ev), _honoured(ev, has_minimum), _value_added(ev)]
    return out


def _month_totals(ev: Evidence, horizon: str) -> list[tuple[str, Decimal, int]]:
    """(period, forecast, actual) summed over activities, months where ``horizon`` was scored."""
    rows = []
    for month in ev.history:
        records = [a for a in month.accuracy if a.horizon == horizon]
        if records:
            rows.append((month.period, sum((a.forecast_volume for a in records), Decimal(0)),
                         sum(a.actual_volume for a in records)))
    return rows


def _accuracy(ev: Evidence) -> Finding:
    clause = ev.contract.forecasts
    assert clause is not None
    reference = clause.band.horizon or clause.reference_horizon.name
    totals = _month_totals(ev, reference)
    if not totals:
        return finding("1", "forecast_accuracy", "not_enough_data",
                       "Aucun mois réglé avec prévision : précision non mesurable.",
                       "No settled month with a forecast: accuracy cannot be measured.", REF)
    outside = [p for p, f, a in totals if not clause.band.contains(Decimal(a), f)]
    share = Decimal(len(outside)) / len(totals)
    metric = clause.accuracy_metric  # the contract's accuracy measure, weighted by each month's actual volume
    by_horizon: dict[str, str] = {}
    ratios: dict[str, Decimal] = {}
    for horizon in clause.horizons:
        pairs = [(value, a.actual_volume) for m in ev.history for a in m.accuracy
                 if a.horizon == horizon.name and (value := a.metric(metric)) is not None]
        weight = sum(v for _, v in pairs)
        if weight:
            ratios[horizon.name] = sum((w * v for w, v in pairs), Decimal(0)) / weight
            by_horizon[horizon.name] = pct(ratios[horizon.name], lang="en")  # the figures keep their written form
    verdict: Verdict = "pass" if share <= OUT_OF_BAND_WARN else "warn" if share <= OUT_OF_BAND_FAIL else "fail"
    per = ", ".join(f"{h} {pct(r)}" for h, r in ratios.items())
    per_en = ", ".join(f"{h} {pct(r, lang='en')}" for h, r in ratios.items())
    name = metric.upper() if metric != "bias" else "biais"
    return finding("1", "forecast_accuracy", verdict,
                   f"{len(outside)} mois sur {len(totals)} hors bande ({pct(share, 0)}) à l'horizon {reference} ; "
                   f"{name} par horizon (forecasts.accuracy_metric) : {per}.",
                   f"{len(outside)} of {len(totals)} months outside the band ({pct(share, 0, lang='en')}) at horizon "
                   f"{reference}; {metric.upper() if metric != 'bias' else 'bias'} by horizon "
                   f"(forecasts.accuracy_metric): {per_en}.", REF,
                   months=len(totals), months_outside=outside, share_outside=share, accuracy_metric=metric,
                   accuracy_by_horizon=by_horizon, wape_by_horizon=by_horizon if metric == "wape" else {},
                   warn_above=OUT_OF_BAND_WARN, fail_above=OUT_OF_BAND_FAIL)


def _honoured(ev: Evidence, has_minimum: bool) -> Finding:
    clause = ev.contract.forecasts
    assert clause is not None
    reference = clause.band.horizon or clause.reference_horizon.name
    under = [p for p, f, a in _month_totals(ev, reference) if Decimal(a) < f * (1 - clause.band.under)]
    if not ev.history:
        return finding("1", "minimum_billing_honoured", "not_enough_data", "Aucun mois réglé.",
                       "No settled month.", REF)
    if not under:
        return finding("1", "minimum_billing_honoured", "pass",
                       "Aucun mois sous la bande : le minimum n'a pas eu à jouer.",
                       "No month fell below the band: the minimum never had to apply.", REF, months_under=[])
    if not has_minimum:
        return finding("1", "minimum_billing_honoured", "fail",
                       f"{len(under)} mois sous la bande sans minimum de facturation : {', '.join(under)}.",
                       f"{len(under)} month(s) below the band with no minimum billing: {', '.join(under)}.", REF,
                       months_under=under)
    checked = {m.period for m in ev.history for c in m.minimum_billing if c.periods_under > 0}
    missing = [p for p in under if p not in checked]
    verdict: Verdict = "pass" if not missing else "warn"
    return finding("1", "minimum_billing_honoured", verdict,
                   f"{len(under)} mois sous la bande ; minimum appliqué sur {len(under) - len(missing)}"
                   + (f", pas sur {', '.join(missing)}." if missing else "."),
                   f"{len(under)} month(s) below the band; minimum applied on {len(under) - len(missing)}"
                   + (f", not on {', '.join(missing)}." if missing else "."), REF,
                   months_under=under, months_without_minimum=missing,
                   top_up=sum((c.top_up for m in ev.history for c in m.minimum_billing), Decimal(0)))


def _value_added(ev: Evidence) -> Finding:
    clause = ev.contract.forecasts
    assert clause is not None
    reference = clause.band.horizon or clause.reference_horizon.name
    totals = _month_totals(ev, reference)
    if len(totals) < MIN_MONTHS_FOR_VALUE_ADDED:
        return finding("1", "forecast_value_added", "not_enough_data",
                       f"{len(totals)} mois : il en faut {MIN_MONTHS_FOR_VALUE_ADDED} pour comparer la prévision "
                       "du client à une prévision naïve.",
                       f"{len(totals)} month(s): {MIN_MONTHS_FOR_VALUE_ADDED} are needed to compare the client's "
                       "forecast with a naive one.", REF, months=len(totals))
    actual = np.array([float(a) for _, _, a in totals][1:])
    committed = np.array([float(f) for _, f, _ in totals][1:])
    baseline = np.array([float(a) for _, _, a in totals][:-1])
    fva = forecast_value_added(actual, committed, baseline, horizon=reference, tolerance=0.005)
    verdict: Verdict = "warn" if fva.verdict == "baseline_better" else "pass"
    verdict_fr = {"client_better": "meilleure que", "baseline_better": "moins bonne que", "equal": "aussi bonne que"}
    return finding("1", "forecast_value_added", verdict,
                   f"{reference} : la prévision du client (WAPE {pct(fva.committed.wape)}) est "
                   f"{verdict_fr[fva.verdict]} la prévision naïve « mois précédent » (WAPE {pct(fva.baseline.wape)}) "
                   f"sur {fva.periods_scored} mois.",
                   fva.explanation() + " (baseline: last month's actual volume).", REF,
                   committed_wape=fva.committed.wape, baseline_wape=fva.baseline.wape, value_added=fva.value_added,
                   periods=fva.periods_scored, baseline="previous month's actual volume")
