"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="charte",
    help="Run a contact-center outsourcing contract by the SP2C charters: forecasts, staffing, "
    "service, minimum billing, bonus/malus, indexation, invoices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
