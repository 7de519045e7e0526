"""The charter follow-up barometer: how the 2019 and 2010 charters are applied in members' contracts.

The 2010 charter set up a follow-up committee to monitor its application. Members who opt in
(:attr:`~charte.observatory.members.Member.scorecards_opt_in`) share the charter scorecards charte computes
for their contracts (:func:`charte.charter.scorecard`): per contract and semester, the verdict of each axis
of the SP2C 2019 charter and of the 2010 charter's items, and the points that fail. Only these verdicts
travel — never the contract, its client, its prices or its figures; the contract is named by the
member's own reference, which is never published.

Per semester the committee sees, for each of the 9 axes, the number and share of contracts that pass,
warn, fail or lack data; the most common failing points (payment terms beyond the legal maximum, no
minimum billing, malus without bonus, price below the socially responsible floor…) as a share of
contracts; the change of the pass share from the previous semester. Under the employment barometer's
disclosure control (:mod:`charte.observatory.disclosure`): contributions are counted in contracts per
member; a semester resting on fewer than 3 members, or where one member holds more than 80% of the
contracts, is withheld whole; within a semester each axis's four counts add up to the number of contracts
(published, the same for every axis), so a withheld count is protected against subtraction by withholding
others (complementary suppression, audited by linear programming); a semester where that cannot be done
while its number of contracts is public (e.g. a member knowing its own contracts would bound the others')
is withheld whole. A failing point is listed only when
its count passes the primary rule and its axis's fail count is published (the point's count is at most
the fail count: with the fail count public, the inequality tells nothing more).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from charte.charter import AXES, Scorecard
from charte.domain.cells import inert_record, inert_row
from charte.observatory.declarations import DeclarationProblem
from charte.observatory.disclosure import Atom, CellSpec, DisclosureRules, primary_reason, protect
from charte.observatory.members import MemberRegistry

VERDICTS: Final = ("pass", "warn", "fail", "not_enough_data")
TOTAL: Final = "total"
TOP_FINDINGS: Final = 10

#: The failing points of the scorecard as the committee names them (item of :mod:`charte.charter`).
FINDING_TITLES: Final[dict[str, str]] = {
    "forecast_clause": "No forecast commitment stated",
    "forecast_accuracy": "Forecasts outside the agreed band",
    "forecast_value_added": "Client forecasts worse than a naive forecast",
    "minimum_billing_clause": "No minimum billing",
    "minimum_billing_honoured": "Minimum billing not honoured",
    "fair_evaluation_effect": "Service judged without fair evaluation",
    "formulas_stated": "Service formulas not stated",
    "targets_met": "Service targets missed",
    "caps": "Malus not capped",
    "double_penalty": "Double penalty",
    "grids": "Bonus/malus grid unclear",
    "share_of_invoice": "Penalties weigh too much on the invoice",
    "symmetry": "Malus without bonus",
    "price_floor": "Price below the socially responsible floor",
    "indexation_clause": "No annual indexation",
    "applied_on_time": "Indexation not applied on time",
    "payment_terms_legal": "Payment terms beyond the legal maximum",
    "days_late": "Payments late",
    "notice": "Notice too short for the relationship",
    "ramp_down": "No ramp-down plan",
    "liability_cap": "Liability not capped",
    "penalties_headroom": "Penalties close to their cap",
    "certifications": "Certifications missing or expired",
    "staff_in_france": "Share of staff in France below the charter's",
    "ivr": "IVR beyond the minimum",
    "outbound_dialer": "Automated commercial dialer",
}

__all__ = ["FINDING_TITLES", "VERDICTS", "CharterBarometer", "ScorecardStore", "SharedScorecard",
           "build_charter_barometer", "from_publications", "member_position", "publication_rows", "semester_of",
           "share_scorecards", "shared_from", "write_csv", "write_xlsx"]


def semester_of(day: date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def semester_end(semester: str) -> date:
    year, half = semester.split("-S")
    return date(int(year), 6, 30) if half == "1" else date(int(year), 12, 31)


class SharedScorecard(BaseModel):
    """What a member shares of one contract's scorecard for one semester: verdicts and failing points only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    siren: str
    contract: str = Field(min_length=1, max_length=200, description="the member's own reference; never published")
    semester: str = Field(pattern=r"^\d{4}-S[12]$")
    verdicts: dict[str, str]
    failing: tuple[str, ...] = ()
    recorded_at: datetime | None = None


def _item(item: str) -> str:
    """``price_floor[outbound-sales]`` → ``price_floor``: the point, not the activity it was found on."""
    return item.split("[", 1)[0]


def shared_from(card: Scorecard, siren: str, contract: str, semester: str) -> SharedScorecard:
    failing = sorted({f"{f.axis}:{_item(f.item)}" for f in card.findings if f.verdict == "fail"})
    return SharedScorecard(siren=siren, contract=contract, semester=semester, verdicts=dict(card.verdicts),
                           failing=tuple(failing))


class ScorecardStore:
    """Shared scorecards as JSON lines, one append-only file per member: ``<folder>/scorecards/<siren>.jsonl``;
    the last record of a (contract, semester) supersedes the earlier ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "scorecards"

    def record(self, cards: Sequence[SharedScorecard], at: datetime | None = None) -> list[SharedScorecard]:
        stamp = at or datetime.now(UTC)
        stamped = [c.model_copy(update={"recorded_at": stamp}) for c in cards]
        self.folder.mkdir(parents=True, exist_ok=True)
        by_member: dict[str, list[SharedScorecard]] = defaultdict(list)
        for c in stamped:
            by_member[c.siren].append(c)
        for siren, mine in by_member.items():
            with (self.folder / f"{siren}.jsonl").open("a", encoding="utf-8") as handle:
                handle.writelines(c.model_dump_json() + "\n" for c in mine)
        return stamped

    def latest(self) -> list[SharedScorecard]:
        out: dict[tuple[str, str, str], SharedScorecard] = {}
        for path in sorted(self.folder.glob("*.jsonl")) if self.folder.exists() else []:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line:
                    c = SharedScorecard.model_validate_json(line)
                    out[(c.siren, c.contract, c.semester)] = c
        return list(out.values())


def share_scorecards(folder: Path, cards: Sequence[SharedScorecard], at: datetime | None = None,
                     ) -> tuple[list[SharedScorecard], list[DeclarationProblem]]:
    """Record shared scorecards; refused whole (every problem listed) unless each card's member is a current
    member that opted in, with the 9 axes' verdicts and a known failing point."""
    registry = MemberRegistry.load(folder)
    day = (at or datetime.now(UTC)).date()
    problems: list[DeclarationProblem] = []
    for n, card in enumerate(cards, start=1):
        where = f"scorecard {card.contract} {card.semester}"
        member = registry.get(card.siren)
        if member is None or not member.is_member_on(day):
            problems.append(DeclarationProblem(where, n, "unknown_member", f"SIREN {card.siren} is not a member"))
        elif not member.scorecards_opt_in:
            problems.append(DeclarationProblem(where, n, "not_opted_in",
                                               f"{member.company} has not opted in to share its scorecards"))
        if set(card.verdicts) != set(AXES) or not set(card.verdicts.values()) <= set(VERDICTS):
            problems.append(DeclarationProblem(where, n, "incomplete_scorecard",
                                               f"verdicts for axes {sorted(card.verdicts)}; expected each of "
                                               f"{', '.join(AXES)} with one of {', '.join(VERDICTS)}"))
        unknown = [f for f in card.failing if f.partition(":")[2] not in FINDING_TITLES]
        if unknown:
            problems.append(DeclarationProblem(where, n, "unknown_finding", f"failing points {unknown} unknown"))
    if problems:
        return [], problems
    return ScorecardStore(folder).record(cards, at), []


class CharterBarometer(BaseModel):
    """The public rows of the follow-up barometer: counts with their flag (``s``/``c``; value blank when withheld),
    shares of the semester's contracts, change of the share from the previous semester; the top failing points."""

    model_config = ConfigDict(frozen=True)

    semesters: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    findings: tuple[dict[str, str], ...]

    def cell(self, semester: str, axis: str, verdict: str) -> dict[str, str]:
        for r in self.rows:
            if (r["semester"], r["axis"], r["verdict"]) == (semester, axis, verdict):
                return r
        raise KeyError((semester, axis, verdict))

    def share(self, semester: str, axis: str, verdict: str) -> Decimal | None:
        text = self.cell(semester, axis, verdict)["share"]
        return Decimal(text) if text else None


def _ratio(n: int, d: int) -> str:
    return str((Decimal(n) / Decimal(d)).quantize(Decimal("0.001"))) if d else ""


def _semester(semester: str, cards: list[SharedScorecard], rules: DisclosureRules,
              ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    per_member = Counter(c.siren for c in cards)
    contracts = len(cards)
    withheld = [{"semester": semester, "axis": axis, "verdict": v, "value": "", "share": "", "flag": "s",
                 "change": ""} for axis in AXES for v in (*VERDICTS, TOTAL)]
    if primary_reason(per_member, rules):
        return withheld, []
    data: dict[tuple[str, Atom], int] = Counter()
    for c in cards:
        for axis, verdict in c.verdicts.items():
            data[(c.siren, (semester, axis, verdict))] += 1
    specs, totals = [], []
    for axis in AXES:
        specs += [CellSpec((semester, axis, v), frozenset({(semester, axis, v)})) for v in VERDICTS]
        specs.append(CellSpec((semester, axis, TOTAL), frozenset((semester, axis, v) for v in VERDICTS)))
        totals.append((semester, axis, TOTAL))
    try:
        release = protect(specs, data, rules, fixed=totals)
    except ArithmeticError:  # a count no other count can hide while the number of contracts is public
        return withheld, []
    rows = []
    for spec in specs:
        cell = release.cells[spec.key]
        shown = cell.published
        rows.append({"semester": semester, "axis": spec.key[1], "verdict": spec.key[2],
                     "value": "" if shown is None else str(shown), "share": "" if shown is None else
                     _ratio(shown, contracts), "flag": {"primary": "s", "complementary": "c"}.get(cell.status, ""),
                     "change": ""})
    fail_published = {r["axis"] for r in rows if r["verdict"] == "fail" and r["value"] != ""}
    points: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cards:
        for point in c.failing:
            points[point][c.siren] += 1
    findings = []
    for point, members in points.items():
        axis, item = point.split(":", 1)
        if axis in fail_published and not primary_reason(members, rules):
            count = sum(members.values())
            findings.append({"semester": semester, "axis": axis, "item": item, "value": str(count),
                             "share": _ratio(count, contracts)})
    findings.sort(key=lambda f: (-int(f["value"]), f["axis"], f["item"]))
    return rows, findings[:TOP_FINDINGS]


def build_charter_barometer(cards: Iterable[SharedScorecard], rules: DisclosureRules | None = None,
                            semesters: Sequence[str] | None = None) -> CharterBarometer:
    """The protected follow-up barometer of the shared scorecards (of ``semesters``, all by default)."""
    rules = rules or DisclosureRules()
    by_semester: dict[str, list[SharedScorecard]] = defaultdict(list)
    for c in cards:
        by_semester[c.semester].append(c)
    chosen = tuple(sorted(semesters if semesters is not None else by_semester))
    rows: list[dict[str, str]] = []
    findings: list[dict[str, str]] = []
    for semester in chosen:
        r, f = _semester(semester, by_semester.get(semester, []), rules)
        rows += r
        findings += f
    return CharterBarometer(semesters=chosen, rows=tuple(with_changes(rows)), findings=tuple(findings))


def with_changes(rows: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Rows with the change of each share from the previous semester (both shares published), in points."""
    out = [dict(r) for r in rows]
    shares = {(r["semester"], r["axis"], r["verdict"]): r["share"] for r in out}
    semesters = sorted({r["semester"] for r in out})
    for r in out:
        i = semesters.index(r["semester"])
        prev = shares.get((semesters[i - 1], r["axis"], r["verdict"]), "") if i else ""
        r["change"] = str(Decimal(r["share"]) - Decimal(prev)) if r["share"] and prev and r["verdict"] != TOTAL \
            else ""
    return out


def member_position(cards: Iterable[SharedScorecard], siren: str, semester: str) -> dict[str, dict[str, int]]:
    """A member's own counts per axis and verdict in a semester (its own data: shown to it only)."""
    out: dict[str, dict[str, int]] = {axis: dict.fromkeys(VERDICTS, 0) for axis in AXES}
    for c in cards:
        if c.siren == siren and c.semester == semester:
            for axis, verdict in c.verdicts.items():
                out[axis][verdict] += 1
    return out


FIELDS: Final = ("semester", "axis", "verdict", "value", "share", "flag", "change")


def write_csv(rows: Sequence[Mapping[str, str]], path: Path) -> int:
    """The axes' rows as CSV, text a spreadsheet would run made inert (:mod:`charte.domain.cells`)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(inert_record(r) for r in rows)
    return len(rows)


def write_xlsx(rows: Sequence[Mapping[str, str]], findings: Sequence[Mapping[str, str]], path: Path,
               headers: Mapping[str, str] | None = None) -> int:
    """Sheet ``axes`` (the counts, withheld blank with their flag) and sheet ``findings``; ``headers`` translates
    the column names. Text a spreadsheet would run is made inert (:mod:`charte.domain.cells`)."""
    from openpyxl import Workbook

    name = dict(headers or {})
    book = Workbook()
    sheet = book.active
    sheet.title = "axes"
    sheet.append(inert_row(name.get(f, f) for f in FIELDS))
    for r in rows:
        sheet.append(inert_row(int(r[k]) if k == "value" and r[k] else (float(r[k]) if k in ("share", "change")
                                                                         and r[k] else r[k]) for k in FIELDS))
    sheet.freeze_panes = "A2"
    top = book.create_sheet("findings")
    keys = ("semester", "axis", "item", "value", "share")
    top.append(inert_row(name.get(k, k) for k in keys))
    for f in findings:
        top.append(inert_row(int(f[k]) if k == "value" else (float(f[k]) if k == "share" else f[k]) for k in keys))
    book.save(path)
    return len(rows)



def publication_rows(barometer: CharterBarometer) -> list[dict[str, str]]:
    """The rows a publication keeps: the counts (``part`` axes) then the top failing points (``part`` findings)."""
    return [{"part": "axes", **r} for r in barometer.rows] + [{"part": "findings", **f} for f in barometer.findings]


def from_publications(rows: Sequence[Mapping[str, str]]) -> CharterBarometer:
    """The follow-up barometer as published (rows of one or more publications), changes recomputed across them."""
    axes = [{k: v for k, v in r.items() if k != "part"} for r in rows if r["part"] == "axes"]
    findings = [{k: v for k, v in r.items() if k != "part"} for r in rows if r["part"] == "findings"]
    return CharterBarometer(semesters=tuple(sorted({r["semester"] for r in axes})), rows=tuple(with_changes(axes)),
                            findings=tuple(findings))
