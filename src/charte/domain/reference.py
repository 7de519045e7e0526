"""Reference series: published figures that both parties see, dated, sourced and versioned.

A reference series is a figure published by someone else that a contract or the law refers to:
an index (the Syntec index of the Fédération Syntec), the SMIC (décrets and arrêtés), the ECB
main refinancing rate, the legal interest rate (arrêtés). Each value has the period it applies
to, its source and, when known, its publication date. Values live in CSV files: those shipped
with charte (``charte/domain/reference_series/*.csv``, the values the authors could source)
and those a user adds (``charte reference add``, see :mod:`charte.io.reference_data`).

Three kinds of series:

* ``monthly`` — one value per month (indices); the value of a month not in the series is
  missing, even between two known months;
* ``half_year`` — one value per half-year starting 1 January or 1 July (the rates of Code de
  commerce L441-10 II and CMF L313-2); rates are fractions (``0.0240`` for 2.40 %);
* ``dated`` — a value in force from a date (the SMIC); each row states the last day it is
  known to apply (``until``), so the series knows where its knowledge ends.

Past what a series knows, a lookup raises :class:`ReferenceValueMissingError`, whose message says
which value is missing and how to add it; nothing is carried forward or guessed. A series'
**version** is the SHA-256 of its canonical content: a settlement records the version of every
series it used, so anyone can check they hold the same values.

The CSV format (one format for every series; ``#`` lines are comments)::

    series,period,value,source,published_on,until
    syntec,2025-10,322.2,"Fédération Syntec (…)",2025-11-28,
    smic.hourly_gross,2026-06-01,12.31,"Arrêté du 22 mai 2026 …",2026-05-24,2026-12-31
    ecb_mro,2026-07-01,2.40%,"ECB …",2026-06-11,

``period`` is ``YYYY-MM`` (monthly) or a date ``YYYY-MM-DD``; ``value`` a decimal with a point
(rates may be written ``2.40%``); ``source`` is required; ``published_on`` optional;
``until`` required for dated series. A file holding the line ``# charte: illustrative``
holds made-up values (a demo's): every series it touches is marked illustrative, and a
settlement resting on it can never be invoiced.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Final, Literal

from charte.domain.calendar import CalendarError, Month

SeriesKind = Literal["monthly", "half_year", "dated"]
ILLUSTRATIVE_MARK: Final = "# charte: illustrative"
COLUMNS: Final = ("series", "period", "value", "source", "published_on", "until")
HOW_TO_ADD: Final = ("Add the published value to a CSV (series,period,value,source,published_on,until) and load it "
                     "with `charte reference add FILE.csv`")


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """What a series is: its kind, unit and title (the publisher's name for it)."""

    name: str
    kind: SeriesKind
    unit: str
    title: str


#: Series charte knows by name; any other series in a CSV is a monthly index.
KNOWN: Final[Mapping[str, SeriesInfo]] = {
    "syntec": SeriesInfo("syntec", "monthly", "index points",
                         "Indice Syntec révisé (Fédération Syntec, base 100 en 1961; révisé depuis août 2022)"),
    "smic.hourly_gross": SeriesInfo("smic.hourly_gross", "dated", "EUR gross per hour",
                                    "SMIC horaire brut — métropole, DOM hors Mayotte, Saint-Barthélemy, Saint-Martin, "
                                    "Saint-Pierre-et-Miquelon"),
    "smic.hourly_gross.mayotte": SeriesInfo("smic.hourly_gross.mayotte", "dated", "EUR gross per hour",
                                            "SMIC horaire brut — Mayotte"),
    "ecb_mro": SeriesInfo("ecb_mro", "half_year", "fraction",
                          "Taux des opérations principales de refinancement de la BCE au 1er janvier / 1er juillet "
                          "(Code de commerce L441-10 II)"),
    "legal_interest_professional": SeriesInfo("legal_interest_professional", "half_year", "fraction",
                                              "Taux de l'intérêt légal, « tous les autres cas » (CMF L313-2)"),
}


def info_of(name: str) -> SeriesInfo:
    return KNOWN.get(name) or SeriesInfo(name, "monthly", "index points", f"index {name}")


class ReferenceValueMissingError(LookupError):
    """A value the series does not hold: the message says which, what the series holds, and how to add it."""

    code = "reference_value_missing"

    def __init__(self, series: str, wanted: str, held: str) -> None:
        self.series = series
        self.wanted = wanted
        super().__init__(f"[{self.code}] no value of `{series}` for {wanted}; the series holds {held}. {HOW_TO_ADD}")


@dataclass(frozen=True, slots=True, order=True)
class ReferencePoint:
    """One published value: the series, the first day it applies to, the value, where it comes from."""

    series: str
    start: date
    value: Decimal
    source: str
    published_on: date | None = None
    until: date | None = None          # last day it is known to apply (dated series)
    illustrative: bool = False

    def end(self, kind: SeriesKind) -> date:
        """Last day this value covers: the month, the half-year, or its stated ``until``."""
        if kind == "monthly":
            return Month.of(self.start).last_day
        if kind == "half_year":
            return date(self.start.year, 6, 30) if self.start.month == 1 else date(self.start.year, 12, 31)
        return self.until or self.start

    def canonical(self) -> str:
        return "|".join((self.series, self.start.isoformat(), format(self.value.normalize(), "f"), self.source,
                         self.published_on.isoformat() if self.published_on else "",
                         self.until.isoformat() if self.until else "", "illustrative" if self.illustrative else ""))


@dataclass(frozen=True)
class ReferenceSeries:
    """The values of one series, in order; lookups refuse what the series does not hold."""

    info: SeriesInfo
    points: tuple[ReferencePoint, ...]

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def illustrative(self) -> bool:
        return any(p.illustrative for p in self.points)

    @property
    def version(self) -> str:
        """SHA-256 of the series' canonical content (kind and every value with its source)."""
        h = hashlib.sha256(f"{self.info.name}|{self.info.kind}\n".encode())
        for point in self.points:
            h.update(point.canonical().encode() + b"\n")
        return h.hexdigest()

    @property
    def first(self) -> date | None:
        return self.points[0].start if self.points else None

    @property
    def last_known(self) -> date | None:
        """The last day the series holds a value for."""
        return max((p.end(self.info.kind) for p in self.points), default=None)

    def held(self) -> str:
        if not self.points:
            return "no value yet"
        return f"{len(self.points)} value(s) from {self.first} to {self.last_known}"

    def month(self, month: Month) -> ReferencePoint:
        """The value of ``month`` (monthly series)."""
        for point in self.points:
            if point.start == month.first_day:
                return point
        raise ReferenceValueMissingError(self.name, str(month), self.held())

    def on(self, day: date) -> ReferencePoint:
        """The value that applies on ``day``: its month, its half-year, or the dated value in force."""
        kind = self.info.kind
        if kind == "monthly":
            return self.month(Month.of(day))
        if kind == "half_year":
            start = date(day.year, 1 if day.month <= 6 else 7, 1)
            for point in self.points:
                if point.start == start:
                    return point
            raise ReferenceValueMissingError(self.name, f"the half-year starting {start} (needed for {day})",
                                             self.held())
        in_force = [p for p in self.points if p.start <= day]
        chosen = max(in_force, key=lambda p: p.start) if in_force else None
        if chosen is None or day > chosen.end(kind):
            raise ReferenceValueMissingError(self.name, str(day), self.held())
        return chosen


class ReferenceConflictError(ValueError):
    """Two values for the same series and period that differ (a shipped value and a user's, or two files)."""


@dataclass(frozen=True)
class ReferenceBook:
    """Every series known: shipped values plus the ones a user added."""

    series: Mapping[str, ReferenceSeries] = field(default_factory=dict)

    def get(self, name: str) -> ReferenceSeries:
        return self.series.get(name) or ReferenceSeries(info_of(name), ())

    def versions(self) -> dict[str, str]:
        """Version (SHA-256) of every series, by name: what a settlement binds itself to."""
        return {name: s.version for name, s in sorted(self.series.items())}

    def extended(self, points: Iterable[ReferencePoint]) -> ReferenceBook:
        """A book with ``points`` added; a different value for a held period is a :class:`ReferenceConflictError`."""
        merged = {name: {p.start: p for p in s.points} for name, s in self.series.items()}
        conflicts = []
        for point in points:
            held = merged.setdefault(point.series, {})
            old = held.get(point.start)
            if old is not None and old.value != point.value:
                conflicts.append(f"`{point.series}` {point.start}: {old.value} ({old.source}) and {point.value} "
                                 f"({point.source})")
                continue
            if old is None or (old.illustrative and not point.illustrative):
                held[point.start] = point
            elif point.until and (old.until is None or point.until > old.until):
                held[point.start] = replace(old, until=point.until)
        if conflicts:
            raise ReferenceConflictError("two different values for the same period: " + "; ".join(conflicts)
                                    + "; expected one published value per period")
        return ReferenceBook({name: ReferenceSeries(info_of(name), tuple(sorted(held.values())))
                              for name, held in sorted(merged.items())})


@dataclass(frozen=True, slots=True)
class CsvProblem:
    line: int
    code: str
    message: str


_OLDER_NAMES: Final = {"table": "series", "month": "period", "half_year_start": "period", "rate": "value"}


def from_older_csv(text: str, label: str) -> str:
    """An older index CSV (``series,month,value``) or rates CSV (``table,half_year_start,rate[,source]``) in the
    reference format, line for line (comments kept: line numbers stay); an empty source becomes ``label``."""
    out: list[str] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
            continue
        cells = [c.strip() for c in next(csv.reader([line]), [])]
        if header is None:
            header = [_OLDER_NAMES.get(c, c) for c in cells]
            out.append(",".join(COLUMNS))
            continue
        record = dict(zip(header, cells, strict=False))
        record["source"] = record.get("source") or label
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([record.get(c, "") for c in COLUMNS])
        out.append(buffer.getvalue())
    return "\n".join(out)


def is_older_csv(text: str) -> bool:
    header = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    columns = {c.strip() for c in next(csv.reader([header]), [])}
    return "period" not in columns and ({"series", "month", "value"} <= columns
                                        or {"table", "half_year_start", "rate"} <= columns)


def parse_csv(text: str) -> tuple[list[ReferencePoint], list[CsvProblem]]:
    """Points of a reference CSV (format in the module docstring) and every problem, with its line."""
    illustrative = any(line.strip().lower() == ILLUSTRATIVE_MARK for line in text.splitlines())
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        return [], [CsvProblem(1, "empty_file", f"no header; expected {','.join(COLUMNS)}")]
    rows = list(csv.reader(io.StringIO("\n".join(line for _n, line in numbered))))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("series", "period", "value", "source") if c not in header]
    if missing:
        return [], [CsvProblem(numbered[0][0], "missing_column", f"columns {', '.join(missing)} are missing; "
                               f"expected {','.join(COLUMNS)} (found {','.join(header)})")]
    points: list[ReferencePoint] = []
    problems: list[CsvProblem] = []
    for (line, _text), row in zip(numbered[1:], rows[1:], strict=False):
        record = dict(zip(header, (v.strip() for v in row), strict=False))
        try:
            points.append(_point(record, illustrative))
        except ValueError as exc:
            problems.append(CsvProblem(line, "invalid_reference_value", str(exc)))
    return points, problems


def _point(record: Mapping[str, str], illustrative: bool) -> ReferencePoint:
    name = record.get("series", "")
    if not name:
        raise ValueError("`series` is empty; expected a series name, e.g. syntec or smic.hourly_gross")
    info = info_of(name)
    start = _start(info, record.get("period", ""))
    value = _value(info, record.get("value", ""))
    source = record.get("source", "")
    if not source:
        raise ValueError(f"`source` is empty for `{name}` {start}; expected where the value was published")
    published = _date(record.get("published_on", ""), "published_on") if record.get("published_on") else None
    until = _date(record.get("until", ""), "until") if record.get("until") else None
    if info.kind == "dated" and until is None:
        raise ValueError(f"`until` is empty for `{name}` {start}; expected the last day the value is known to apply "
                         "(e.g. the day before the next revaluation, or 31 December)")
    if until is not None and until < start:
        raise ValueError(f"`until` {until} is before `period` {start}")
    return ReferencePoint(name, start, value, source, published, until, illustrative)


def _date(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{column}` is {text!r}; expected a date YYYY-MM-DD") from None


def _start(info: SeriesInfo, text: str) -> date:
    if info.kind == "monthly":
        try:
            return Month.parse(text[:7] if len(text) == 10 and text.endswith("-01") else text).first_day
        except CalendarError:
            raise ValueError(f"`period` is {text!r}; expected a month YYYY-MM for `{info.name}`") from None
    start = _date(text, "period")
    if info.kind == "half_year" and (start.month, start.day) not in ((1, 1), (7, 1)):
        raise ValueError(f"`period` is {text}; expected a 1 January or a 1 July for `{info.name}` (a half-year)")
    return start


def _value(info: SeriesInfo, text: str) -> Decimal:
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"`value` is {text!r}; expected a decimal number with a point, e.g. 322.2 or 2.40%") from None
    if not value.is_finite():
        raise ValueError(f"`value` is {text!r}; expected a finite number")
    if percent:
        value = value / 100
    if info.unit == "fraction" and not Decimal(0) <= value < 1:
        raise ValueError(f"`value` is {text!r}; expected a rate between 0% and 100% (e.g. 2.40% or 0.024)")
    if info.unit != "fraction" and value <= 0:
        raise ValueError(f"`value` is {text!r}; expected a positive number")
    return value


SHIPPED_PACKAGE: Final = "charte.domain"
SHIPPED_FOLDER: Final = "reference_series"


@lru_cache(maxsize=1)
def shipped_book() -> ReferenceBook:
    """The series shipped with charte (values the authors sourced; see each row's source)."""
    folder = resources.files(SHIPPED_PACKAGE).joinpath(SHIPPED_FOLDER)
    points: list[ReferencePoint] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            found, problems = parse_csv(entry.read_text(encoding="utf-8"))
            if problems:
                raise ValueError(f"shipped reference file {entry.name} is invalid: "
                                 + "; ".join(f"line {p.line}: {p.message}" for p in problems))
            points += found
    return ReferenceBook().extended(points)

