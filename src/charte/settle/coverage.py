"""Data coverage of the settled month: every opening day has interval rows, or a declared reason not to.

A unit-priced activity is billed on its interval report, and its minimum billing and service
results rest on it: a day of opening hours (the activity's ``opening_hours``, public holidays
of the contract's ``holiday_subdivision``) with **no interval row** would silently bill nothing
for that day. So such a day is an error (``interval_data_gap``, every day named) unless the
facts declare it with an incident (:class:`charte.settle.facts.Incident`) covering its opening
hours whose ``effect`` is

* ``closed`` — the activity did not open (strike, site evacuation, telephony down);
* ``no_contacts`` — it opened but no contact arrived, so the ACD exported no row.

An activity whose month has no row at all is therefore never billed 0.00 without a reason.

Closed days and minimum billing (axis 1): a day ``closed`` by the **provider's** side or by
force majeure (``side: provider`` or ``none``) is taken out of the minimum-billing comparison
(its forecast and its actual volume), since the provider could not serve it; a day closed on
the **client's** side, or with ``no_contacts``, stays in (the client's risk).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.settle.amended_month import Segment
from charte.settle.facts import INCIDENT_EFFECTS, Facts, Incident, Problem
from charte.settle.period import day_of, local_day_numbers, open_days


@dataclass(frozen=True)
class Coverage:
    """Per activity: the days declared closed or without contacts, and the days out of the minimum billing."""

    declared: dict[str, dict[date, Incident]] = field(default_factory=dict)
    out_of_minimum: dict[str, frozenset[date]] = field(default_factory=dict)

    def excluded_from_minimum(self, activity: str) -> frozenset[date]:
        return self.out_of_minimum.get(activity, frozenset())


def _covers_opening(incident: Incident, contract: Contract, activity: str, day: date) -> bool:
    hours = replace(contract.activity(activity).hours, holiday_subdivision=contract.holiday_subdivision)
    spans = hours.real_spans(day)
    return bool(spans) and all(incident.start <= a and b <= incident.end for a, b in spans)


def check_coverage(segs: list[Segment], period: Month, facts: Facts, problems: list[Problem]) -> Coverage:
    """Data gaps of every activity that has an interval report (module docstring), each segment of the month
    under its own contract version (opening hours may change by avenant)."""
    declared: dict[str, dict[date, Incident]] = {}
    out_of_minimum: dict[str, set[date]] = {}
    gaps: dict[str, list[date]] = {}
    for seg in segs:
        _segment_coverage(seg, facts, declared, gaps)
    for activity, days in gaps.items():
        listed = ", ".join(d.isoformat() for d in days[:12]) + (" …" if len(days) > 12 else "")
        problems.append(Problem(
            "interval_data_gap", f"interval report ({activity})",
            f"{len(days)} opening day(s) of {period} have no interval row: {listed}; expected the day's intervals, "
            "or an incident with effect `closed` (strike, outage) or `no_contacts` covering its opening hours"))
    for activity, mine in declared.items():
        out_of_minimum[activity] = {d for d, i in mine.items() if i.effect == "closed" and i.side in ("provider",
                                                                                                       "none")}
    for incident in facts.incidents:
        if incident.effect not in INCIDENT_EFFECTS:
            problems.append(Problem("unknown_incident_effect", f"incidents ({incident.activity})",
                                    f"incident {incident.kind} of {incident.start:%Y-%m-%d} has effect "
                                    f"`{incident.effect}`; expected one of {', '.join(INCIDENT_EFFECTS)}"))
    return Coverage(declared, {a: frozenset(days) for a, days in out_of_minimum.items()})


def _segment_coverage(seg: Segment, facts: Facts, declared: dict[str, dict[date, Incident]],
                      gaps: dict[str, list[date]]) -> None:
    contract = seg.version
    for activity in contract.activities:
        block = facts.intervals_of(activity.id)
        if block is None:
            continue  # no report at all: the billable quantity says so (missing_intervals) when one is needed
        with_rows = {day_of(d) for d in set(local_day_numbers(block.start).tolist())}
        days = [d for d in open_days(contract, activity, Month.of(seg.first)) if seg.first <= d <= seg.last]
        statements = [i for i in facts.incidents if i.activity == activity.id and i.effect in ("closed", "no_contacts")]
        mine = declared.setdefault(activity.id, {})
        for day in days:
            for incident in statements:
                if _covers_opening(incident, contract, activity.id, day):
                    mine[day] = incident
                    break
        gaps.setdefault(activity.id, []).extend(d for d in days if d not in with_rows and d not in mine)
        if not gaps[activity.id]:
            del gaps[activity.id]
