"""``charte staff``: agents needed for a service target, and the service they give.

    charte staff --calls 120 --per 30min --aht 280s --target 80/20 [--patience 120s]
    charte staff --csv intervals.csv --per 15min --aht 300s --target 80/20 --out staffed.csv

The CSV needs a ``calls`` column (``offered`` is accepted too); optional columns
``aht_seconds``, ``period_seconds`` and ``patience_seconds`` override the options row by row;
every other column is carried to the output unchanged. ``;`` separators and decimal commas
are read as well as ``,`` and points. Added columns name their figure, threshold and model:
``model`` (Erlang C, or Erlang A with the row's patience), ``agents``, one
``<target>_<min|max>_<bound>_achieved`` per target (e.g. ``service_level_20s_min_80pct_achieved``),
``probability_of_waiting``, ``asa_seconds_answered``, ``mean_wait_seconds_offered``,
``abandonment_offered``, ``occupancy`` and ``set_by`` (the targets that set the staffing).

    charte staff --calls 120 --aht 280s --agents 18         # what 18 agents deliver
    charte staff --calls 40 --aht 12min --concurrency 3     # chat, 3 conversations per agent
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from charte.cli.app import app
from charte.domain.cells import inert_row
from charte.workforce import (
    QueueMetrics,
    StaffingTargets,
    TargetCheck,
    WorkforceInputError,
    achievable_service,
    scheduled_fte,
    staff_for_targets,
    target_levels,
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


def parse_share(text: str, option: str) -> float:
    """A share as a planner writes it: ``0.85`` or ``85%`` → 0.85 (``85`` alone is refused: ambiguous)."""
    cleaned = text.strip().replace(" ", "")
    percent = cleaned.endswith("%")
    try:
        value = _number(cleaned.rstrip("%"))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a share; expected e.g. 0.85 or 85%", param_hint=option) from None
    if percent:
        value /= 100.0
    elif value >= 1.0:
        raise typer.BadParameter(f"{text!r} is not a share: write {value / 100:g} or {value:g}% for "
                                 f"{value:g} %", param_hint=option)
    if not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"{text!r}: a share lies between 0 and 1 (0 % and 100 %)", param_hint=option)
    return value


def parse_target(text: str) -> tuple[float, float]:
    """A service-level target ``SHARE/SECONDS``: '80/20', '80%/20s', '99.9/5' or '0.8/20' → (0.8, 20.0).

    The share is a percentage when it is 1 or more or carries ``%`` (80, 99.9, 0.5%), and a
    share of one when written below 1 without ``%`` (0.8 = 80 %, as the library reads it).
    """
    match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(%?)\s*/\s*(\S+)\s*", text)
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a target; expected PERCENT/SECONDS such as 80/20",
                                 param_hint="--target")
    value = float(match.group(1).replace(",", "."))
    share = value / 100.0 if match.group(2) or value >= 1.0 else value
    if not 0.0 < share < 1.0:
        raise typer.BadParameter(f"{text!r}: the share must be above 0 % and below 100 %", param_hint="--target")
    return share, parse_duration(match.group(3), "--target")


def percent(share: float) -> str:
    """A share as a percentage with the decimals it was stated with: 0.999 → '99.9%', 0.8 → '80%'."""
    return f"{share * 100:.6g}%"


def _number(text: str) -> float:
    return float(text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _error(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


def _targets(target: list[str] | None, max_asa: str | None, max_abandonment: str | None, max_occupancy: str | None,
             max_wait_probability: str | None) -> StaffingTargets:
    levels = tuple(parse_target(t) for t in (target or ([] if (max_asa or max_abandonment or max_wait_probability)
                                                        else ["80/20"])))
    try:
        return StaffingTargets(
            service_levels=levels,
            max_asa_seconds=None if max_asa is None else parse_duration(max_asa, "--max-asa"),
            max_abandonment=None if max_abandonment is None else parse_share(max_abandonment, "--max-abandonment"),
            max_occupancy=None if max_occupancy is None else parse_share(max_occupancy, "--max-occupancy"),
            max_wait_probability=None if max_wait_probability is None
            else parse_share(max_wait_probability, "--max-wait-probability"),
        )
    except WorkforceInputError as error:
        raise _error(str(error)) from None


@app.command()
def staff(
    calls: Annotated[float | None, typer.Option(help="calls (or chat conversations) offered in the interval")] = None,
    per: Annotated[str, typer.Option(help="interval length: 15min, 30min, 1h…")] = "30min",
    aht: Annotated[str, typer.Option(help="average handle time: 280s, 4min40s…")] = "180s",
    target: Annotated[list[str] | None, typer.Option(
        help="service level SHARE/SECONDS answered within the seconds over offered: 80/20, 99.9/5 or 0.8/20 "
             "(a share below 1 without % is read as a share: 0.8 = 80 %); repeat for several; "
             "default 80/20 unless another target is given")] = None,
    patience: Annotated[str | None, typer.Option(help="mean patience before hanging up (Erlang A), e.g. 120s; "
                                                      "without it the model is Erlang C (nobody hangs up)")] = None,
    max_asa: Annotated[str | None, typer.Option(help="cap on the mean wait of offered callers, e.g. 30s")] = None,
    max_abandonment: Annotated[str | None, typer.Option(
        help="cap on the share of offered callers who hang up, e.g. 0.05 or 5%; needs --patience")] = None,
    max_occupancy: Annotated[str | None, typer.Option(help="cap on agent occupancy, e.g. 0.85 or 85%")] = None,
    max_wait_probability: Annotated[str | None, typer.Option(
        help="cap on the probability that a caller waits at all, P(wait), e.g. 0.5 or 50%")] = None,
    shrinkage: Annotated[str | None, typer.Option(help="share of paid time off the phone, e.g. 0.3 or 30%")] = None,
    agents: Annotated[float | None, typer.Option(
        help="reverse calculation: the service these agents deliver (instead of the agents needed)")] = None,
    concurrency: Annotated[int, typer.Option(
        help="chat: conversations one agent handles at once (stated approximation: each agent counts as that "
             "many servers; --aht is a conversation's duration when handled concurrently)")] = 1,
    fractional: Annotated[bool, typer.Option(help="fractional agents (no rounding before summing queues)")] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="a CSV of intervals (column calls or offered)")] = None,
    out: Annotated[Path | None, typer.Option(help="where to write the staffed CSV (default: standard output); "
                                                  "written only when every row succeeded")] = None,
) -> None:
    """Agents per interval for the targets, with service level, ASA, abandonment and occupancy.

    Every target is reported with the level the agents achieve and whether it set the staffing.
    Exit codes: 0 done, 2 bad input (nothing written).
    """
    targets = _targets(target, max_asa, max_abandonment, max_occupancy, max_wait_probability)
    share_off = None if shrinkage is None else parse_share(shrinkage, "--shrinkage")
    if share_off is not None and share_off >= 1.0:
        raise _error(f"--shrinkage {shrinkage}: agents would never be on the phone; expected a share below 1")
    period = parse_duration(per, "--per")
    handle = parse_duration(aht, "--aht")
    mean_patience = None if patience is None else parse_duration(patience, "--patience")
    if concurrency < 1:
        raise _error(f"--concurrency {concurrency}: expected a whole number of conversations ≥ 1")
    plan = _Plan(targets, period, handle, mean_patience, share_off, fractional, concurrency)
    try:
        if csv_path is not None:
            if agents is not None:
                raise _error("--agents applies to one interval (--calls); for a file, give an `agents` column")
            _staff_file(csv_path, out, plan)
            return
        if calls is None:
            raise typer.BadParameter("give --calls for one interval or --csv for a file", param_hint="--calls")
        if targets.max_abandonment is not None and mean_patience is None:
            raise _error("--max-abandonment needs --patience: without abandonment modelled (Erlang C) nobody hangs "
                         "up and the cap cannot be checked")
        _print_single(calls, plan, agents)
    except WorkforceInputError as error:
        raise _error(str(error)) from None


@dataclass(frozen=True)
class _Plan:
    targets: StaffingTargets
    period: float
    handle: float
    patience: float | None
    shrinkage: float | None
    fractional: bool
    concurrency: int

    def model(self, patience: float | None = None) -> str:
        p = self.patience if patience is None else patience
        return "Erlang C" if p is None or not np.isfinite(p) else f"Erlang A, mean patience {p:g} s"


def _print_single(calls: float, plan: _Plan, given: float | None) -> None:
    k = plan.concurrency
    if given is None:
        result = staff_for_targets(calls, plan.period, plan.handle, plan.targets, patience_seconds=plan.patience,
                                   fractional=plan.fractional)
        servers = float(result.agents)
    else:
        servers = given * k
    agents = servers if k == 1 else float(np.ceil(servers / k - 1e-9))
    levels = target_levels(calls, plan.period, plan.handle, plan.targets, servers, patience_seconds=plan.patience,
                           fractional=plan.fractional)
    metrics = levels_metrics(calls, plan, servers)
    load = calls * plan.handle / plan.period
    what = "service delivered by" if given is not None else "agents needed"
    unit = "calls" if k == 1 else "conversations"
    table = Table(title=f"{calls:g} {unit} per {plan.period:g} s, AHT {plan.handle:g} s = {load:.3f} Erlangs "
                        f"({plan.model()}) — {what}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    table.add_row("agents", _count(agents), "given" if given is not None else "")
    if k > 1:
        table.add_row(f"conversation slots ({k} per agent)", _count(servers), "")
    if plan.shrinkage is not None:
        table.add_row(f"scheduled (shrinkage {percent(plan.shrinkage)})",
                      str(int(scheduled_fte(agents, plan.shrinkage))), "")
    for check, value, met, binding in zip(levels.checks, levels.achieved, levels.met, levels.binding, strict=True):
        state = ("met" if bool(met) else "MISSED") + (", sets the staffing" if bool(binding) and given is None else "")
        table.add_row(_label(check), _figure(check.figure, float(value)), f"{_bound(check)} — {state}")
    if bool(levels.stability) and given is None:
        table.add_row("stability (Erlang C: more agents than Erlangs)", f"{servers:g} > {load:.3f}",
                      "sets the staffing")
    shown = {c.figure for c in levels.checks if c.figure != "service_level"}
    for figure, label in (("probability_of_waiting", "probability of waiting"),
                          ("asa_seconds", "ASA, answered callers (s)"),
                          ("mean_wait_seconds", "mean wait, all offered callers (s)"),
                          ("abandonment", "abandonment"), ("occupancy", "occupancy")):
        if figure not in shown:
            table.add_row(label, _figure(figure, float(getattr(metrics, figure))), "")
    Console().print(table)


def levels_metrics(calls: float, plan: _Plan, servers: float) -> QueueMetrics:
    seconds = plan.targets.service_levels[0][1] if plan.targets.service_levels else 20.0
    return achievable_service(calls, plan.period, plan.handle, servers, sl_seconds=seconds,
                              patience_seconds=plan.patience)


_LABELS = {"mean_wait_seconds": "mean wait, all offered callers (s)", "abandonment": "abandonment",
           "occupancy": "occupancy", "probability_of_waiting": "probability of waiting"}


def _label(check: TargetCheck) -> str:
    if check.figure == "service_level":
        return f"service level (answered ≤ {check.seconds:g} s / offered)"
    return _LABELS[check.figure]


def _bound(check: TargetCheck) -> str:
    sign = "≥" if check.at_least else "≤"
    value = f"{check.bound:g} s" if check.figure == "mean_wait_seconds" else percent(check.bound)
    return f"{sign} {value}"


def _figure(figure: str, value: float) -> str:
    return f"{value:.1f}" if figure.endswith("seconds") else f"{value:.2%}"


def _count(value: float) -> str:
    return f"{value:.4f}" if value % 1 else f"{int(value)}"


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


def _staff_file(path: Path, out: Path | None, plan: _Plan) -> None:
    fields, rows = _read_rows(path)
    call_column = next((c for c in CALL_COLUMNS if c in fields), None)
    if call_column is None:
        raise typer.BadParameter(f"{path}: no `calls` or `offered` column; found {', '.join(fields)}",
                                 param_hint="--csv")
    calls = _column(rows, call_column, None, path)
    ahts = _column(rows, "aht_seconds", plan.handle, path)
    periods = _column(rows, "period_seconds", plan.period, path)
    patiences = _column(rows, "patience_seconds", np.inf if plan.patience is None else plan.patience, path)
    if plan.targets.max_abandonment is not None and not np.isfinite(patiences).all():
        line = int(np.flatnonzero(~np.isfinite(patiences))[0]) + 2
        raise _error(f"{path}:{line}: --max-abandonment needs a patience (--patience or a `patience_seconds` "
                     "column): without abandonment modelled nobody hangs up")
    for name, values, minimum in ((call_column, calls, 0.0), ("aht_seconds", ahts, 1e-300),
                                  ("period_seconds", periods, 1e-300), ("patience_seconds", patiences, 1e-300)):
        bad = np.flatnonzero(~(values >= minimum))
        if bad.size:
            expected = "0 or more" if minimum == 0 else "more than 0"
            raise typer.BadParameter(f"{path}:{bad[0] + 2}: `{name}` is {values[bad[0]]:g}; expected {expected}",
                                     param_hint="--csv")
    checks = plan.targets.checks()
    added = csv_columns(plan)
    # written to a temporary file beside --out and moved into place only when every row succeeded
    temporary = out.with_name(f".{out.name}.partial") if out else None
    handle_out = temporary.open("w", newline="", encoding="utf-8") if temporary else sys.stdout
    done = False
    try:
        writer = csv.writer(handle_out)
        writer.writerow(inert_row([*fields, *added]))  # the input's text echoed, made inert (charte.domain.cells)
        with Progress(console=Console(stderr=True), transient=out is None) as progress:
            task = progress.add_task(f"staffing {len(rows):,} intervals", total=len(rows))
            for start in range(0, len(rows), CHUNK):
                part = slice(start, start + CHUNK)
                for offset, cells in enumerate(_chunk_cells(plan, checks, calls[part], periods[part], ahts[part],
                                                            patiences[part])):
                    row = rows[start + offset]
                    writer.writerow(inert_row([row.get(f, "") for f in fields] + cells))
                progress.advance(task, len(rows[part]))
        done = True
    finally:
        if temporary is not None and out is not None:
            handle_out.close()
            if done:
                temporary.replace(out)
            else:
                temporary.unlink(missing_ok=True)


def csv_columns(plan: _Plan) -> list[str]:
    """Output columns: each names its figure, threshold and model (``model`` gives the model per row)."""
    added = ["model", "agents"]
    if plan.concurrency > 1:
        added.append(f"conversation_slots_{plan.concurrency}_per_agent")
    if plan.shrinkage is not None:
        added.append(f"scheduled_agents_shrinkage_{plan.shrinkage * 100:g}pct")
    for check in plan.targets.checks():
        seconds = check.figure == "mean_wait_seconds"
        bound = f"{check.bound:g}s" if seconds else f"{check.bound * 100:g}pct"
        added.append(f"{check.name}_{'min' if check.at_least else 'max'}_{bound}_achieved")
    added += ["probability_of_waiting", "asa_seconds_answered", "mean_wait_seconds_offered", "abandonment_offered",
              "occupancy", "set_by"]
    return added


def _chunk_cells(plan: _Plan, checks: tuple[TargetCheck, ...], calls: np.ndarray, periods: np.ndarray,
                 ahts: np.ndarray, patiences: np.ndarray) -> list[list[str]]:
    result = staff_for_targets(calls, periods, ahts, plan.targets, patience_seconds=patiences,
                               fractional=plan.fractional)
    servers = np.asarray(result.agents, dtype=float)
    k = plan.concurrency
    agents = servers if k == 1 else np.ceil(servers / k - 1e-9)
    levels = target_levels(calls, periods, ahts, plan.targets, servers, patience_seconds=patiences,
                           fractional=plan.fractional)
    m = result.metrics
    out = []
    for i in range(len(calls)):
        cells = [plan.model(float(patiences[i])), _format(agents[i])]
        if k > 1:
            cells.append(_format(servers[i]))
        if plan.shrinkage is not None:
            cells.append(_format(float(scheduled_fte(agents[i], plan.shrinkage))))
        cells += [_format(v[i]) for v in levels.achieved]
        cells += [_format(v[i]) for v in (m.probability_of_waiting, m.asa_seconds, m.mean_wait_seconds,
                                          m.abandonment, m.occupancy)]
        setters = [c.name for c, b in zip(checks, levels.binding, strict=True) if b[i]]
        if levels.stability[i]:
            setters.append("stability")
        cells.append(" ".join(setters))
        out.append(cells)
    return out


def _format(value: float) -> str:
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.6g}" if np.isfinite(number) else str(number)
