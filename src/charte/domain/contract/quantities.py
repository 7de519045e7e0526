"""The units a contract is written in, read exactly.

A contract manager writes ``10%``, ``20s``, ``5min``, ``1 month``, ``45 days`` and prices as
``"28.50"``; charte reads each into an exact value and writes it back the same way, so a
contract dumped to YAML reads as it was written.

- :data:`Percent` — ``"10%"`` → ``Decimal("0.10")`` (a fraction).
- :data:`Amount` — ``"28.50"`` or ``28`` → ``Decimal("28.50")``, euros, never a float: an
  unquoted ``28.50`` in YAML is a binary float, so it is refused (``amount_not_exact``) with a
  request to quote it.
- :data:`Seconds` — ``"20s"``, ``"5min"``, ``"4h"`` → whole seconds (an ``int``).
- :data:`CalendarSpan` — ``"1 month"``, ``"45 days"``, ``"2 weeks"``, ``"1 year"``.
- :data:`MonthField` — ``"2025-08"`` → :class:`~charte.domain.calendar.Month`.
- :data:`MonthDayField` — ``"01-01"`` → :class:`MonthDay` (an anniversary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from charte.domain.calendar import CalendarError, Month
from charte.domain.money import D, MoneyError

_PERCENT: Final = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*$")
_SECONDS: Final = re.compile(r"^\s*(\d+)\s*(s|sec|secs|second|seconds|min|mins|minute|minutes|h|hour|hours)\s*$")
_SPAN: Final = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$")
_MONTH_DAY: Final = re.compile(r"^\s*(\d{2})-(\d{2})\s*$")
_SECONDS_PER: Final = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60,
                       "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600}

SpanUnit = Literal["day", "week", "month", "year"]


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _wrong(code: str, expected: str, value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        code, "expected {expected}; found {found}", {"expected": expected, "found": _found(value)}
    )


# ---------------------------------------------------------------- percentages

def parse_percent(value: Any) -> Decimal:
    """``"10%"`` → ``Decimal("0.10")``. Only the written form with ``%`` is accepted."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            return D(match.group(1)) / 100
    raise _wrong("invalid_percentage", "a percentage written with '%', e.g. '10%'", value)


def format_percent(value: Decimal) -> str:
    text = f"{(value * 100).normalize():f}"
    return f"{text}%"


def _bounded_percent(low: Decimal | None, high: Decimal | None) -> Any:
    def parse(value: Any) -> Decimal:
        fraction = parse_percent(value)
        if (low is not None and fraction < low) or (high is not None and fraction > high):
            if low is not None and high is not None:
                span = f"between {format_percent(low)} and {format_percent(high)}"
            else:
                span = f"{format_percent(low)} or more" if low is not None else "within bounds"
            raise _wrong("invalid_value", f"a percentage {span}", format_percent(fraction))
        return fraction

    pattern = r"^\s*[+-]?\d+([.,]\d+)?\s*%\s*$" if low is None else r"^\s*\+?\d+([.,]\d+)?\s*%\s*$"
    return Annotated[
        Decimal,
        PlainValidator(parse),
        PlainSerializer(format_percent, return_type=str),
        WithJsonSchema({"type": "string", "pattern": pattern, "examples": ["10%", "0.5%"]}),
    ]


#: A percentage of 0% or more, read as a fraction: ``"10%"`` → ``Decimal("0.10")``.
Percent = _bounded_percent(Decimal(0), None)
#: A share between 0% and 100%, read as a fraction.
Share = _bounded_percent(Decimal(0), Decimal(1))
#: A percentage that may be negative (a price change), read as a fraction.
SignedPercent = _bounded_percent(None, None)


# ---------------------------------------------------------------- amounts

def parse_amount(value: Any) -> Decimal:
    """An exact amount in euros: a quoted decimal (``"28.50"``, ``"28,50"``) or a whole number."""
    if isinstance(value, float):
        raise PydanticCustomError(
            "amount_not_exact",
            "{found} is a binary float, not an exact amount; quote it, e.g. \"{quoted}\"",
            {"found": repr(value), "quoted": f"{value:.2f}" if value == round(value, 2) else repr(value)},
        )
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _wrong("wrong_type", "an amount written as a quoted decimal, e.g. \"28.50\"", value)
    try:
        amount = D(value)
    except MoneyError:
        raise _wrong("invalid_value", "an amount written as a decimal, e.g. \"28.50\"", value) from None
    if amount < 0:
        raise _wrong("invalid_value", "an amount of 0 or more", value)
    return amount


Amount = Annotated[
    Decimal,
    PlainValidator(parse_amount),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({
        "anyOf": [{"type": "string", "pattern": r"^\s*\d[\d\s]*([.,]\d+)?\s*$"}, {"type": "integer", "minimum": 0}],
        "examples": ["28.50"],
    }),
]


def parse_exact(value: Any) -> Decimal:
    """An exact number (a legal constant's override): ``"0.90"``, ``45``, ``"10%"``; no float."""
    if isinstance(value, str) and "%" in value:
        return parse_percent(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "amount_not_exact", "{found} is a binary float, not an exact number; quote it, e.g. \"{found}\"",
            {"found": repr(value)},
        )
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _wrong("wrong_type", "an exact number, e.g. \"0.90\", 45 or \"10%\"", value)
    try:
        return D(value)
    except MoneyError:
        raise _wrong("invalid_value", "an exact number, e.g. \"0.90\", 45 or \"10%\"", value) from None


ExactNumber = Annotated[
    Decimal,
    PlainValidator(parse_exact),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
]


# ---------------------------------------------------------------- durations in seconds

def parse_seconds(value: Any) -> int:
    """``"20s"`` → 20, ``"5min"`` → 300, ``"4h"`` → 14400. The unit is required."""
    if isinstance(value, str):
        match = _SECONDS.match(value)
        if match:
            return int(match.group(1)) * _SECONDS_PER[match.group(2)]
    if isinstance(value, int) and not isinstance(value, bool):
        raise _wrong("invalid_duration", f"a duration with its unit, e.g. '{value}s' or '{value}min'", value)
    raise _wrong("invalid_duration", "a duration such as '20s', '5min' or '4h'", value)


def format_seconds(seconds: int) -> str:
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}min"
    return f"{seconds}s"


Seconds = Annotated[
    int,
    PlainValidator(parse_seconds),
    PlainSerializer(format_seconds, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d+\s*(s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\s*$",
                    "examples": ["20s", "5min", "4h"]}),
]


# ---------------------------------------------------------------- calendar spans

@dataclass(frozen=True, slots=True)
class CalendarSpanValue:
    """A span counted on the calendar: ``1 month``, ``45 days``, ``2 weeks``, ``1 year``."""

    count: int
    unit: SpanUnit

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"

    def before(self, day: date) -> date:
        """The day this span before ``day`` (months clamp to the month's last day)."""
        return self._shift(day, -1)

    def after(self, day: date) -> date:
        return self._shift(day, 1)

    def _shift(self, day: date, sign: int) -> date:
        if self.unit == "day":
            return day + timedelta(days=sign * self.count)
        if self.unit == "week":
            return day + timedelta(weeks=sign * self.count)
        months = self.count * (12 if self.unit == "year" else 1)
        target = Month.of(day).plus(sign * months)
        return date(target.year, target.month, min(day.day, target.last_day.day))

    @property
    def approx_months(self) -> Decimal:
        """Length in months (a day is 12/365 of a month): used only to compare spans."""
        per_unit = {"day": Decimal(12) / 365, "week": Decimal(84) / 365, "month": Decimal(1), "year": Decimal(12)}
        return self.count * per_unit[self.unit]


def parse_span(value: Any) -> CalendarSpanValue:
    if isinstance(value, CalendarSpanValue):
        return value
    if isinstance(value, str):
        match = _SPAN.match(value)
        if match:
            unit = match.group(2).rstrip("s")
            return CalendarSpanValue(int(match.group(1)), unit)  # type: ignore[arg-type]
    raise _wrong("invalid_duration", "a calendar span such as '1 month', '45 days', '2 weeks' or '1 year'", value)


CalendarSpan = Annotated[
    CalendarSpanValue,
    PlainValidator(parse_span),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d+\s*(days?|weeks?|months?|years?)\s*$",
                    "examples": ["1 month", "45 days"]}),
]


# ---------------------------------------------------------------- months and anniversaries

def parse_month(value: Any) -> Month:
    if isinstance(value, Month):
        return value
    if isinstance(value, str):
        try:
            return Month.parse(value)
        except CalendarError:
            pass
    raise _wrong("invalid_value", "a month written YYYY-MM, e.g. '2025-08'", value)


MonthField = Annotated[
    Month,
    PlainValidator(parse_month),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$", "examples": ["2025-08"]}),
]


@dataclass(frozen=True, order=True, slots=True)
class MonthDay:
    """A day of the year without a year (an anniversary): ``01-01``."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """This day in ``year``; 29 February falls back to 28 February in a common year."""
        last = Month(year, self.month).last_day.day
        return date(year, self.month, min(self.day, last))


def parse_month_day(value: Any) -> MonthDay:
    if isinstance(value, MonthDay):
        return value
    if isinstance(value, str):
        match = _MONTH_DAY.match(value)
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 1 <= day <= Month(2024, month).last_day.day:
                return MonthDay(month, day)
    raise _wrong("invalid_value", "a day of the year written MM-DD, e.g. '01-01'", value)


MonthDayField = Annotated[
    MonthDay,
    PlainValidator(parse_month_day),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}-\d{2}$", "examples": ["01-01"]}),
]
