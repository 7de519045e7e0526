"""What the job board's pages show: the labels of choices, problems in the reader's language, an offer as the
page reads it (pay per period in the locale's format, the work-study grid, the member's register entry)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from babel import Locale

from charte.jobs.communes import Communes
from charte.jobs.offers import LANGUAGES, SHIFTS, WORK_STUDY
from charte.jobs.pay import pay_rules
from charte.jobs.problems import FieldProblem
from charte.jobs.reference_jobs import ReferenceJobs
from charte.store.job_offers import status_on
from charte.store.job_rows import JobOfferRow
from charte.web.i18n import Language

#: English labels of the choices (translated by the catalog).
CONTRACT_LABELS: Final = {
    "cdi": "Permanent contract (CDI)", "cdd": "Fixed-term contract (CDD)", "interim": "Temporary work (interim)",
    "apprenticeship": "Work-study: apprenticeship", "professionalisation": "Work-study: professionalisation contract",
    "internship": "Internship"}
WORK_MODE_LABELS: Final = {"on_site": "On site", "hybrid": "Hybrid (on site and remote)", "remote": "Remote"}
SHIFT_LABELS: Final = {"weekdays": "Weekdays", "evenings": "Evenings", "saturdays": "Saturdays",
                       "sundays": "Sundays"}
PERIOD_LABELS: Final = {"hour": "per hour", "month": "per month", "year": "per year"}
STATUS_LABELS: Final = {"pending": "awaiting the trade body's review", "open": "open", "expired": "expired",
                        "hidden": "hidden by the trade body", "filled": "filled", "closed": "withdrawn"}
APPLICATION_LABELS: Final = {"received": "received", "shortlisted": "shortlisted", "hired": "hired",
                             "rejected": "not retained"}
REASON_LABELS: Final = {"misleading": "Misleading offer", "illegal_pay": "Illegal pay",
                        "discrimination": "Discrimination", "other": "Other"}
MATCH_REASONS: Final = {
    "same_function": "the function you look for", "within_radius": "within your radius",
    "remote": "remote work", "available_at_start": "available at the start",
    "available_soon_after_start": "available shortly after the start",
    "speaks_all_languages": "you speak its languages",
    "speaks_some_languages": "you speak some of its languages", "work_study_wish": "work-study, as you wish"}
CRITERION_LABELS: Final = {
    "age": "age", "sex": "sex", "nationality": "nationality", "origin": "origin",
    "physical_appearance": "physical appearance", "family_situation": "family situation", "pregnancy": "pregnancy",
    "religion": "religion", "health_disability": "health or disability", "union_activity": "union activity",
    "place_of_residence": "place of residence"}


def language_names(lang: Language) -> dict[str, str]:
    names = Locale.parse(lang.locale).languages
    return {code: names.get(code, code) for code in LANGUAGES}


def _param(value: Any, lang: Language) -> str:
    if isinstance(value, Decimal):
        return lang.number(value, 2 if value != value.to_integral_value() else 0)
    if isinstance(value, date):
        return lang.day(value)
    return str(value)


def problem_text(problem: FieldProblem, lang: Language) -> str:
    """The problem's template in the reader's language, with its figures in the locale's format."""
    params = {k: _param(v, lang) for k, v in problem.params.items()}
    return lang.gettext(problem.template).format(**params)


def problems_at(problems: list[FieldProblem], lang: Language) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(problem_text(p, lang))
    return out


@dataclass(frozen=True)
class OfferView:
    """An offer as a page shows it."""

    row: JobOfferRow
    status: str
    city: str
    department: str
    pay: str
    contract: str
    duration: str
    hours: str
    shifts: str
    languages: str
    work_mode: str
    job: str
    rome: str
    distance: str | None
    grid: tuple[tuple[str, ...], ...]

    @property
    def is_work_study(self) -> bool:
        return self.row.contract in WORK_STUDY


def offer_view(row: JobOfferRow, lang: Language, places: Communes, jobs: ReferenceJobs, day: date,
               distance: float | None = None) -> OfferView:
    _ = lang.gettext
    commune = places.get(row.commune)
    pay = (f"{lang.money(row.pay_min)} – {lang.money(row.pay_max)} {_(PERIOD_LABELS[row.pay_period])}"
           f" ({_('gross')})")
    names = language_names(lang)
    job = jobs.get(row.job_id)
    kind = row.contract if row.contract in WORK_STUDY else None
    grid = pay_rules()[kind].grid if kind else ()
    return OfferView(
        row, status_on(row, day), commune.name if commune else row.commune, commune.department if commune else "",
        pay, _(CONTRACT_LABELS[row.contract]),
        _("{months} months").format(months=row.duration_months) if row.duration_months else "",
        _("{hours} hours a week").format(hours=lang.number(Decimal(row.weekly_hours), 0 if Decimal(
            row.weekly_hours) == Decimal(row.weekly_hours).to_integral_value() else 2)),
        ", ".join(_(SHIFT_LABELS[s]) for s in row.shifts.split() if s in SHIFT_LABELS),
        ", ".join(names.get(code, code) for code in row.languages.split()), _(WORK_MODE_LABELS[row.work_mode]),
        job.title_in(lang.code) if job else row.job_id, job.rome if job else "",
        None if distance is None else lang.number(Decimal(str(round(distance, 1))), 1), grid)


def choices(lang: Language, jobs: ReferenceJobs) -> Mapping[str, Any]:
    """The choices of the forms, labelled in the reader's language."""
    _ = lang.gettext
    return {
        "functions": [(f, _(f)) for f in ("service", "commercial", "support")],
        "contracts": [(k, _(v)) for k, v in CONTRACT_LABELS.items()],
        "work_modes": [(k, _(v)) for k, v in WORK_MODE_LABELS.items()],
        "shifts": [(k, _(SHIFT_LABELS[k])) for k in SHIFTS],
        "periods": [(k, _(v)) for k, v in PERIOD_LABELS.items()],
        "languages": sorted(language_names(lang).items(), key=lambda x: (x[0] != "fr", x[1])),
        "jobs": [(j.id, j.title_in(lang.code), " ".join(j.functions)) for j in jobs.jobs],
        "reasons": [(k, _(v)) for k, v in REASON_LABELS.items()],
    }
