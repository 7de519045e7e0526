"""A job offer as a member posts it, validated from its form with every problem at its field.

What an offer states (issue 22; the trade body's job line): the function (service, commercial, support) and a
reference job; its position in the branch grid; the site — a commune, its region, on site / hybrid / remote;
the contract — CDI, CDD or interim with its length, work-study (apprenticeship or professionalisation) with the
diploma and the school, or an internship; the weekly hours and the shifts (weekdays, evenings, Saturdays,
Sundays); the languages spoken on the job; the gross pay range (required: EU directive 2023/970 art. 5) not
below the legal minimum (:mod:`charte.jobs.pay`); the start date; the expiry date (at most
:data:`MAX_OPEN_DAYS` after posting) and the number of places. An offer closes when it expires, when its places
are filled, or when its member withdraws it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from charte.jobs.communes import Commune, Communes
from charte.jobs.pay import PAY_PERIODS, SmicOf, check_pay_floor, smic_of
from charte.jobs.problems import FieldProblem
from charte.jobs.reference_jobs import ReferenceJobs
from charte.observatory.members import FUNCTIONS

ContractKind = Literal["cdi", "cdd", "interim", "apprenticeship", "professionalisation", "internship"]
CONTRACT_KINDS: Final[tuple[ContractKind, ...]] = ("cdi", "cdd", "interim", "apprenticeship",
                                                     "professionalisation", "internship")
WORK_STUDY: Final = frozenset({"apprenticeship", "professionalisation"})
WorkMode = Literal["on_site", "hybrid", "remote"]
WORK_MODES: Final[tuple[WorkMode, ...]] = ("on_site", "hybrid", "remote")
SHIFTS: Final = ("weekdays", "evenings", "saturdays", "sundays")
#: Languages an offer or a profile may name (ISO 639-1); names come from the locale's CLDR data.
LANGUAGES: Final = ("fr", "en", "es", "de", "it", "pt", "nl", "ar", "zh", "ru", "pl", "ro", "tr")
MAX_OPEN_DAYS: Final = 90
MAX_TEXT: Final = 4000
#: Months a contract may last: CDD up to 18 months (Code du travail L1242-8), interim assignment 18 (L1251-12),
#: apprenticeship 6 to 36 (L6222-7-1), professionalisation 6 to 36 (L6325-11, L6325-12), internship at most 6
#: in one organisation per school year (Code de l'éducation L124-5).
DURATION_MONTHS: Final[dict[str, tuple[int, int]]] = {
    "cdd": (1, 18), "interim": (1, 18), "apprenticeship": (6, 36), "professionalisation": (6, 36),
    "internship": (1, 6)}
OfferStatus = Literal["pending", "open", "hidden", "filled", "closed"]


@dataclass(frozen=True)
class Offer:
    """A validated offer (what the store keeps; the organisation, dates of posting and status are the store's)."""

    job_id: str
    title: str
    function: str
    classification: str
    commune: Commune
    work_mode: WorkMode
    contract: ContractKind
    duration_months: int | None
    diploma: str
    school: str
    weekly_hours: Decimal
    shifts: tuple[str, ...]
    schedule: str
    languages: tuple[str, ...]
    pay_min: Decimal
    pay_max: Decimal
    pay_period: str
    pay_note: str
    start_on: date
    expires_on: date
    places: int
    description: str

    @property
    def is_work_study(self) -> bool:
        return self.contract in WORK_STUDY


Form = Mapping[str, str | Sequence[str]]


def _text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return (value if isinstance(value, str) else (value[0] if value else "")).strip()


def _many(form: Form, name: str) -> list[str]:
    value = form.get(name, [])
    return [value] if isinstance(value, str) else list(value)


class _Reader:
    """Reads a form field by field, collecting every problem."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.problems: list[FieldProblem] = []

    def problem(self, field: str, code: str, template: str, **params: object) -> None:
        self.problems.append(FieldProblem(field, code, template, params))

    def text(self, name: str, limit: int, required: bool = False) -> str:
        value = _text(self.form, name)
        if required and not value:
            self.problem(name, "required", "this field is required")
        elif len(value) > limit:
            self.problem(name, "too_long", "{length} characters; at most {limit}", length=len(value), limit=limit)
        elif re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
            self.problem(name, "control_character", "contains a control character")
        return value[:limit]

    def choice(self, name: str, choices: Sequence[str]) -> str:
        value = _text(self.form, name)
        if not value:
            self.problem(name, "required", "this field is required")
        elif value not in choices:
            self.problem(name, "unknown_choice", "{found!r} is not one of the choices: {choices}",
                         found=value[:40], choices=", ".join(choices))
        return value

    def subset(self, name: str, choices: Sequence[str], at_least: int = 0) -> tuple[str, ...]:
        values = [v.strip() for v in _many(self.form, name) if v.strip()]
        unknown = [v for v in values if v not in choices]
        if unknown:
            self.problem(name, "unknown_choice", "{found!r} is not one of the choices: {choices}",
                         found=unknown[0][:40], choices=", ".join(choices))
        elif len(set(values)) < at_least:
            self.problem(name, "required", "choose at least {count}", count=at_least)
        return tuple(c for c in choices if c in values)

    def decimal(self, name: str, low: Decimal, high: Decimal) -> Decimal | None:
        raw = _text(self.form, name).replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if not raw:
            self.problem(name, "required", "this field is required")
            return None
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            self.problem(name, "not_a_number", "{found!r} is not a number; write e.g. 1850 or 12,50", found=raw[:30])
            return None
        if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
            self.problem(name, "too_precise", "{found} has more than two decimals", found=raw[:30])
            return None
        if not low <= value <= high:
            self.problem(name, "out_of_range", "{found} is outside {low} – {high}", found=value, low=low, high=high)
            return None
        return value

    def integer(self, name: str, low: int, high: int, required: bool = True) -> int | None:
        raw = _text(self.form, name)
        if not raw:
            if required:
                self.problem(name, "required", "this field is required")
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problem(name, "out_of_range", "{found!r}: expected a whole number from {low} to {high}",
                         found=raw[:20], low=low, high=high)
            return None
        return int(raw)

    def day(self, name: str) -> date | None:
        raw = _text(self.form, name)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(name, "not_a_date" if raw else "required",
                         "{found!r} is not a date; expected YYYY-MM-DD" if raw else "this field is required",
                         found=raw[:20])
            return None


def city_problem(field: str, text: str, found: object) -> FieldProblem:
    """The problem of a city that does not resolve to one commune (see :meth:`Communes.resolve`)."""
    from charte.jobs.communes import Lookup

    assert isinstance(found, Lookup)
    names = ", ".join(c.label for c in found.candidates) or "—"
    if found.problem == "empty":
        return FieldProblem(field, "required", "this field is required")
    if found.problem == "ambiguous_city":
        return FieldProblem(field, "ambiguous_city", "{found!r} names several communes: {names}; add the "
                            "département or the postcode, e.g. 'Saint-Denis (93)'",
                            {"found": text[:60], "names": names})
    return FieldProblem(field, "unknown_city", "{found!r} is not a French commune; close names: {names}",
                        {"found": text[:60], "names": names})


def parse_offer(form: Form, today: date, places: Communes, jobs: ReferenceJobs, smic: SmicOf = smic_of,
                ) -> tuple[Offer | None, list[FieldProblem]]:
    """The offer of a posted form, or ``None`` with every problem found (each at its field)."""
    r = _Reader(form)
    function = r.choice("function", FUNCTIONS)
    job_id = _text(form, "job_id")
    job = jobs.get(job_id)
    if job is None:
        r.problem("job_id", "unknown_choice", "choose a reference job from the list")
    elif function in FUNCTIONS and function not in job.functions:
        r.problem("job_id", "job_not_of_function", "{job} is not a job of the {function} function",
                  job=job.title, function=function)
    detail = r.text("title_detail", 80)
    classification = r.text("classification", 80)
    city_text = _text(form, "city")
    found = places.resolve(city_text)
    if found.commune is None:
        r.problems.append(city_problem("city", city_text, found))
    work_mode = r.choice("work_mode", WORK_MODES)
    contract = r.choice("contract", CONTRACT_KINDS)
    duration = None
    if contract in DURATION_MONTHS:
        duration = r.integer("duration_months", *DURATION_MONTHS[contract])
    diploma = r.text("diploma", 200, required=contract in WORK_STUDY)
    school = r.text("school", 200, required=contract in WORK_STUDY)
    hours = r.decimal("weekly_hours", Decimal(1), Decimal(48))
    shifts = r.subset("shifts", SHIFTS, at_least=1)
    schedule = r.text("schedule", 200)
    languages = r.subset("languages", LANGUAGES, at_least=1)
    pay_min = r.decimal("pay_min", Decimal("0.01"), Decimal(1_000_000))
    pay_max = r.decimal("pay_max", Decimal("0.01"), Decimal(1_000_000))
    pay_period = r.choice("pay_period", PAY_PERIODS)
    pay_note = r.text("pay_note", 200)
    start = r.day("start_on")
    expires = r.day("expires_on")
    count = r.integer("places", 1, 200)
    description = r.text("description", MAX_TEXT, required=True)
    if pay_min is not None and pay_max is not None and pay_max < pay_min:
        r.problem("pay_max", "pay_range_reversed", "the highest pay {high} is below the lowest {low}",
                  high=pay_max, low=pay_min)
    if expires is not None and not today < expires <= today + timedelta(days=MAX_OPEN_DAYS):
        r.problem("expires_on", "expiry_out_of_range", "the offer must expire after today and within {days} days "
                  "({last} at the latest)", days=MAX_OPEN_DAYS, last=today + timedelta(days=MAX_OPEN_DAYS))
    if start is not None and start < today:
        r.problem("start_on", "start_in_the_past", "the start date {day} is before today", day=start)
    if contract == "internship" and pay_period in PAY_PERIODS and pay_period == "year":
        r.problem("pay_period", "internship_paid_yearly", "an internship's gratification is stated per hour or "
                  "per month")
    if (pay_min is not None and hours is not None and start is not None and contract in CONTRACT_KINDS
            and pay_period in PAY_PERIODS):
        r.problems += check_pay_floor(contract, pay_min, pay_period, hours, start, smic)
    if r.problems:
        return None, r.problems
    assert job is not None and found.commune is not None and hours is not None and pay_min is not None
    assert pay_max is not None and start is not None and expires is not None and count is not None
    title = f"{job.title} — {detail}" if detail else job.title
    return Offer(job.id, title, function, classification, found.commune, work_mode, contract,  # type: ignore[arg-type]
                 duration, diploma if contract in WORK_STUDY else "", school if contract in WORK_STUDY else "",
                 hours, shifts, schedule, languages, pay_min, pay_max, pay_period, pay_note, start, expires, count,
                 description), []
