"""Source rows to canonical records, by a mapping, with every problem reported.

Numbers accept a decimal comma when the source uses one (``12,5``; spaces and, with a
decimal comma, dots as thousands separators); a comma in a decimal-point file is an error,
never a guess. Durations are ``seconds`` (default), ``h:mm:ss``, ``minutes`` or
``milliseconds``. Local times become UTC instants through the mapping's zone, and only when
the mapping states it (``naive_timestamp`` otherwise): a time in the skipped hour of a DST
change is rejected (``dst_gap``); a time in the repeated hour is rejected (``dst_ambiguous``)
unless an offset column or the mapping's ``ambiguous_times`` (``first`` or ``second``) settles
it. An offset written in the file must be the zone's offset at that instant
(``offset_mismatch``); a UTC instant (offset zero) is always accepted.

Timestamps come out as integer microseconds since the Unix epoch (UTC) with the zone's UTC
offset at that instant, so the measure layer can label intervals in local time without a
time-zone database (the offset is stored beside the instant).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from charte.domain.calendar import is_ambiguous, is_nonexistent
from charte.domain.records import Channel, Outcome
from charte.io.mapping import FieldRule, Mapping, PartRule
from charte.io.quality import Issue, issue

EPOCH = datetime(1970, 1, 1)
ONE_US = timedelta(microseconds=1)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DOTTED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
_HMS = re.compile(r"^(-)?(\d+):([0-5]?\d):([0-5]?\d)([.,]\d+)?$")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
SECONDS_FIELDS = ("ivr_seconds", "wait_seconds", "talk_seconds", "hold_seconds", "wrap_seconds", "handle_seconds")
COUNT_FIELDS = ("offered", "handled", "abandoned", "short_abandoned")


class BadValueError(Exception):
    """A value that cannot be read; becomes an :class:`Issue` of its row."""

    def __init__(self, code: str, column: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.column = column
        self.message = message


def parse_number(value: Any, decimal: str, column: str | None = None) -> float:
    """A number written with ``decimal`` ('.' or ','), spaces allowed as thousands separators."""
    if isinstance(value, bool):
        raise BadValueError("bad_number", column, f"is {value!r}; expected a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if decimal == ",":
        if "." in text:
            if not _DOTTED_THOUSANDS.match(text):
                raise BadValueError("bad_number", column, f"is {value!r}; expected a number with a decimal comma "
                                    "(12,5), a dot only between thousands (1.234,5)")
            text = text.replace(".", "")
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        expected = "a number with a decimal comma (12,5)" if decimal == "," else "a number with a decimal point (12.5)"
        raise BadValueError("bad_number", column, f"is {value!r}; expected {expected}")
    return float(text)


def parse_integer(value: Any, decimal: str, column: str | None = None) -> int:
    number = parse_number(value, decimal, column)
    if number != int(number):
        raise BadValueError("bad_number", column, f"is {value!r}; expected a whole number")
    return int(number)


def parse_hms(value: Any, column: str | None = None) -> float:
    """``h:mm:ss`` (hours may exceed 23, fraction of second allowed) to seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 86400.0  # spreadsheet duration: a fraction of a day
    match = _HMS.match(str(value).strip())
    if not match:
        raise BadValueError("bad_duration", column, f"is {value!r}; expected h:mm:ss, e.g. 0:03:25")
    sign, h, m, s, frac = match.groups()
    seconds = int(h) * 3600 + int(m) * 60 + int(s) + (float("0." + frac[1:]) if frac else 0.0)
    return -seconds if sign else float(seconds)


def parse_duration(value: Any, fmt: str, decimal: str, column: str | None = None) -> float:
    if fmt == "h:mm:ss":
        return parse_hms(value, column)
    try:
        number = parse_number(value, decimal, column)
    except BadValueError as exc:
        message = exc.message.replace("a number", f"a duration in {fmt}", 1)
        raise BadValueError("bad_duration", column, message) from None
    return number * {"seconds": 1.0, "minutes": 60.0, "milliseconds": 0.001}[fmt]


@lru_cache(maxsize=4096)
def _strptime_date(text: str, fmt: str) -> date:
    return datetime.strptime(text, fmt).date()


def parse_date(value: Any, fmt: str, column: str | None = None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return _strptime_date(str(value).strip(), fmt)
    except ValueError:
        raise BadValueError("bad_date", column, f"is {value!r}; expected a date as {fmt}") from None


def parse_time_of_day(value: Any, fmt: str, column: str | None = None) -> timedelta:
    """A wall-clock time as the time elapsed since midnight."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)
    if fmt == "h:mm:ss":
        try:
            seconds = parse_hms(value, column)
        except BadValueError:
            raise BadValueError("bad_timestamp", column, f"is {value!r}; expected a time as h:mm:ss") from None
        if not 0 <= seconds < 86400:
            raise BadValueError("bad_timestamp", column, f"is {value!r}; expected a time of day 0:00:00 to 23:59:59")
        return timedelta(seconds=seconds)
    try:
        parsed = datetime.strptime(str(value).strip(), fmt)
    except ValueError:
        raise BadValueError("bad_timestamp", column, f"is {value!r}; expected a time as {fmt}") from None
    return timedelta(hours=parsed.hour, minutes=parsed.minute, seconds=parsed.second, microseconds=parsed.microsecond)


def parse_offset(value: Any, column: str | None) -> timedelta:
    match = _OFFSET.match(str(value).strip())
    if not match:
        raise BadValueError("bad_timestamp", column, f"offset is {value!r}; expected +HH:MM")
    sign, h, m = match.groups()
    delta = timedelta(hours=int(h), minutes=int(m))
    return -delta if sign == "-" else delta


class LocalClock:
    """Local wall times of one zone to UTC, refusing what DST makes unclear."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._day_offset: dict[date, int | None] = {}

    def _steady_offset(self, day: date) -> int | None:
        """The day's UTC offset in seconds when it does not change during the day, else None."""
        if day not in self._day_offset:
            start = datetime.combine(day, time(0))
            probes = [start, start + timedelta(hours=12), start + timedelta(hours=23, minutes=59, seconds=59),
                      start + timedelta(days=1)]
            offsets = {p.replace(tzinfo=self.zone).utcoffset() for p in probes}
            single = offsets.pop() if len(offsets) == 1 else None
            self._day_offset[day] = int(single.total_seconds()) if single is not None else None
        return self._day_offset[day]

    def to_utc(self, naive: datetime, fold: int | None, column: str | None) -> tuple[int, int]:
        """(microseconds since epoch UTC, UTC offset in seconds) of a local wall time."""
        offset = self._steady_offset(naive.date())
        if offset is None:
            if is_nonexistent(naive, self.zone):
                raise BadValueError("dst_gap", column, f"{naive:%Y-%m-%d %H:%M:%S} does not exist in {self.zone.key} "
                              "(clocks jump forward); expected a time outside the skipped hour")
            if is_ambiguous(naive, self.zone):
                if fold is None:
                    raise BadValueError("dst_ambiguous", column, f"{naive:%Y-%m-%d %H:%M:%S} happens twice in "
                                  f"{self.zone.key} (clocks go back); expected a UTC offset to say which pass "
                                  "(an `offset:` column in the mapping, or +02:00/+01:00 in the time)")
                delta = naive.replace(tzinfo=self.zone, fold=fold).utcoffset()
            else:
                delta = naive.replace(tzinfo=self.zone).utcoffset()
            assert delta is not None
            offset = int(delta.total_seconds())
        return (naive - EPOCH) // ONE_US - offset * 1_000_000, offset

    def checked_instant(self, utc_naive: datetime, offset: timedelta, column: str | None, shown: str
                        ) -> tuple[int, int]:
        """(µs since epoch, local offset s) of an instant written with ``offset``, checked against the zone.

        A non-zero offset must be the zone's own at that instant: anything else is an offset the
        zone never had then, or a local time that does not exist (``offset_mismatch``).
        """
        local = utc_naive.replace(tzinfo=UTC).astimezone(self.zone).utcoffset()
        assert local is not None
        if offset and offset != local:
            raise BadValueError("offset_mismatch", column, f"is {shown}: {self.zone.key} was at "
                                f"{_signed(local)} at that instant, not {_signed(offset)}; expected {_signed(local)} "
                                "or a UTC time (Z)")
        return (utc_naive - EPOCH) // ONE_US, int(local.total_seconds())

    def aware_to_utc(self, aware: datetime, column: str | None = None) -> tuple[int, int]:
        offset = aware.utcoffset()
        assert offset is not None
        return self.checked_instant((aware - offset).replace(tzinfo=None), offset, column, aware.isoformat())


def _signed(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


Reader = Callable[[dict[str, Any]], Any]


def _blank(value: Any, empty: frozenset[str]) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return stripped == "" or stripped in empty
    return False


class RowConverter:
    """Reads one source row into canonical values (timestamps as (epoch µs, offset s))."""

    def __init__(self, mapping: Mapping, decimal: str) -> None:
        self.mapping = mapping
        self.decimal = decimal
        self.clock = LocalClock(mapping.timezone)
        self.required = {f.name for f in mapping.schema if f.required}
        self.readers: list[tuple[str, Reader]] = [(n, self._reader(r)) for n, r in mapping.fields.items()]

    # -- field readers ------------------------------------------------------------------------
    def _raw(self, rule: FieldRule) -> Reader:
        if rule.constant is not None:
            constant = rule.constant
            return lambda row: constant
        if rule.template is not None:
            template = rule.template
            names = re.findall(r"\{([^{}]+)\}", template)
            plain = re.sub(r"\{([^{}]+)\}", lambda m: "{" + str(names.index(m.group(1))) + "}", template)

            def from_template(row: dict[str, Any]) -> Any:
                parts = [row.get(n) for n in names]
                if any(_blank(p, rule.empty) for p in parts):
                    return None
                return plain.format(*(str(p).strip() for p in parts))
            return from_template
        columns, empty = rule.columns, rule.empty
        if len(columns) == 1:
            only = columns[0]

            def one_value(row: dict[str, Any]) -> Any:
                value = row.get(only)
                if value is None:
                    return None
                if isinstance(value, str):
                    value = value.strip()
                    return None if not value or value in empty else value
                return value
            return one_value

        def first_value(row: dict[str, Any]) -> Any:
            for column in columns:
                value = row.get(column)
                if not _blank(value, empty):
                    return value.strip() if isinstance(value, str) else value
            return None
        return first_value

    def _reader(self, rule: FieldRule) -> Reader:
        if rule.type == "timestamp":
            return self._timestamp_reader(rule)
        raw = self._raw(rule)
        column = rule.columns[0] if rule.columns else None
        decimal = self.decimal
        if rule.type == "seconds":
            fmt = rule.format or "seconds"
            return lambda row: None if (v := raw(row)) is None else parse_duration(v, fmt, decimal, column)
        if rule.type == "integer":
            return lambda row: None if (v := raw(row)) is None else parse_integer(v, decimal, column)
        if rule.type == "boolean":
            if rule.codes is not None:  # e.g. a dialer status read as "refused": codes first, then yes/no
                coded = self._coded_reader(rule, raw, column)
                return lambda row: None if (v := coded(row)) is None else _boolean(v, column)
            return lambda row: None if (v := raw(row)) is None else _boolean(v, column)
        if rule.codes is not None or rule.name in ("outcome", "channel", "dial_mode"):
            return self._coded_reader(rule, raw, column)
        return lambda row: None if (v := raw(row)) is None else str(v)

    def _coded_reader(self, rule: FieldRule, raw: Reader, column: str | None) -> Reader:
        codes = rule.codes
        allowed = {"outcome": {o.value for o in Outcome}, "channel": {c.value for c in Channel}}.get(rule.name)
        never = rule.never_queued_when

        def coded(row: dict[str, Any]) -> Any:
            value = raw(row)
            if value is None:
                return None
            text = str(value)
            if codes is not None:
                if text not in codes:
                    raise BadValueError("unknown_code", column, f"code {text!r} is not in the mapping; expected one of "
                                  f"{', '.join(sorted(codes))}")
                text = codes[text]
                if text.startswith("!"):
                    raise BadValueError(text[1:], column, f"code {value!r} marks a record to set aside ({text[1:]})")
            if allowed is not None and text not in allowed:
                expected = ", ".join(sorted(allowed))
                raise BadValueError("unknown_code", column, f"is {text!r}; expected one of {expected}")
            if never and text == Outcome.ABANDONED and _blank(row.get(never[0]), never[1]):
                return Outcome.IVR_ONLY.value
            return text
        return coded

    def _timestamp_reader(self, rule: FieldRule) -> Reader:
        clock, column = self.clock, (rule.columns[0] if rule.columns else None)
        if rule.date is not None:
            column = rule.time.columns[0] if rule.time is not None else rule.date.columns[0]
        offset_column = rule.offset
        naive_of = self._naive_reader(rule)
        zone_stated, mapping = self.mapping.zone_stated, self.mapping.name

        def read(row: dict[str, Any]) -> Any:
            naive = naive_of(row)
            if naive is None:
                return None
            if naive.tzinfo is not None:
                return clock.aware_to_utc(naive, column)
            if offset_column and not _blank(row.get(offset_column), frozenset()):
                wanted = parse_offset(row[offset_column], offset_column)
                return clock.checked_instant(naive - wanted, wanted, offset_column,
                                             f"{naive:%Y-%m-%d %H:%M:%S} {_signed(wanted)}")
            if not zone_stated:
                raise BadValueError("naive_timestamp", column, f"is {naive:%Y-%m-%d %H:%M:%S} with no UTC offset, and "
                                    f"mapping `{mapping}` states no `timezone`; expected an offset "
                                    f"({naive:%Y-%m-%dT%H:%M:%S}+01:00, or Z for UTC) or the zone of the file's "
                                    "local times in the mapping (`timezone: Europe/Paris`)")
            fold = self._fold(naive)
            return clock.to_utc(naive, fold, column)
        return read

    def _fold(self, naive: datetime) -> int | None:
        policy = self.mapping.ambiguous_times
        if policy == "reject" or not is_ambiguous(naive, self.clock.zone):
            return None
        return 0 if policy == "first" else 1

    def _naive_reader(self, rule: FieldRule) -> Callable[[dict[str, Any]], datetime | None]:
        if rule.date is not None and rule.time is not None:
            return self._date_time_reader(rule, rule.date, rule.time)
        raw, fmt = self._raw(rule), rule.format or "iso"
        column = rule.columns[0] if rule.columns else None

        def single(row: dict[str, Any]) -> datetime | None:
            value = raw(row)
            if value is None or isinstance(value, datetime):
                return value
            try:
                return datetime.fromisoformat(str(value)) if fmt == "iso" else datetime.strptime(str(value), fmt)
            except ValueError:
                expected = "ISO 8601 (2026-10-25 02:30:00, offset optional)" if fmt == "iso" else fmt
                raise BadValueError("bad_timestamp", column, f"is {value!r}; expected {expected}") from None
        return single

    def _date_time_reader(self, rule: FieldRule, dpart: PartRule, tpart: PartRule) -> Callable[..., datetime | None]:
        rollover = rule.day_rollover_after

        def pick(row: dict[str, Any], part: PartRule) -> tuple[Any, str]:
            for column in part.columns:
                value = row.get(column)
                if not _blank(value, part.empty):
                    return value, column
            return None, part.columns[0]

        def read(row: dict[str, Any]) -> datetime | None:
            dvalue, dcol = pick(row, dpart)
            tvalue, tcol = pick(row, tpart)
            if dvalue is None or tvalue is None:
                return None
            day = parse_date(dvalue, dpart.format, dcol)
            clock_time = parse_time_of_day(tvalue, tpart.format, tcol)
            if rollover and not _blank(row.get(rollover), frozenset()):
                anchor = parse_time_of_day(row[rollover], tpart.format, rollover)
                if clock_time < anchor - timedelta(hours=12):  # past midnight after the anchor: next day
                    clock_time += timedelta(days=1)
            return datetime.combine(day, time(0)) + clock_time
        return read

    # -- a row --------------------------------------------------------------------------------
    def convert(self, row_no: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[Issue]]:
        out: dict[str, Any] = {}
        issues: list[Issue] = []
        reject = self.mapping.reject
        for name, read in self.readers:
            try:
                value = read(row)
            except BadValueError as p:
                # a value that cannot be read always rejects its row
                issues.append(issue(row_no, p.code, p.column, p.message, reject | {p.code}))
                continue
            if value is None and name in self.required:
                rule = self.mapping.fields[name]
                cols = ", ".join(sorted(rule.source_columns())) or name
                issues.append(issue(row_no, "missing_value", cols, f"is empty; `{name}` is required"))
            out[name] = value
        return out, issues


def _boolean(value: Any, column: str | None) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "oui", "o", "vrai"):
        return True
    if text in ("0", "false", "no", "n", "non", "faux"):
        return False
    raise BadValueError("bad_number", column, f"is {value!r}; expected true/false, yes/no or 1/0")
