"""``charte scorecard``: judge a contract and its settled months against the 2019 and 2010 charters."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from charte.charter import AXES, PaymentRecord, Scorecard, scorecard
from charte.cli.app import app
from charte.cli.language import LangOption, chosen_language, cli_gettext
from charte.domain import formats
from charte.domain.messages import N_
from charte.io.contract_yaml import ContractInvalid, load_contract
from charte.reports.scorecard_report import render_scorecard_report

STYLE = {"pass": "green", "warn": "yellow", "fail": "red", "not_enough_data": "dim"}
VERDICTS = {"pass": N_("pass"), "warn": N_("warn"), "fail": N_("fail"), "not_enough_data": N_("not enough data")}


def _verdict(verdict: str, lang: str) -> str:
    return f"[{STYLE[verdict]}]{escape(cli_gettext(lang)(VERDICTS[verdict]))}[/]"


def scorecard_table(card: Scorecard, lang: str = "fr") -> Table:
    """One row per finding, grouped by axis, with its verdict and reason, in ``lang``."""
    _ = cli_gettext(lang)
    code: Literal["fr", "en"] = "fr" if lang == "fr" else "en"
    table = Table(title=_("Charter scorecard {contract} — {day} ({count} settled months)").format(
        contract=card.contract, day=formats.day(card.today, code), count=len(card.months)), show_lines=True)
    table.add_column(_("axis"))
    table.add_column(_("verdict"))
    table.add_column(_("finding"))
    for axis, (fr, en) in AXES.items():
        verdict = card.verdict(axis)
        for i, f in enumerate(card.of_axis(axis)):
            head = f"[bold]{axis}[/bold] {escape(fr if code == 'fr' else en)}" if i == 0 else ""
            summary = f" ({_verdict(verdict, code)})" if i == 0 else ""
            table.add_row(head + summary, _verdict(f.verdict, code),
                          f"[dim]{escape(f.item)}[/dim] {escape(f.reason(code))}")
    return table


def scorecard_summary(card: Scorecard, lang: str = "fr") -> Table:
    """One row per axis: its verdict and the reasons of the findings that set it."""
    _ = cli_gettext(lang)
    code: Literal["fr", "en"] = "fr" if lang == "fr" else "en"
    table = Table(title=_("Charter scorecard {contract} — {day}").format(contract=card.contract,
                                                                         day=formats.day(card.today, code)))
    for name in (_("axis"), _("verdict"), _("why")):
        table.add_column(name)
    for axis, (fr, en) in AXES.items():
        verdict = card.verdict(axis)
        why = [f.reason(code) for f in card.of_axis(axis) if f.verdict == verdict]
        table.add_row(f"{axis} {escape(fr if code == 'fr' else en)}", _verdict(verdict, code), escape(" ".join(why)))
    return table


def read_history_dir(folder: Path) -> list[dict[str, Any]]:
    """Every ``settlement*.json`` under ``folder`` (recursively), as documents."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("settlement*.json"))]


def read_payments(path: Path) -> list[PaymentRecord]:
    """A CSV with columns ``invoice,due,paid`` (ISO dates; ``paid`` empty when unpaid)."""
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                paid = row.get("paid") or ""
                out.append(PaymentRecord(row["invoice"], date.fromisoformat(row["due"]),
                                         date.fromisoformat(paid) if paid.strip() else None))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{row_number}: [invalid_payment_row] expected invoice, due (YYYY-MM-DD) "
                                 f"and paid (YYYY-MM-DD or empty); {exc}") from None
    return out


def _aht(values: list[str]) -> dict[str, Decimal]:
    out = {}
    for value in values:
        activity, _, seconds = value.partition("=")
        try:
            out[activity] = Decimal(seconds)
        except InvalidOperation:
            raise ValueError(f"--aht {value!r}: expected ACTIVITY=SECONDS, e.g. support-inbound=420") from None
    return out


@app.command("scorecard")
def scorecard_command(
    contract: Annotated[Path, typer.Option(help="Contract YAML.")],
    history: Annotated[Path | None, typer.Option(help="Folder of settled months (settlement*.json).")] = None,
    months: Annotated[int, typer.Option(help="Judge the last N settled months.")] = 12,
    payments: Annotated[Path | None, typer.Option(help="CSV of invoices paid: invoice,due,paid.")] = None,
    aht: Annotated[list[str] | None, typer.Option(help="Measured AHT, ACTIVITY=SECONDS (per-contact prices).")] = None,
    today: Annotated[str | None, typer.Option(help="Day judged, YYYY-MM-DD (default: today).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scorecard JSON here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the scorecard HTML page here.")] = None,
    lang: LangOption = None,
) -> None:
    """Score a contract and its settled months axis by axis (SP2C 2019 charter, 2010 charter)."""
    console = Console()
    code = chosen_language(lang)
    try:
        day = date.fromisoformat(today) if today else date.today()
        loaded = load_contract(contract)
        documents = read_history_dir(history) if history is not None else []
        paid = read_payments(payments) if payments is not None else None
        from charte.io.reference_data import load_book

        card = scorecard(loaded, documents, payments=paid, today=day, months=months, measured_aht=_aht(aht or []),
                         reference=load_book())
    except ContractInvalid as exc:
        for problem in exc.problems:
            console.print(problem.format(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except (ValueError, OSError) as exc:
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    console.print(scorecard_table(card, code))
    if json_out is not None:
        json_out.write_text(card.to_json(), encoding="utf-8")
        console.print(f"JSON: {json_out}")
    if html_out is not None:
        band = loaded.forecasts.band if loaded.forecasts else None
        render_scorecard_report(card, html_out, band=(float(band.under), float(band.over)) if band else None,
                                horizon=(band.horizon or loaded.forecasts.reference_horizon.name)
                                if band and loaded.forecasts else None, lang=code)
        console.print(f"HTML: {html_out.resolve().as_uri()}")
