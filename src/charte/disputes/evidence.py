"""The evidence a contested month rests on: what the issued settlement read, and the other versions.

A what-if re-settles the month from the same evidence with stated changes, so the evidence is
split in two:

* **what the issued settlement read** — the contract, the month and its facts (interval
  reports, every forecast version — the engine chooses, per period, the latest issued by the
  horizon's deadline: :mod:`charte.settle.forecast_versions` — staffing, incidents, index values
  and the reference data's stamps, measured KPIs, successes). :meth:`MonthEvidence.facts`
  rebuilds the engine's input from them; its digest must equal the issued settlement's
  ``inputs_sha256`` or the evidence is not the one the invoice rests on
  (:func:`charte.disputes.whatif.whatif` refuses it);
* **other versions** submitted during the dispute: forecast versions the facts did not hold,
  and corrected interval reports. A what-if may use any forecast version, held or submitted, by
  its identity (:class:`ForecastVersionId`), and a corrected report by its content hash.

A settlement made from the register of evidence (issue 14) hashes its evidence block — the files
by hash, the reference series, the software versions — with its facts; its evidence carries that
block (``settled``), and :meth:`MonthEvidence.digest` includes it.

Incidents have no number in the facts files, so each gets a stable, readable identifier from
what it is: ``activity/kind/start`` (UTC, to the minute), e.g.
``service-inbound/client_outage/2026-10-21T12:00Z`` (:func:`incident_id`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.settle import (
    Facts,
    ForecastSeries,
    Incident,
    IndexValue,
    IntervalBlock,
    MeasuredKpi,
    StaffingBlock,
    Successes,
    inputs_digest,
)
from charte.settle.evidence import Evidence
from charte.settle.facts import ReferenceStamp


def incident_id(incident: Incident) -> str:
    """The incident's identifier: ``activity/kind/YYYY-MM-DDTHH:MMZ`` of its start (see the module docstring)."""
    return f"{incident.activity}/{incident.kind}/{incident.start.astimezone(UTC):%Y-%m-%dT%H:%M}Z"


def incident_ids(incidents: tuple[Incident, ...]) -> dict[str, Incident]:
    """Each incident by its identifier; a second incident with the same one gets ``#2``, and so on."""
    seen: Counter[str] = Counter()
    out: dict[str, Incident] = {}
    for incident in incidents:
        base = incident_id(incident)
        seen[base] += 1
        out[base if seen[base] == 1 else f"{base}#{seen[base]}"] = incident
    return out


@dataclass(frozen=True, order=True)
class ForecastVersionId:
    """Which forecast: an activity's horizon as issued (the date, or the instant when the version records it)."""

    activity: str
    horizon: str
    issued: str

    def __str__(self) -> str:
        return f"{self.activity}:{self.horizon}:{self.issued}"


def version_of(series: ForecastSeries) -> ForecastVersionId:
    return ForecastVersionId(series.activity, series.horizon, series.issued)


@dataclass(frozen=True, eq=False)
class IntervalReportVersion:
    """A corrected interval report of one activity, submitted as a new version (``version``: its content hash)."""

    version: str
    block: IntervalBlock
    submitted_by: str = ""
    note: str = ""


@dataclass(frozen=True, eq=False)
class MonthEvidence:
    """The contract, the month, what the issued settlement read, and the other versions (module docstring)."""

    contract: Contract
    period: Month
    intervals: tuple[IntervalBlock, ...] = ()
    forecasts: tuple[ForecastSeries, ...] = ()
    staffing: tuple[StaffingBlock, ...] = ()
    incidents: tuple[Incident, ...] = ()
    index_values: tuple[IndexValue, ...] = ()
    kpis: tuple[MeasuredKpi, ...] = ()
    successes: tuple[Successes, ...] = ()
    other_forecasts: tuple[ForecastSeries, ...] = ()
    corrected_reports: tuple[IntervalReportVersion, ...] = ()
    references: tuple[ReferenceStamp, ...] = ()
    settled: Evidence | None = None

    @classmethod
    def of(cls, contract: Contract, period: Month, facts: Facts, *, other_forecasts: Iterable[ForecastSeries] = (),
           corrected_reports: Iterable[IntervalReportVersion] = (), settled: Evidence | None = None) -> MonthEvidence:
        """The evidence of facts built as the settlement built them, with the other versions held; ``settled``: the
        settlement's evidence block when it was made from the register of evidence (part of its input hash)."""
        return cls(contract, period, facts.intervals, facts.forecasts, facts.staffing, facts.incidents,
                   facts.index_values, facts.kpis, facts.successes, tuple(other_forecasts), tuple(corrected_reports),
                   facts.references, settled)

    def facts(self) -> Facts:
        """The settlement engine's input, as the issued settlement read it."""
        return Facts.of(intervals=self.intervals, forecasts=self.forecasts, staffing=self.staffing,
                        incidents=self.incidents, index_values=self.index_values, kpis=self.kpis,
                        successes=self.successes, references=self.references)

    def digest(self) -> str:
        """What the issued settlement's ``inputs_sha256`` must be if it rests on this evidence (its evidence block
        included when it was settled from the register)."""
        return inputs_digest(self.contract, self.period, self.facts(), self.settled)

    def incidents_by_id(self) -> dict[str, Incident]:
        return incident_ids(self.incidents)

    def forecast_versions(self) -> dict[ForecastVersionId, ForecastSeries]:
        """Every forecast issue held for the month, read or not, by its identity."""
        return {version_of(s): s for s in (*self.forecasts, *self.other_forecasts)}

    def report_versions(self) -> dict[str, IntervalReportVersion]:
        return {v.version: v for v in self.corrected_reports}


__all__ = ["ForecastVersionId", "IntervalReportVersion", "MonthEvidence", "incident_id", "incident_ids", "version_of"]
