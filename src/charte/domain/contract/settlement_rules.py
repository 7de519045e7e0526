"""Cross-clause rules that make every accepted forecast and band clause one the monthly settlement can apply as written.

Each rule names the clause it refuses, with what was expected and what was found:

- the band is checked per a period its horizon's forecast can be summed to: a per-day
  forecast cannot be checked per interval (``band_finer_than_forecast``); the same for the
  minimum billing's ``period`` (``minimum_period_finer_than_forecast``);
- weeks straddle months, and a month is settled whole: a band or minimum checked per week, or
  a per-week forecast checked per month, cannot be applied to one monthly invoice
  (``week_period_not_settleable``);
- the interval band names a horizon forecast per interval (``interval_band_needs_interval_forecast``);
- fair evaluation states its planning model (``fair_evaluation_model_not_stated``, warning) and,
  for the Erlang models, has a horizon forecast per interval to size the staffing on
  (``fair_evaluation_needs_interval_forecast``);
- commitments are judged per month (``window_not_supported``) and only with exclusions the
  settlement applies (``exclusion_not_applicable``: interval metrics set aside incidents,
  out-of-band periods and intervals outside opening hours; a monthly KPI is taken as given);
- the minimum billing ``forecast_workload`` rule bills the agent hours an interval forecast
  calls for: it needs a per-interval horizon and hourly pricing of every unit-priced activity
  (``minimum_rule_incompatible``); ``staffed_hours_for_forecast`` bills planned hours too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from charte.domain.contract.forecast_commitments import ORDER, ForecastCommitments, Horizon
from charte.domain.contract.problems import Finding, Path

if TYPE_CHECKING:
    from charte.domain.contract.checks import ContractParts


def _horizon(clause: ForecastCommitments, name: str | None) -> Horizon | None:
    if name is None:
        return clause.reference_horizon
    return next((h for h in clause.horizons if h.name == name), None)


def _finer(period: str, granularity: str) -> bool:
    """Whether ``period`` (``interval`` = the forecast's own interval) is finer than ``granularity``."""
    if period == "interval":
        return not granularity.endswith("min")
    return ORDER.index(period) < ORDER.index(granularity)


#: Metrics measured per interval from interval reports: the only ones a band can neutralise or fair evaluation adjust.
INTERVAL_METRICS = ("service_level", "answer_rate", "abandonment", "asa")


def evaluation_rules(parts: ContractParts) -> list[Finding]:
    """Band-based evaluation only where intervals are measured (``evaluation_not_applicable``)."""
    return [
        Finding("evaluation_not_applicable", ("service_commitments", index, "evaluation"),
                f"commitment {c.id!r} measures {c.metric}, which is given per month (not per interval), so its "
                f"{c.evaluation.value} evaluation cannot set aside or adjust the intervals out of the band; expected "
                f"evaluation raw (band-based evaluation applies to {', '.join(INTERVAL_METRICS)})")
        for index, c in enumerate(parts.service_commitments or ())
        if c.evaluation.value != "raw" and c.metric not in INTERVAL_METRICS
    ]


#: Exclusions the settlement applies to interval-measured commitments (``ivr_only`` holds by construction: an
#: interval report counts the contacts that reached the queue).
INTERVAL_EXCLUSIONS = ("client_incidents", "force_majeure", "out_of_band_periods", "outside_opening_hours", "ivr_only")


def measurement_rules(parts: ContractParts) -> list[Finding]:
    """Measurement options a monthly settlement could not apply (``window_not_supported``,
    ``exclusion_not_applicable``)."""
    findings = []
    for index, c in enumerate(parts.service_commitments or ()):
        if c.window != "month":
            findings.append(Finding(
                "window_not_supported", ("service_commitments", index, "window"),
                f"commitment {c.id!r} is measured per {c.window}; the monthly settlement judges each commitment over "
                "the month (one result, one bonus or malus per month); expected window month"))
        allowed = INTERVAL_EXCLUSIONS if c.metric in INTERVAL_METRICS else ()
        for position, exclusion in enumerate(c.exclusions):
            if exclusion.value not in allowed:
                where = ("is measured outside interval reports, its monthly value is taken as given"
                         if c.metric not in INTERVAL_METRICS else "is measured on interval reports")
                findings.append(Finding(
                    "exclusion_not_applicable", ("service_commitments", index, "exclusions", position),
                    f"commitment {c.id!r} excludes {exclusion.value}, which the settlement cannot apply: {c.metric} "
                    f"{where}; expected "
                    + (", ".join(allowed) if allowed else "no exclusion (apply it when measuring the value)")))
    return findings


def forecast_rules(parts: ContractParts) -> list[Finding]:
    clause = parts.forecasts
    if clause is None:
        return []
    findings: list[Finding] = []
    band = _horizon(clause, clause.band.horizon)
    path: Path = ("forecasts", "band", "checked_per")
    if clause.band.checked_per == "week" or (band is not None and band.granularity == "week"):
        findings.append(Finding("week_period_not_settleable", path,
                                "weeks straddle months and a month is settled whole: a band on a weekly forecast or "
                                "checked per week cannot be applied to one monthly invoice; expected month, day or "
                                "interval"))
    elif band is not None and _finer(clause.band.checked_per, band.granularity):
        findings.append(Finding("band_finer_than_forecast", path,
                                f"the band is checked per {clause.band.checked_per} but horizon {band.name} forecasts "
                                f"per {band.granularity}; expected a period of {band.granularity} or longer (a "
                                "forecast is never spread over shorter periods by a guess)"))
    relief = clause.interval_band
    if relief is not None:
        horizon = _horizon(clause, relief.horizon)
        if horizon is not None and not horizon.granularity.endswith("min"):
            findings.append(Finding("interval_band_needs_interval_forecast", ("forecasts", "interval_band", "horizon"),
                                    f"the interval band is checked on horizon {horizon.name}, which forecasts per "
                                    f"{horizon.granularity}; expected a horizon forecast per 15, 30 or 60 minutes"))
    findings += _minimum(parts, clause)
    findings += _fair(parts, clause)
    return findings


def staffing_horizon(clause: ForecastCommitments) -> Horizon | None:
    """The per-interval horizon fair evaluation sizes the staffing on (``FairEvaluation`` docstring)."""
    fair = clause.fair_evaluation
    if fair is not None and fair.model == "declared_staffing":
        return None
    name = fair.horizon if fair is not None and fair.horizon else (
        clause.interval_band.horizon if clause.interval_band is not None else None)
    if name is not None:
        return _horizon(clause, name)
    per_interval = [h for h in clause.horizons if h.granularity.endswith("min")]
    return min(per_interval, key=lambda h: ORDER.index(h.granularity)) if per_interval else None


def _fair(parts: ContractParts, clause: ForecastCommitments) -> list[Finding]:
    fair = [(i, c) for i, c in enumerate(parts.service_commitments or ())
            if c.evaluation.value == "fair" and c.metric in INTERVAL_METRICS]
    if not fair:
        return []
    first: Path = ("service_commitments", fair[0][0], "evaluation")
    model = clause.fair_evaluation
    findings = []
    if model is None:
        findings.append(Finding(
            "fair_evaluation_model_not_stated", first,
            "commitments are evaluated fairly but the contract does not state how the staffing the forecast called "
            "for is sized; settlement uses Erlang A with the patience measured on the month (state "
            "`forecasts.fair_evaluation.model`: erlang_c, erlang_a or declared_staffing)", "warning"))
    elif model.model == "declared_staffing":
        return []
    horizon = staffing_horizon(clause)
    if horizon is None or not horizon.granularity.endswith("min"):
        found = (f"horizon {horizon.name} forecasts per {horizon.granularity}" if horizon
                 else "no horizon is per interval")
        path: Path = ("forecasts", "fair_evaluation", "model") if model is not None else first
        findings.append(Finding("fair_evaluation_needs_interval_forecast", path,
                                f"fair evaluation with {model.model if model else 'erlang_a'} sizes agents on a "
                                f"forecast per interval; {found}; expected a horizon per 15, 30 or 60 minutes, or "
                                "model declared_staffing"))
    return findings


def _minimum(parts: ContractParts, clause: ForecastCommitments) -> list[Finding]:
    minimum = clause.minimum_billing
    if minimum is None:
        return []
    findings = []
    horizon = _horizon(clause, minimum.horizon or clause.band.horizon)
    if minimum.period == "week" or (horizon is not None and horizon.granularity == "week"):
        findings.append(Finding("week_period_not_settleable", ("forecasts", "minimum_billing", "period"),
                                "weeks straddle months and a month is settled whole: a minimum per week or on a "
                                "weekly forecast cannot be billed on one monthly invoice; expected month or day"))
    elif horizon is not None and _finer(minimum.period, horizon.granularity):
        findings.append(Finding("minimum_period_finer_than_forecast", ("forecasts", "minimum_billing", "period"),
                                f"the minimum is compared per {minimum.period} but horizon {horizon.name} forecasts "
                                f"per {horizon.granularity}; expected a period of {horizon.granularity} or longer"))
    units = {a.pricing.per for a in parts.activities or () if a.pricing.per != "fixed_monthly"}
    if minimum.rule in ("forecast_workload", "staffed_hours_for_forecast") and units - {"productive_hour"}:
        findings.append(Finding("minimum_rule_incompatible", ("forecasts", "minimum_billing", "rule"),
                                f"rule {minimum.rule} bills agent hours, but activities are priced per "
                                f"{', '.join(sorted(units - {'productive_hour'}))}; expected per productive hour, or "
                                "rule forecast_volume"))
    if minimum.rule == "forecast_workload" and horizon is not None and not horizon.granularity.endswith("min"):
        findings.append(Finding("minimum_rule_incompatible", ("forecasts", "minimum_billing", "rule"),
                                f"rule forecast_workload sizes agents per interval with Erlang C; horizon "
                                f"{horizon.name} forecasts per {horizon.granularity}; expected a horizon per 15, 30 "
                                "or 60 minutes"))
    return findings
