"""A candidate's profile, their consent, and how long their data is kept (GDPR).

- Consent (GDPR art. 6(1)(a), 7): the candidate ticks a box under the stated purpose (:data:`CONSENT_PURPOSE`,
  versioned :data:`CONSENT_VERSION`); the date and version are kept. Being found by members is a separate,
  optional consent (``searchable``): members then see a pseudonymous profile, never a name, e-mail or CV.
- Access and portability (art. 15, 20): the candidate downloads everything held on them (JSON and their CVs).
- Erasure (art. 17): deleting the account deletes the profile, the applications and the CVs no other
  application uses; what stays is counted without them (a placement stays a number in the work-study
  dashboard, with no link to the person).
- Storage limitation (art. 5(1)(e)): a profile without activity for :data:`INACTIVE_MONTHS` months is deleted,
  as the CNIL's reference on personnel management recommends for candidates (délibération n° 2019-160 du
  21 novembre 2019: at most two years after the last contact); an account whose e-mail was never verified is
  deleted after :data:`UNVERIFIED_DAYS` days. ``charte jobs purge`` does it (run it daily).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from charte.jobs.communes import Commune, Communes
from charte.jobs.offers import CONTRACT_KINDS, LANGUAGES, SHIFTS, Form, _Reader, _text, city_problem
from charte.jobs.problems import FieldProblem
from charte.observatory.members import FUNCTIONS

INACTIVE_MONTHS: Final = 24
UNVERIFIED_DAYS: Final = 7
MAX_CITIES: Final = 3
CONSENT_VERSION: Final = "2026-12"
CONSENT_PURPOSE: Final = (
    "The trade body keeps your e-mail, your profile and your applications to show you job and work-study offers "
    "of its members and to pass your applications to the member you apply to, nothing else. Only that member "
    "sees your application and your CV. Your data is deleted when you delete your account, or after 24 months "
    "without activity. You can download it at any time.")


@dataclass(frozen=True)
class Profile:
    """What a candidate looks for (the store keeps it beside the account)."""

    first_name: str
    functions: tuple[str, ...]
    cities: tuple[Commune, ...]
    radius_km: int
    remote_ok: bool
    available_from: date
    contracts: tuple[str, ...]
    languages: tuple[str, ...]
    shifts: tuple[str, ...]
    work_study: bool
    diploma_sought: str
    searchable: bool


def parse_profile(form: Form, places: Communes) -> tuple[Profile | None, list[FieldProblem]]:
    """The profile of a posted form, or ``None`` with every problem at its field."""
    r = _Reader(form)
    first_name = r.text("first_name", 60, required=True)
    functions = r.subset("functions", FUNCTIONS, at_least=1)
    cities: list[Commune] = []
    for i in range(1, MAX_CITIES + 1):
        typed = _text(form, f"city_{i}")
        if not typed:
            continue
        found = places.resolve(typed)
        if found.commune is None:
            r.problems.append(city_problem(f"city_{i}", typed, found))
        elif found.commune not in cities:
            cities.append(found.commune)
    remote_ok = _text(form, "remote_ok") == "on"
    if not cities and not remote_ok and not any(p.field.startswith("city_") for p in r.problems):
        r.problem("city_1", "required", "name at least one city, or accept remote work")
    radius = r.integer("radius_km", 0, 200)
    available = r.day("available_from")
    contracts = r.subset("contracts", CONTRACT_KINDS, at_least=1)
    languages = r.subset("languages", LANGUAGES, at_least=1)
    shifts = r.subset("shifts", SHIFTS, at_least=1)
    work_study = _text(form, "work_study") == "on"
    diploma = r.text("diploma_sought", 200)
    searchable = _text(form, "searchable") == "on"
    if work_study and not any(c in ("apprenticeship", "professionalisation") for c in contracts):
        r.problem("contracts", "work_study_without_contract", "you look for work-study: tick apprenticeship or "
                  "professionalisation")
    if r.problems:
        return None, r.problems
    assert radius is not None and available is not None
    return Profile(first_name, functions, tuple(cities), radius, remote_ok, available, contracts, languages, shifts,
                   work_study, diploma, searchable), []


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the last day of that month when it is shorter: 31 → 30, 29 Feb → 28)."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def inactive_before(today: date) -> date:
    """Accounts whose last activity is before this day are deleted today (activity on this day keeps them)."""
    return months_before(today, INACTIVE_MONTHS)


def unverified_before(now: datetime) -> datetime:
    return now - timedelta(days=UNVERIFIED_DAYS)

