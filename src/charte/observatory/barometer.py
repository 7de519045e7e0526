"""The employment barometer ("baromètre emploi" of the 2010 charter's follow-up committee).

From the members' latest declaration of each period it publishes, for each measure (headcount at
the end of the period, hires during it):

- ``function``: function (service, commercial, support) × location (France, abroad), per period,
  with the **share of jobs in France** of each function (France ÷ total, shown only when both
  cells are published);
- ``region``: region (in France) or country (abroad) × function, per period;
- ``period``: period × location, with the change from the previous period (trend).

All tables of all periods form one release protected jointly by :mod:`charte.observatory.disclosure`
(so that nothing is recovered by differencing one table or one period against another); a cell
whose atom set equals another's (the grand total appears in all three tables) gets one status.
"""

from __future__ import annotations

import csv
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from charte.domain.cells import inert_record, inert_row
from charte.observatory.declarations import Declaration
from charte.observatory.disclosure import Atom, CellKey, CellSpec, DisclosureRules, ProtectedCell, protect
from charte.observatory.members import FRENCH_REGIONS, FUNCTIONS

Measure = Literal["headcount", "hires"]
By = Literal["function", "region", "period"]
MEASURES: Final[tuple[Measure, ...]] = ("headcount", "hires")
LOCATIONS: Final = ("France", "abroad")
TOTAL: Final = "total"

__all__ = ["Barometer", "BarometerTable", "barometer_of_folder", "build_barometer",
           "export_rows", "write_csv", "write_xlsx"]


@dataclass(frozen=True)
class BarometerTable:
    """One published table: rows × columns of protected cells (``total`` row and column included)."""

    by: By
    measure: Measure
    period: str | None
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], ProtectedCell]

    def share_france(self, row: str) -> Decimal | None:
        """France ÷ total of a row, when both cells are published (function and period tables)."""
        fr, tot = self.cells[(row, "France")].published, self.cells[(row, TOTAL)].published
        if fr is None or not tot:
            return None
        return (Decimal(fr) / Decimal(tot)).quantize(Decimal("0.001"))


@dataclass(frozen=True)
class Barometer:
    tables: tuple[BarometerTable, ...]
    rules: DisclosureRules
    periods: tuple[str, ...]
    members: int

    def table(self, by: By, measure: Measure = "headcount", period: str | None = None) -> BarometerTable:
        if by != "period":
            period = period or self.periods[-1]
        for t in self.tables:
            if t.by == by and t.measure == measure and t.period == (None if by == "period" else period):
                return t
        raise KeyError(f"no {by} table of {measure} for period {period}")

    def counts(self) -> dict[str, int]:
        """Distinct cells (by atom set) per status, over every table and measure."""
        seen: dict[tuple[str, CellKey], str] = {}
        for t in self.tables:
            for cell in t.cells.values():
                seen[(t.measure, cell.key)] = cell.status
        out = {"published": 0, "empty": 0, "primary": 0, "complementary": 0}
        for status in seen.values():
            out[status] += 1
        return out


def _location(geo: str) -> str:
    return "France" if geo in FRENCH_REGIONS else "abroad"


def _latest(declarations: Iterable[Declaration]) -> list[Declaration]:
    latest: dict[tuple[str, str], Declaration] = {}
    for d in declarations:
        latest[(d.siren, d.period)] = d
    return list(latest.values())


def _layout(periods: Sequence[str], geos: Sequence[str]) -> list[tuple[By, str | None, str, str, frozenset[Atom]]]:
    """Every cell of the release: (table, period, row, column, atoms) with atoms = (period, geography, function)."""
    def atoms(ps: Iterable[str], gs: Iterable[str], fs: Iterable[str]) -> frozenset[Atom]:
        return frozenset((p, g, f) for p in ps for g in gs for f in fs)
    loc = {name: [g for g in geos if _location(g) == name] for name in LOCATIONS}
    out: list[tuple[By, str | None, str, str, frozenset[Atom]]] = []
    for p in periods:
        for f in (*FUNCTIONS, TOTAL):
            fs = FUNCTIONS if f == TOTAL else (f,)
            for col in (*LOCATIONS, TOTAL):
                out.append(("function", p, f, col, atoms([p], geos if col == TOTAL else loc[col], fs)))
        for g in (*geos, TOTAL):
            gs = geos if g == TOTAL else (g,)
            for f in (*FUNCTIONS, TOTAL):
                out.append(("region", p, g, f, atoms([p], gs, FUNCTIONS if f == TOTAL else (f,))))
        for col in (*LOCATIONS, TOTAL):
            out.append(("period", None, p, col, atoms([p], geos if col == TOTAL else loc[col], FUNCTIONS)))
    return out


def build_barometer(declarations: Iterable[Declaration], rules: DisclosureRules | None = None) -> Barometer:
    """The protected barometer of the latest declaration of each member and period."""
    rules = rules or DisclosureRules()
    latest = _latest(declarations)
    periods = tuple(sorted({d.period for d in latest}))
    geos_found = {line.geography for d in latest for line in d.lines}
    geos = tuple([r for r in FRENCH_REGIONS if r in geos_found] + sorted(geos_found - set(FRENCH_REGIONS)))
    layout = _layout(periods, geos)
    canonical: dict[frozenset[Atom], CellKey] = {}
    for by, p, row, col, atoms in layout:
        canonical.setdefault(atoms, (by, p or "", row, col))
    specs = [CellSpec(key, atoms) for atoms, key in canonical.items()]
    tables: list[BarometerTable] = []
    for measure in MEASURES:
        data: dict[tuple[str, Atom], int] = defaultdict(int)
        for d in latest:
            for line in d.lines:
                data[(d.siren, (d.period, line.geography, line.function))] += getattr(line, measure)
        release = protect(specs, data, rules)
        grouped: dict[tuple[By, str | None], dict[tuple[str, str], ProtectedCell]] = defaultdict(dict)
        for by, p, row, col, atoms in layout:
            grouped[(by, p)][(row, col)] = release.cells[canonical[atoms]]
        for (by, p), cells in grouped.items():
            rows = tuple(dict.fromkeys(r for r, _ in cells))
            cols = tuple(dict.fromkeys(c for _, c in cells))
            tables.append(BarometerTable(by, measure, p, rows, cols, cells))
    return Barometer(tuple(tables), rules, periods, len({d.siren for d in latest}))


def export_rows(barometer: Barometer, by: By | None = None) -> list[dict[str, str]]:
    """Flat rows for CSV/XLSX: table, measure, period, row, column, value (blank when withheld), flag, trend."""
    out: list[dict[str, str]] = []
    for t in barometer.tables:
        if by and t.by != by:
            continue
        for (row, col), cell in t.cells.items():
            flag = {"primary": "s", "complementary": "c"}.get(cell.status, "")
            trend = ""
            if t.by == "period" and row in barometer.periods and barometer.periods.index(row) > 0:
                prev = t.cells[(barometer.periods[barometer.periods.index(row) - 1], col)].published
                if prev is not None and cell.published is not None:
                    trend = str(cell.published - prev)
            out.append({"table": t.by, "measure": t.measure, "period": t.period or row, "row": row, "column": col,
                        "value": "" if cell.published is None else str(cell.published), "flag": flag,
                        "change": trend})
        if t.by in ("function", "period"):
            for row in t.rows:
                share = t.share_france(row)
                out.append({"table": t.by, "measure": t.measure, "period": t.period or row, "row": row,
                            "column": "share_france", "value": "" if share is None else str(share),
                            "flag": "" if share is not None else "s", "change": ""})
    return out


FIELDS: Final = ("table", "measure", "period", "row", "column", "value", "flag", "change")


def write_csv(barometer: Barometer, path: Path, by: By | None = None) -> int:
    rows = export_rows(barometer, by)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(inert_record(r) for r in rows)
    return len(rows)


def write_xlsx(barometer: Barometer, path: Path, by: By | None = None) -> int:
    """One sheet per table kind; withheld cells are blank with their flag (s primary, c complementary)."""
    from openpyxl import Workbook

    rows = export_rows(barometer, by)
    book = Workbook()
    book.remove(book.active)
    for kind in ("function", "region", "period"):
        chosen = [r for r in rows if r["table"] == kind]
        if not chosen:
            continue
        sheet = book.create_sheet(kind)
        sheet.append(list(FIELDS))
        for r in chosen:
            sheet.append(inert_row(int(r[k]) if k in ("value", "change") and r[k].lstrip("-").isdigit() else r[k]
                                   for k in FIELDS))
        sheet.freeze_panes = "A2"
    notes = book.create_sheet("notes")
    rules = barometer.rules
    notes.append([f"Cells resting on fewer than {rules.min_members} members or with one member above "
                  f"{rules.dominance:.0%} are withheld (flag s); cells withheld so that these cannot be "
                  f"recovered from totals are flagged c (protection {rules.protection:.0%})."])
    book.save(path)
    return len(rows)


CACHE_FILE: Final = "barometer.json"


def _fingerprint(declarations: Sequence[Declaration], rules: DisclosureRules) -> str:
    import hashlib
    import json

    docs = sorted((d.siren, d.period, [line.model_dump(mode="json") for line in d.lines]) for d in declarations)
    text = json.dumps([docs, [rules.min_members, rules.dominance, rules.protection]], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_doc(b: Barometer) -> dict[str, object]:
    return {"periods": list(b.periods), "members": b.members,
            "rules": [b.rules.min_members, b.rules.dominance, b.rules.protection],
            "tables": [{"by": t.by, "measure": t.measure, "period": t.period, "rows": list(t.rows),
                        "columns": list(t.columns),
                        "cells": [[r, c, list(x.key), x.value, x.members, x.status, x.reason]
                                  for (r, c), x in t.cells.items()]} for t in b.tables]}


def _from_doc(doc: dict[str, Any]) -> Barometer:
    def cells(rows: list[list[Any]]) -> dict[tuple[str, str], ProtectedCell]:
        return {(r, c): ProtectedCell(tuple(k), v, n, s, why) for r, c, k, v, n, s, why in rows}
    tables = tuple(BarometerTable(t["by"], t["measure"], t["period"], tuple(t["rows"]), tuple(t["columns"]),
                                  cells(t["cells"])) for t in doc["tables"])
    return Barometer(tables, DisclosureRules(*doc["rules"]), tuple(doc["periods"]), doc["members"])


def barometer_of_folder(folder: Path, declarations: Sequence[Declaration], rules: DisclosureRules) -> Barometer:
    """The barometer of these declarations, read from ``<folder>/barometer.json`` when it was built from the same
    declarations and rules (protecting the demo population takes about half a minute), built and saved otherwise."""
    import json

    key = _fingerprint(_latest(declarations), rules)
    path = folder / CACHE_FILE
    if path.exists():
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("fingerprint") == key:
            return _from_doc(doc["barometer"])
    barometer = build_barometer(declarations, rules)
    folder.mkdir(parents=True, exist_ok=True)
    # written beside, then renamed: a reader in another request or worker never sees half a file
    partial = path.with_name(f".{CACHE_FILE}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_text(json.dumps({"fingerprint": key, "barometer": _to_doc(barometer)}, ensure_ascii=False),
                       encoding="utf-8")
    os.replace(partial, path)
    return barometer
