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


def check_text(row: int, rec: dict[str, Any], reject: frozenset[str]) -> list[Issue]:
    """``nul_in_identifier``: a text value (an id, an activity, an agent…) holding a NUL byte is refused, not stored:
    two ids that differ only after a NUL would be cut to the same text by many tools."""
    return [issue(row, "nul_in_identifier", name, f"holds a NUL byte at character {value.index(chr(0)) + 1} "
                  f"({value[:40]!r}); expected printable text", reject)
            for name, value in rec.items() if isinstance(value, str) and "\x00" in value]
