"""Data quality of an import: every rejected or flagged row counted by reason, with its row number.

An import never crashes on dirty rows and never drops one silently. Each problem is an
:class:`Issue` with a stable snake_case code:

* a **rejected** row is kept out of the facts (quarantined, or the whole file refused under
  the ``reject_file`` policy): unreadable value, missing required value, unknown outcome
  code, a code the mapping marks as spurious (e.g. ``phantom_record``), a local time in a
  DST gap or an ambiguous hour with no offset, a local time when the mapping states no zone,
  an offset the zone did not have at that instant, a duplicate id, a row with the wrong
  number of fields, a NUL byte inside an identifier or any text (the sign of a corrupt or binary export);
* a **flagged** row is kept and counted: negative duration (the value is dropped, the
  contact kept), answered without agent, abandoned with service time, end before start,
  interval counts that do not add up.

A mapping may promote any flag to a rejection (``quality: {reject: [answered_without_agent]}``).

File-level problems (empty file, wrong encoding, missing column, line too long) are not
row issues: they raise :class:`SourceError` and nothing is imported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Row issues that reject the row (the others flag it).
REJECTING: frozenset[str] = frozenset({
    "missing_value", "bad_number", "bad_duration", "bad_timestamp", "bad_date", "unknown_code",
    "dst_gap", "dst_ambiguous", "naive_timestamp", "offset_mismatch", "duplicate_id", "wrong_field_count",
    "spurious_record", "phantom_record",
    "negative_count", "bad_interval", "nul_in_identifier",
})

#: Row issues that flag the row and keep it.
FLAGGING: frozenset[str] = frozenset({
    "negative_duration", "answered_without_agent", "abandoned_with_service", "end_before_start",
    "counts_inconsistent",
})


class Policy(StrEnum):
    """What an import does with rejected rows.

    ``quarantine``: rejected rows are set aside (inspectable, with row number, reason and raw
    values) and the rest is imported. ``reject_file``: one rejected row refuses the whole
    file, and nothing changes.
    """

    QUARANTINE = "quarantine"
    REJECT_FILE = "reject_file"


class SourceError(ValueError):
    """A file that cannot be read at all. ``code`` is stable; the message says where and why."""

    def __init__(self, code: str, source: str, message: str, line: int | None = None) -> None:
        self.code = code
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: [{code}] {message}")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of one row. ``row`` is the 1-based line (CSV) or sheet row (XLSX) of the source."""

    row: int
    code: str
    column: str | None
    message: str
    rejects: bool

    def render(self, source: str) -> str:
        column = f" `{self.column}`" if self.column else ""
        return f"{source}:{self.row}: [{self.code}]{column} {self.message}"


@dataclass
class QualityReport:
    """What happened to every row of one file."""

    source: str
    rows_read: int = 0
    rows_rejected: int = 0
    rows_flagged: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    def counts(self) -> dict[str, int]:
        """Issues per code, most frequent first."""
        return dict(Counter(i.code for i in self.issues).most_common())

    def rows_with(self, code: str) -> list[int]:
        return [i.row for i in self.issues if i.code == code]

    def add_row(self, issues: list[Issue]) -> bool:
        """Record one row's issues; True when the row is kept."""
        self.rows_read += 1
        if not issues:
            return True
        self.issues.extend(issues)
        if any(i.rejects for i in issues):
            self.rows_rejected += 1
            return False
        self.rows_flagged += 1
        return True

    def to_dict(self, max_rows_per_code: int | None = None) -> dict[str, Any]:
        by_code: dict[str, dict[str, Any]] = {}
        for issue in self.issues:
            entry = by_code.setdefault(issue.code, {"rejects": issue.rejects, "count": 0, "rows": []})
            entry["count"] += 1
            if max_rows_per_code is None or len(entry["rows"]) < max_rows_per_code:
                entry["rows"].append(issue.row)
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "rows_flagged": self.rows_flagged,
            "issues": by_code,
        }

    def lines(self, limit: int = 20) -> list[str]:
        """The first issues as ``file:row: [code] message`` lines."""
        return [i.render(self.source) for i in self.issues[:limit]]


def issue(row: int, code: str, column: str | None, message: str, reject: frozenset[str] = frozenset()) -> Issue:
    """Build an issue; its severity comes from the code, or from the mapping's promotions in ``reject``."""
    return Issue(row, code, column, message, code in REJECTING or code in reject)


_SECONDS = ("ivr_seconds", "wait_seconds", "talk_seconds", "hold_seconds", "wrap_seconds", "handle_seconds")
_COUNTS = ("offered", "handled", "abandoned", "short_abandoned")


def check_text(row: int, rec: dict[str, Any], reject: frozenset[str]) -> list[Issue]:
    """``nul_in_identifier``: a text value (an id, an activity, an agent…) holding a NUL byte is refused, not stored:
    two ids that differ only after a NUL would be cut to the same text by many tools."""
    return [issue(row, "nul_in_identifier", name, f"holds a NUL byte at character {value.index(chr(0)) + 1} "
                  f"({value[:40]!r}); expected printable text", reject)
            for name, value in rec.items() if isinstance(value, str) and "\x00" in value]


def check_contact(row: int, rec: dict[str, Any], mapped: set[str], reject: frozenset[str]) -> list[Issue]:
    """Consistency rules of one contact record (DOMAIN.md KPI definitions); fixes what a flag says it fixes.

    * ``negative_duration``: a negative duration is unknown, not negative: the value is dropped.
    * ``handle_seconds`` missing while talk/hold/wrap are given: handle = talk + hold + wrap.
    * ``answered_without_agent``: answered, but the mapped agent column is empty.
    * ``abandoned_with_service``: abandoned (or ended in the IVR) yet with talk or handle time.
    * ``end_before_start``: first response or closure before arrival: that time is dropped.
    * ``nul_in_identifier``: :func:`check_text`.
    """
    out: list[Issue] = check_text(row, rec, reject)
    for name in _SECONDS:
        value = rec.get(name)
        if value is not None and value < 0:
            out.append(issue(row, "negative_duration", name, f"is {value:g} s; expected 0 or more "
                             "(value dropped, contact kept)", reject))
            rec[name] = None
    if rec.get("handle_seconds") is None and any(rec.get(n) is not None for n in _SECONDS[2:5]):
        rec["handle_seconds"] = sum(rec.get(n) or 0.0 for n in _SECONDS[2:5])
    outcome = rec.get("outcome")
    if outcome == "answered" and "agent_id" in mapped and rec.get("agent_id") is None:
        out.append(issue(row, "answered_without_agent", "agent_id", "contact answered but no agent recorded", reject))
    if outcome in ("abandoned", "ivr_only"):
        service = max(rec.get("handle_seconds") or 0.0, rec.get("talk_seconds") or 0.0)
        if service > 0:
            out.append(issue(row, "abandoned_with_service", "handle_seconds",
                             f"contact {outcome} but has {service:g} s of service", reject))
    arrived = rec.get("arrived_at")
    for name in ("first_response_at", "closed_at"):
        later = rec.get(name)
        if arrived is not None and later is not None and later[0] < arrived[0]:
            out.append(issue(row, "end_before_start", name, f"is {(arrived[0] - later[0]) / 1e6:g} s before "
                             "arrival; expected at or after arrival (value dropped)", reject))
            rec[name] = None
    return out


def check_interval(row: int, rec: dict[str, Any], reject: frozenset[str]) -> list[Issue]:
    """Consistency rules of one interval-report row.

    Negative counts reject the row; handled + abandoned above offered, or more answered within
    a threshold than handled, flag it (``counts_inconsistent``). Negative durations are dropped. A NUL byte in
    a text value rejects it (:func:`check_text`).
    """
    out: list[Issue] = check_text(row, rec, reject)
    for name, value in rec.items():
        if (name in _COUNTS or name.startswith("answered_within_")) and value is not None and value < 0:
            out.append(issue(row, "negative_count", name, f"is {value}; expected 0 or more", reject))
        if name.endswith("_seconds") and value is not None and value < 0:
            out.append(issue(row, "negative_duration", name, f"is {value:g} s; expected 0 or more (value dropped)",
                             reject))
            rec[name] = None
    offered, handled, abandoned = rec.get("offered"), rec.get("handled"), rec.get("abandoned")
    if None not in (offered, handled, abandoned) and handled + abandoned > offered:  # type: ignore[operator]
        out.append(issue(row, "counts_inconsistent", "offered", f"handled {handled} + abandoned {abandoned} "
                         f"exceeds offered {offered}", reject))
    for name, value in rec.items():
        if name.startswith("answered_within_") and None not in (value, handled) and value > handled:
            out.append(issue(row, "counts_inconsistent", name, f"is {value}, more than handled {handled}", reject))
    return out
