"""The changes a what-if states, typed and validated, and how each one changes the month's inputs.

A party that disagrees with an invoice says *what* it would have settled differently; each
change is one of the charter's levers, nothing else (validated at the edge, every option
honoured):

=====================  =========================================================================
``exclude_incident``   the incident (its :func:`~charte.disputes.evidence.incident_id`) is left out
                       of the facts: its intervals are judged as measured (axis 3, exclusions)
``include_incident``   an incident is added to the facts (activity, kind, side, start, end): its
                       intervals are set aside when the contract excludes that kind or side
``forecast_version``   another version of a horizon's forecast held for the month (activity,
                       horizon, issue) counts on the periods it covers, as if issued by their
                       deadlines (axis 1: which forecast the client committed to)
``evaluation``         a service commitment judged ``raw``, ``band_neutralised`` or ``fair`` (axis 2)
``band``               the tolerance band around the forecast (``under``, ``over``) (axis 1)
``interval_report``    a corrected interval report of an activity, submitted as a new version
                       (its content hash), replaces the one the settlement read
``index_value``        another value of an index for a month (axis 5)
=====================  =========================================================================

Contract changes (``evaluation``, ``band``) are applied as a one-month amendment effective on
the month's first day (``what-if``), so the contract is re-validated as a whole and later
amendments of the month still apply. Every change that cannot apply is a
:class:`~charte.settle.Problem` whose ``where`` names the change (``changes[2] (forecast_version)``);
all are reported at once and nothing is settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from charte.disputes.evidence import ForecastVersionId, MonthEvidence, incident_id
from charte.domain.calendar import PARIS, Month
from charte.domain.contract import Contract, Evaluation, validate_document
from charte.domain.contract.problems import dotted
from charte.domain.contract.quantities import Amount, MonthField, Percent, Share, format_percent
from charte.settle import Facts, ForecastSeries, Incident, IndexValue, Problem
from charte.settle.forecast_versions import _deadlines  # the engine's one deadline rule
from charte.settle.period import day_of, local_day_numbers

WHAT_IF_AMENDMENT = "what-if"


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExcludeIncident(_Change):
    """Leave an incident out of the facts: its intervals are judged as measured."""

    change: Literal["exclude_incident"] = "exclude_incident"
    incident: str = Field(min_length=1, max_length=200, description="the incident's id: activity/kind/startZ")


class IncludeIncident(_Change):
    """Add an incident to the facts."""

    change: Literal["include_incident"] = "include_incident"
    activity: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=60, description="e.g. client_outage, force_majeure")
    side: Literal["client", "provider", "none"] = "client"
    start: AwareDatetime
    end: AwareDatetime
    description: str = Field(default="", max_length=500)

    def incident(self) -> Incident:
        return Incident(self.activity, self.start, self.end, self.kind, self.side, self.description)


class UseForecastVersion(_Change):
    """Use another version of a horizon's forecast on the periods it covers, as if issued by their deadlines."""

    change: Literal["forecast_version"] = "forecast_version"
    activity: str = Field(min_length=1, max_length=200)
    horizon: str = Field(min_length=1, max_length=60)
    issued_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$",
                           description="the version's issue: its date, or its instant (UTC, ...Z) when two "
                                       "versions share a day")

    @field_validator("issued_on", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value

    @property
    def version(self) -> ForecastVersionId:
        return ForecastVersionId(self.activity, self.horizon, self.issued_on)


class EvaluationMode(_Change):
    """Judge a service commitment in another evaluation mode."""

    change: Literal["evaluation"] = "evaluation"
    commitment: str = Field(min_length=1, max_length=200)
    evaluation: Evaluation


class VolumeBandChange(_Change):
    """Another tolerance band around the forecast."""

    change: Literal["band"] = "band"
    under: Share
    over: Percent


class CorrectedIntervalReport(_Change):
    """Use a corrected interval report of an activity, submitted as a new version."""

    change: Literal["interval_report"] = "interval_report"
    activity: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=8, max_length=64, description="the corrected report's SHA-256 (or a prefix)")


class IndexValueChange(_Change):
    """Another value of an index for a month."""

    change: Literal["index_value"] = "index_value"
    series: str = Field(min_length=1, max_length=60)
    month: MonthField
    value: Amount


Change = Annotated[
    ExcludeIncident | IncludeIncident | UseForecastVersion | EvaluationMode | VolumeBandChange
    | CorrectedIntervalReport | IndexValueChange,
    Field(discriminator="change"),
]
CHANGE_KINDS = ("exclude_incident", "include_incident", "forecast_version", "evaluation", "band", "interval_report",
                "index_value")
_CHANGES: TypeAdapter[list[Change]] = TypeAdapter(list[Change])


def parse_changes(data: Any) -> tuple[tuple[Change, ...], list[Problem]]:
    """Changes from plain data (a JSON list); every invalid field is a problem naming the change and the field."""
    try:
        return tuple(_CHANGES.validate_python(data)), []
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            loc = item["loc"]
            index = loc[0] if loc and isinstance(loc[0], int) else None
            kind = data[index].get("change") if index is not None and isinstance(data, list) and isinstance(
                data[index], dict) else None
            field = ".".join(str(p) for p in loc[2:] if not isinstance(p, int)) if len(loc) > 2 else ""
            where = f"changes[{index}]" + (f" ({kind})" if kind else "") if index is not None else "changes"
            problems.append(Problem("invalid_change", where,
                                    (f"`{field}`: " if field else "") + str(item["msg"])))
        return (), problems


def change_as_dict(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = change.model_dump(mode="json")
    return data


def _where(i: int, change: Change) -> str:
    return f"changes[{i}] ({change.change})"


def _key(change: Change) -> tuple[str, ...] | None:
    """What a change targets: two changes with the same key contradict each other."""
    match change:
        case ExcludeIncident():
            return ("incident", change.incident)
        case EvaluationMode():
            return ("evaluation", change.commitment)
        case VolumeBandChange():
            return ("band",)
        case CorrectedIntervalReport():
            return ("intervals", change.activity)
        case IndexValueChange():
            return ("index", change.series, str(change.month))
        case UseForecastVersion():
            return ("forecast", str(change.version))
    return None


def _conflicts(changes: Sequence[Change]) -> list[Problem]:
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for i, change in enumerate(changes):
        key = _key(change)
        if key is None:
            continue
        if key in seen:
            problems.append(Problem("conflicting_changes", _where(i, change),
                                    f"changes[{seen[key]}] already changes the same thing; expected one change each"))
        else:
            seen[key] = i
    return problems


def _contract_patch(contract: Contract, changes: Sequence[tuple[int, Change]],
                    problems: list[Problem]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    commitments = []
    for i, change in changes:
        if isinstance(change, EvaluationMode):
            if change.commitment not in {c.id for c in contract.service_commitments}:
                problems.append(Problem("unknown_commitment", _where(i, change),
                                        f"`{change.commitment}` is not a service commitment of {contract.id}; "
                                        f"expected one of {', '.join(c.id for c in contract.service_commitments)}"))
                continue
            commitments.append({"id": change.commitment, "evaluation": str(change.evaluation)})
        elif isinstance(change, VolumeBandChange):
            if contract.forecasts is None:
                problems.append(Problem("no_forecast_clause", _where(i, change),
                                        f"contract {contract.id} has no `forecasts` clause, hence no band to change"))
                continue
            patch["forecasts"] = {"band": {"under": format_percent(change.under),
                                           "over": format_percent(change.over)}}
    if commitments:
        patch["service_commitments"] = commitments
    return patch


def changed_contract(evidence: MonthEvidence, changes: Sequence[Change], problems: list[Problem]) -> Contract:
    """The contract with the contract changes as a one-month amendment (see the module docstring)."""
    indexed = [(i, c) for i, c in enumerate(changes) if isinstance(c, EvaluationMode | VolumeBandChange)]
    if not indexed:
        return evidence.contract
    version = evidence.contract.as_of(evidence.period.first_day)
    patch = _contract_patch(version, indexed, problems)
    if not patch:
        return evidence.contract
    document = evidence.contract.document()
    month: Month = evidence.period
    document["amendments"] = [*document.get("amendments", []), {
        "id": WHAT_IF_AMENDMENT, "effective": month.first_day.isoformat(),
        "summary": f"what-if for {month}", "changes": patch}]
    validation = validate_document(document)
    if validation.contract is None:
        where = ", ".join(_where(i, c) for i, c in indexed)
        problems += [Problem(f.code, where, f"{dotted(f.path)}: {f.message}") for f in validation.findings
                     if f.is_error]
        return evidence.contract
    return validation.contract


def counted_by_deadline(contract: Contract, version: ForecastSeries) -> list[ForecastSeries]:
    """``version`` as if issued by the deadline of each of its periods: one part per deadline, stamped the
    deadline's last second (Paris), so that the engine's rule — per period, the latest version issued by the
    deadline — picks it over every version the settlement used (:mod:`charte.settle.forecast_versions`)."""
    deadlines = _deadlines(contract, version, local_day_numbers(version.period_start))
    parts = []
    for deadline in sorted(set(deadlines.tolist())):
        day = day_of(deadline)
        stamp = datetime.combine(day, time(23, 59, 59), PARIS)
        parts.append(replace(version.rows(deadlines == deadline), issued_on=day, issued_at=stamp,
                             source=f"what-if: version issued {version.issued}, counted as issued by {day}"))
    return parts


def _forecasts(evidence: MonthEvidence, changes: Sequence[tuple[int, UseForecastVersion]],
               problems: list[Problem]) -> list[ForecastSeries]:
    forecasts = list(evidence.forecasts)
    versions = evidence.forecast_versions()
    contract = evidence.contract.as_of(evidence.period.first_day)
    for i, change in changes:
        chosen = versions.get(change.version)
        if chosen is None:
            held = sorted(str(v) for v in versions if (v.activity, v.horizon) == (change.activity, change.horizon))
            problems.append(Problem("forecast_version_missing", _where(i, change),
                                    f"no {change.horizon} forecast of `{change.activity}` issued {change.issued_on} "
                                    f"is held for {evidence.period}; held: {', '.join(held) or 'none'}"))
            continue
        if contract.forecasts is None or change.horizon not in {h.name for h in contract.forecasts.horizons}:
            problems.append(Problem("unknown_horizon", _where(i, change),
                                    f"horizon {change.horizon} is not a forecast horizon of {contract.id}"))
            continue
        forecasts = [s for s in forecasts if s is not chosen] + counted_by_deadline(contract, chosen)
    return forecasts


def _incidents(evidence: MonthEvidence, changes: Sequence[tuple[int, Change]], known: set[str],
               problems: list[Problem]) -> list[Incident]:
    by_id = evidence.incidents_by_id()
    kept = dict(by_id)
    for i, change in changes:
        if isinstance(change, ExcludeIncident):
            if change.incident not in by_id:
                problems.append(Problem("unknown_incident", _where(i, change),
                                        f"no incident `{change.incident}` in the facts of {evidence.period}; "
                                        f"incidents: {', '.join(by_id) or 'none'}"))
            kept.pop(change.incident, None)
        elif isinstance(change, IncludeIncident):
            problems += _incident_problems(i, change, evidence.period, known, set(by_id))
    added = [c.incident() for _, c in changes if isinstance(c, IncludeIncident)]
    return [*kept.values(), *added]


def _incident_problems(i: int, change: IncludeIncident, period: Month, known: set[str],
                       existing: set[str]) -> list[Problem]:
    where = _where(i, change)
    problems = []
    if change.activity not in known:
        problems.append(Problem("unknown_activity", where, f"activity `{change.activity}` is not in the contract; "
                                                           f"expected one of {', '.join(sorted(known))}"))
    if change.end <= change.start:
        problems.append(Problem("incident_ends_before_start", where,
                                f"the incident ends {change.end.isoformat()}, not after its start "
                                f"{change.start.isoformat()}"))
    first, last = period.first_day, period.last_day
    if change.end.date() < first or change.start.date() > last:
        problems.append(Problem("incident_outside_period", where,
                                f"the incident {change.start.isoformat()} – {change.end.isoformat()} is outside "
                                f"{period}; it would change nothing"))
    if incident_id(change.incident()) in existing:
        problems.append(Problem("incident_already_in_facts", where,
                                f"incident `{incident_id(change.incident())}` is already in the facts"))
    return problems


def changed_facts(evidence: MonthEvidence, changes: Sequence[Change], problems: list[Problem]) -> Facts:
    """The month's facts with the fact changes applied (every problem appended to ``problems``)."""
    indexed = list(enumerate(changes))
    known = {a.id for a in evidence.contract.activities}
    forecasts = _forecasts(evidence, [(i, c) for i, c in indexed if isinstance(c, UseForecastVersion)], problems)
    incidents = _incidents(evidence, [(i, c) for i, c in indexed if isinstance(c, ExcludeIncident | IncludeIncident)],
                           known, problems)
    blocks = {b.activity: b for b in evidence.intervals}
    reports = evidence.report_versions()
    for i, change in indexed:
        if isinstance(change, CorrectedIntervalReport):
            found = [v for key, v in reports.items() if key.startswith(change.version)]
            if len(found) != 1 or found[0].block.activity != change.activity:
                held = ", ".join(f"{v.block.activity}:{k[:12]}" for k, v in reports.items()) or "none"
                problems.append(Problem("interval_report_version_missing", _where(i, change),
                                        f"no single corrected interval report of `{change.activity}` with version "
                                        f"{change.version} is held; held: {held}"))
                continue
            blocks[change.activity] = found[0].block
    index = {(v.series, v.month): v for v in evidence.index_values}
    for change in changes:
        if isinstance(change, IndexValueChange):
            index[(change.series, change.month)] = IndexValue(change.series, change.month, Decimal(change.value))
    if problems:
        return evidence.facts()
    return Facts.of(intervals=blocks.values(), forecasts=forecasts, staffing=evidence.staffing, incidents=incidents,
                    index_values=index.values(), kpis=evidence.kpis, successes=evidence.successes,
                    references=evidence.references)


def apply_changes(evidence: MonthEvidence, changes: Sequence[Change]) -> tuple[Contract, Facts, list[Problem]]:
    """The contract and facts of the what-if, and every problem found (all at once)."""
    problems = _conflicts(changes)
    contract = changed_contract(evidence, changes, problems)
    facts = changed_facts(evidence, changes, problems)
    return contract, facts, problems


__all__ = [
    "CHANGE_KINDS", "WHAT_IF_AMENDMENT", "Change", "CorrectedIntervalReport", "EvaluationMode", "ExcludeIncident",
    "IncludeIncident", "IndexValueChange", "UseForecastVersion", "VolumeBandChange", "apply_changes",
    "change_as_dict", "changed_contract", "changed_facts", "counted_by_deadline", "parse_changes",
]
