"""``charte staff``: agents needed for a service target, and the service they give.

    charte staff --calls 120 --per 30min --aht 280s --target 80/20 [--patience 120s]
    charte staff --csv intervals.csv --per 15min --aht 300s --target 80/20 --out staffed.csv

The CSV needs a ``calls`` column (``offered`` is accepted too); optional columns
``aht_seconds``, ``period_seconds`` and ``patience_seconds`` override the options row by row;
every other column is carried to the output unchanged. ``;`` separators and decimal commas
are read as well as ``,`` and points.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from charte.cli.app import app
from charte.workforce import (
    StaffingTargets,
    WorkforceInputError,
    scheduled_fte,
    staff_for_targets,
)

_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|min|m|sec|s)?")
CALL_COLUMNS = ("calls", "offered")
CHUNK = 5_000


def parse_duration(text: str, option: str) -> float:
    """'280s', '4min40s', '30min', '1h', '4.5min' or a bare number of seconds → seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    position, total = 0, 0.0
    while position < len(cleaned):
        match = _PART.match(cleaned, position)
        if match is None or match.end() == position:
            break
        total += float(match.group(1).replace(",", ".")) * _UNITS[match.group(2) or "s"]
        position = match.end()
    if not cleaned or position != len(cleaned):
        raise typer.BadParameter(f"{text!r} is not a duration; expected e.g. 280s, 4min40s, 30min, 1h",
                                 param_hint=option)
    return total


def parse_target(text: str) -> tuple[float, float]:
    """'80/20' → (0.8, 20.0): 80 % answered within 20 seconds ('80%/20s' also accepted)."""
    match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*%?\s*/\s*(\S+)\s*", text)
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a target; expected PERCENT/SECONDS such as 80/20",
                                 param_hint="--target")
    share = float(match.group(1).replace(",", ".")) / 100.0
    if not 0.0 < share < 1.0:
        raise typer.BadParameter(f"{text!r}: the share must be above 0 % and below 100 %", param_hint="--target")
    return share, parse_duration(match.group(2), "--target")


def _number(text: str) -> float:
    return float(text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))


@app.command()
def staff(
    calls: Annotated[float | None, typer.Option(help="calls offered in the interval")] = None,
    per: Annotated[str, typer.Option(help="interval length: 15min, 30min, 1h…")] = "30min",
    aht: Annotated[str, typer.Option(help="average handle time: 280s, 4min40s…")] = "180s",
    target: Annotated[list[str] | None, typer.Option(help="PERCENT/SECONDS, e.g. 80/20; repeat for several")] = None,
    patience: Annotated[str | None, typer.Option(help="mean patience before hanging up (Erlang A), e.g. 120s")] = None,
    max_asa: Annotated[str | None, typer.Option(help="cap on the mean wait of offered callers, e.g. 30s")] = None,
    max_abandonment: Annotated[float | None, typer.Option(help="cap on the abandonment share, e.g. 0.05")] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="cap on agent occupancy, e.g. 0.85")] = None,
    shrinkage: Annotated[float | None, typer.Option(help="share of paid time off the phone, e.g. 0.3")] = None,
    fractional: Annotated[bool, typer.Option(help="fractional agents (no rounding before summing queues)")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="a CSV of intervals (column calls or offered)")] = None,
    out: Annotated[Path | None, typer.Option(help="where to write the staffed CSV (default: standard output)")] = None,
) -> None:
    """Agents per interval for the targets, with service level, ASA, abandonment and occupancy."""
    levels = tuple(parse_target(t) for t in (target or ["80/20"]))
    targets = StaffingTargets(
        service_levels=levels,
        max_asa_seconds=None if max_asa is None else parse_duration(max_asa, "--max-asa"),
        max_abandonment=max_abandonment,
        max_occupancy=max_occupancy,
    )
    period = parse_duration(per, "--per")
    handle = parse_duration(aht, "--aht")
    mean_patience = None if patience is None else parse_duration(patience, "--patience")
    try:
        if csv_path is not None:
            _staff_file(csv_path, out, period, handle, mean_patience, targets, shrinkage, fractional)
            return
        if calls is None:
            raise typer.BadParameter("give --calls for one interval or --csv for a file", param_hint="--calls")
        result = staff_for_targets(calls, period, handle, targets, patience_seconds=mean_patience,
                                   fractional=fractional)
    except WorkforceInputError as error:
        Console(stderr=True).print(f"[red]error:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    _print_single(result.agents, result.metrics, levels, shrinkage, calls, period, handle, mean_patience)


def _print_single(agents, metrics, levels, shrinkage, calls, period, handle, patience) -> None:  # type: ignore[no-untyped-def]
    model = "Erlang C" if patience is None else f"Erlang A, mean patience {patience:g} s"
    load = calls * handle / period
    table = Table(title=f"{calls:g} calls per {period:g} s, AHT {handle:g} s = {load:.3f} Erlangs ({model})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("agents", f"{float(agents):.4f}" if float(agents) % 1 else f"{int(agents)}")
    if shrinkage is not None:
        table.add_row(f"scheduled (shrinkage {shrinkage:.0%})", str(int(scheduled_fte(agents, shrinkage))))
    share, seconds = levels[0]
    table.add_row(f"service level (answered ≤ {seconds:g} s / offered; target {share:.0%})",
                  f"{float(metrics.service_level):.2%}")
    table.add_row("probability of waiting", f"{float(metrics.probability_of_waiting):.2%}")
    table.add_row("ASA, answered callers (s)", f"{float(metrics.asa_seconds):.1f}")
    table.add_row("mean wait, all offered callers (s)", f"{float(metrics.mean_wait_seconds):.1f}")
    table.add_row("abandonment", f"{float(metrics.abandonment):.2%}")
    table.add_row("occupancy", f"{float(metrics.occupancy):.2%}")
    Console().print(table)


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    except OSError as error:
        raise typer.BadParameter(f"{path}: {error.strerror}", param_hint="--csv") from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _column(rows: list[dict[str, str]], name: str, default: float | None, path: Path) -> np.ndarray:
    values = np.empty(len(rows))
    for line, row in enumerate(rows, start=2):
        raw = row.get(name)
        if raw is None or raw.strip() == "":
            if default is None:
                raise typer.BadParameter(f"{path}:{line}: `{name}` is empty; expected a number", param_hint="--csv")
            values[line - 2] = default
            continue
        try:
            values[line - 2] = _number(raw)
        except ValueError:
            raise typer.BadParameter(f"{path}:{line}: `{name}` is {raw!r}; expected a number",
                                     param_hint="--csv") from None
    return values


def _staff_file(
    path: Path, out: Path | None, period: float, handle: float, patience: float | None,
    targets: StaffingTargets, shrinkage: float | None, fractional: bool,
) -> None:
    fields, rows = _read_rows(path)
    call_column = next((c for c in CALL_COLUMNS if c in fields), None)
    if call_column is None:
        raise typer.BadParameter(f"{path}: no `calls` or `offered` column; found {', '.join(fields)}",
                                 param_hint="--csv")
    calls = _column(rows, call_column, None, path)
    ahts = _column(rows, "aht_seconds", handle, path)
    periods = _column(rows, "period_seconds", period, path)
    patiences = _column(rows, "patience_seconds", np.inf if patience is None else patience, path)
    for name, values, minimum in ((call_column, calls, 0.0), ("aht_seconds", ahts, 1e-300),
                                  ("period_seconds", periods, 1e-300), ("patience_seconds", patiences, 1e-300)):
        bad = np.flatnonzero(~(values >= minimum))
        if bad.size:
            expected = "0 or more" if minimum == 0 else "more than 0"
            raise typer.BadParameter(f"{path}:{bad[0] + 2}: `{name}` is {values[bad[0]]:g}; expected {expected}",
                                     param_hint="--csv")
    added = ["agents", "service_level", "asa_seconds", "mean_wait_seconds", "abandonment", "occupancy"]
    if shrinkage is not None:
        added.append("scheduled_agents")
    handle_out = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        writer = csv.writer(handle_out)
        writer.writerow([*fields, *added])
        with Progress(console=Console(stderr=True), transient=out is None) as progress:
            task = progress.add_task(f"staffing {len(rows):,} intervals", total=len(rows))
            for start in range(0, len(rows), CHUNK):
                part = slice(start, start + CHUNK)
                result = staff_for_targets(calls[part], periods[part], ahts[part], targets,
                                           patience_seconds=patiences[part], fractional=fractional)
                m = result.metrics
                columns: list[np.ndarray] = [result.agents, m.service_level, m.asa_seconds,
                                             m.mean_wait_seconds, m.abandonment, m.occupancy]
                if shrinkage is not None:
                    columns.append(scheduled_fte(result.agents, shrinkage))
                for offset, row in enumerate(rows[part]):
                    cells = [_format(c[offset]) for c in columns]
                    writer.writerow([row.get(f, "") for f in fields] + cells)
                progress.advance(task, len(rows[part]))
    finally:
        if out:
            handle_out.close()


def _format(value: float) -> str:
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.6g}" if np.isfinite(number) else str(number)
