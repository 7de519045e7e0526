"""The periodic declaration a member sends the observatory, its CSV format, its validation, its history.

One declaration = one member (SIREN) × one period (``2025``, ``2025-S1`` or ``2025-Q3``), one line
per site × function × category with the headcount at the end of the period, the hires during it,
the work-study students (alternants) among the headcount and the training hours delivered.

CSV upload format (UTF-8, comma separated, header first, one period and one SIREN per file)::

    siren,period,site,country,region,function,category,headcount,hires,work_study,training_hours
    552100554,2025-S1,Lille,FR,Hauts-de-France,service,employee,120,18,6,840

Validation collects **every** problem as ``file:line: [code] message`` (STYLE.md: errors a person
can act on); a declaration with any problem is rejected and nothing is recorded. Accepted
declarations are appended to ``declarations/<siren>.jsonl`` (append-only: a resubmission for the
same period supersedes the earlier one in the barometer, the history keeps both).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final, get_args

from pydantic import BaseModel, ConfigDict, Field

from charte.domain.contract.parties import luhn_ok
from charte.observatory.members import FRENCH_REGIONS, Category, Function, MemberRegistry, MemberSite

PERIOD: Final = re.compile(r"^\d{4}(-(S[12]|Q[1-4]))?$")
COLUMNS: Final[tuple[str, ...]] = ("siren", "period", "site", "country", "region", "function", "category",
                                   "headcount", "hires", "work_study", "training_hours")
_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")

__all__ = ["COLUMNS", "Declaration", "DeclarationLine", "DeclarationProblem", "DeclarationStore", "declare",
           "parse_declaration_csv"]


class DeclarationLine(BaseModel):
    """One site × function × category of a declaration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: str
    country: str
    region: str | None = None
    function: Function
    category: Category
    headcount: int = Field(ge=0)
    hires: int = Field(ge=0)
    work_study: int = Field(ge=0)
    training_hours: Decimal = Field(ge=0)

    @property
    def geography(self) -> str:
        return MemberSite(name=self.site, country=self.country, region=self.region).geography


class Declaration(BaseModel):
    """A member's declaration for one period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    siren: str
    period: str
    lines: tuple[DeclarationLine, ...]
    recorded_at: datetime | None = None
    source: str | None = None

    @property
    def headcount(self) -> int:
        return sum(line.headcount for line in self.lines)

    @property
    def headcount_france(self) -> int:
        return sum(line.headcount for line in self.lines if line.country == "FR")

    @property
    def training_hours(self) -> Decimal:
        return sum((line.training_hours for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class DeclarationProblem:
    """A problem of a declaration file, located at its line."""

    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "code": self.code, "message": self.message}


def _int(text: str, column: str, problem: list[tuple[str, str]]) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        problem.append(("invalid_number", f"`{column}` is {text!r}; expected a whole number, 0 or more"))
        return 0
    if value < 0:
        problem.append(("negative_value", f"`{column}` is {value}; expected 0 or more"))
    return value


def _row(row: dict[str, str], registry: MemberRegistry | None) -> tuple[DeclarationLine | None, list[tuple[str, str]]]:
    out: list[tuple[str, str]] = []
    siren = row["siren"].replace(" ", "")
    if not (len(siren) == 9 and siren.isdigit()):
        out.append(("invalid_siren", f"SIREN {row['siren']!r} is not 9 digits"))
    elif not luhn_ok(siren):
        out.append(("invalid_siren", f"SIREN {siren} fails its check digit (Luhn); check for a typo"))
    elif registry is not None and siren not in registry:
        out.append(("unknown_member", f"SIREN {siren} is not a member of the observatory; register the member first"))
    if not PERIOD.match(row["period"].strip()):
        out.append(("invalid_period", f"period {row['period']!r}; expected YYYY, YYYY-S1/S2 or YYYY-Q1..Q4"))
    if not row["site"].strip():
        out.append(("missing_site", "`site` is empty; expected the site's name"))
    country, region = row["country"].strip(), row["region"].strip()
    if not _COUNTRY.match(country):
        out.append(("invalid_country", f"country {country!r} is not an ISO 3166 two-letter code; expected e.g. FR, MA"))
    elif country == "FR" and region not in FRENCH_REGIONS:
        out.append(("unknown_region", f"region {region!r} is not one of the 18 French regions, e.g. 'Hauts-de-France'"))
    function, category = row["function"].strip(), row["category"].strip()
    if function not in get_args(Function):
        out.append(("unknown_function", f"function {function!r}; expected one of service, commercial, support"))
    if category not in get_args(Category):
        out.append(("unknown_category",
                    f"category {category!r}; expected one of employee, technician_supervisor, manager"))
    headcount, hires = _int(row["headcount"], "headcount", out), _int(row["hires"], "hires", out)
    work_study = _int(row["work_study"], "work_study", out)
    if work_study > headcount:
        out.append(("work_study_exceeds_headcount",
                    f"`work_study` is {work_study}, more than the headcount {headcount}; alternants are counted in it"))
    try:
        hours = Decimal(row["training_hours"].strip() or "0")
        if not hours.is_finite() or hours < 0:
            raise InvalidOperation
    except InvalidOperation:
        out.append(("invalid_number", f"`training_hours` is {row['training_hours']!r}; expected a number, 0 or more"))
        hours = Decimal(0)
    if out:
        return None, out
    return DeclarationLine(site=row["site"].strip(), country=country, region=region or None,
                           function=function, category=category,
                           headcount=headcount, hires=hires, work_study=work_study, training_hours=hours), out


def parse_declaration_csv(text: str, file: str = "<declaration>", registry: MemberRegistry | None = None,
                          ) -> tuple[Declaration | None, list[DeclarationProblem]]:
    """Read a declaration CSV; the declaration only when there is no problem at all, and every problem found."""
    problems: list[DeclarationProblem] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        message = f"column(s) {', '.join(missing)} missing; expected header {','.join(COLUMNS)}"
        return None, [DeclarationProblem(file, 1, "missing_column", message)]
    lines: list[DeclarationLine] = []
    keys: dict[tuple[str, str, str], int] = {}
    sites: dict[str, tuple[str, str, int]] = {}
    sirens: set[str] = set()
    periods: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "") for k, v in raw.items() if k is not None}
        line, found = _row(row, registry)
        problems.extend(DeclarationProblem(file, number, code, message) for code, message in found)
        sirens.add(row["siren"].replace(" ", ""))
        periods.add(row["period"].strip())
        if line is None:
            continue
        key = (line.site, line.function, line.category)
        if key in keys:
            problems.append(DeclarationProblem(file, number, "duplicate_line",
                                               f"site {line.site!r}, {line.function}, {line.category} already declared "
                                               f"on line {keys[key]}; one line per site × function × category"))
        keys.setdefault(key, number)
        place = (line.country, line.region or "", number)
        if sites.setdefault(line.site, place)[:2] != place[:2]:
            first = sites[line.site]
            problems.append(DeclarationProblem(file, number, "site_moved",
                                               f"site {line.site!r} is in {line.country}/{line.region} here but in "
                                               f"{first[0]}/{first[1]} on line {first[2]}"))
        lines.append(line)
    if not lines and not problems:
        problems.append(DeclarationProblem(file, 2, "empty_declaration", "no line after the header"))
    if len(sirens) > 1:
        problems.append(DeclarationProblem(file, 2, "several_members",
                                           f"SIRENs {', '.join(sorted(sirens))} in one file; expected one member"))
    if len(periods) > 1:
        problems.append(DeclarationProblem(file, 2, "several_periods",
                                           f"periods {', '.join(sorted(periods))} in one file; expected one period"))
    if problems:
        return None, problems
    return Declaration(siren=sirens.pop(), period=periods.pop(), lines=tuple(lines), source=file), []


class DeclarationStore:
    """Accepted declarations as JSON lines, one append-only file per member: ``<folder>/declarations/<siren>.jsonl``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "declarations"

    def record(self, declaration: Declaration, at: datetime | None = None) -> Declaration:
        stamped = declaration.model_copy(update={"recorded_at": at or datetime.now(UTC)})
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / f"{declaration.siren}.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(stamped.model_dump_json() + "\n")
        return stamped

    def history(self, siren: str) -> list[Declaration]:
        path = self.folder / f"{siren}.jsonl"
        if not path.exists():
            return []
        return [Declaration.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    def all(self) -> list[Declaration]:
        if not self.folder.exists():
            return []
        return [d for path in sorted(self.folder.glob("*.jsonl")) for d in self.history(path.stem)]

    def latest(self) -> list[Declaration]:
        """The last declaration recorded for each member and period (a resubmission supersedes)."""
        return list(_latest(self.all()).values())


def _latest(declarations: Iterable[Declaration]) -> dict[tuple[str, str], Declaration]:
    out: dict[tuple[str, str], Declaration] = {}
    for d in declarations:
        out[(d.siren, d.period)] = d
    return out


def declare(path: Path, folder: Path, at: datetime | None = None,
            ) -> tuple[Declaration | None, list[DeclarationProblem]]:
    """Validate a declaration file against the members of ``folder`` and record it when it has no problem."""
    registry = MemberRegistry.load(folder)
    declaration, problems = parse_declaration_csv(path.read_text(encoding="utf-8"), str(path),
                                                  registry if len(registry) else None)
    if declaration is None:
        return None, problems
    return DeclarationStore(folder).record(declaration, at), []


def dumps_json(problems: list[DeclarationProblem]) -> str:
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
