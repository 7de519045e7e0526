"""The Typer application every command module registers on, loaded lazily.

``charte --help`` and ``charte staff`` must not import the web, the store, Alembic or the settlement
engine (issue 17: 2–8 s of imports for every command). Each command lives in its own module
(:data:`COMMANDS` says which), imported only when that command runs. ``charte --help`` lists the
commands from :data:`COMMANDS` without importing any of them (a test checks that these lines are the
commands' own help). Code that wants the whole application (tests: ``CliRunner().invoke(app, …)``)
gets it: reading the registered commands of :data:`app` outside a lazy load imports every module.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer

#: command -> (module that registers it, the one-line help shown by ``charte --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "admin": ("charte.cli.admin", "Run a team server: organisations, invitations, administrators, backup and "
                                  "restore."),
    "demo": ("charte.cli.demo", "Run a realistic month for the sample contract and write a report to open."),
    "dispute": ("charte.cli.dispute", "Disputes: recompute a settled month with stated changes (what-if), list the "
                                      "evidence a what-if may cite, tell overdue answers."),
    "exit": ("charte.cli.payments", "End of contract: notice and ramp-down plan (axis 7)."),
    "forecast": ("charte.cli.plan", "Provider-side forecasting: evaluate methods on a history."),
    "import": ("charte.cli.importing", "Import contact records or interval reports into the facts store: charte "
                                       "import FILE --mapping M [--replace ID]; charte import list; charte import "
                                       "remove ID."),
    "invoice": ("charte.cli.payments", "Issue invoices and credit notes (Factur-X PDF, CII and UBL XML, XLSX) into a "
                                       "provider's ledger once the official e-invoicing rules accept them; their "
                                       "lifecycle statuses and CDAR messages."),
    "jobs": ("charte.cli.jobs", "The job board (members' offers, candidates, work-study)."),
    "kpi": ("charte.cli.importing", "KPIs of one activity and month, per interval or rolled up, from the stored "
                                    "facts."),
    "ledger": ("charte.cli.payments", "The invoice ledger itself: check that no entry was changed or deleted."),
    "observatory": ("charte.cli.observatory", "The trade body's observatory: member declarations, employment "
                                              "barometer (disclosure-controlled) and CSR ranking."),
    "payments": ("charte.cli.payments", "Payments, days late and late interest per invoice (L441-10)."),
    "plan": ("charte.cli.plan", "Forecast the week, staff it (Erlang A), schedule shifts (HiGHS) and export the "
                                "plan."),
    "register": ("charte.cli.register", "The register of evidence: each party's facts per contract and month, "
                                        "timestamped, kept under their hash, never overwritten."),
    "reference": ("charte.cli.reference", "Reference series (Syntec index, SMIC, ECB and legal interest rates): "
                                          "dated, sourced, versioned values shipped with charte, plus the published "
                                          "values you add."),
    "schema": ("charte.cli.validate", "Print (or write) the JSON Schema of a contract file, for editors."),
    "scorecard": ("charte.cli.scorecard", "Score a contract and its settled months axis by axis (SP2C 2019 charter, "
                                          "2010 charter)."),
    "serve": ("charte.cli.serve", "Serve the web application: an empty platform, or the demo with --demo."),
    "settle": ("charte.cli.settle", "Settle a month: invoice lines, each explained; totals; the hash of the inputs."),
    "staff": ("charte.cli.staff", "Agents per interval for the targets, with service level, ASA, abandonment and "
                                  "occupancy."),
    "telesales": ("charte.cli.telesales", "Outbound campaigns audited against the telephone-selling rules."),
    "validate": ("charte.cli.validate", "Check contract files and list every problem as `file:line: [code] "
                                        "message`."),
    "verify": ("charte.cli.register", "Replay a settlement: fetch the evidence it names from the register, "
                                      "recompute, compare byte for byte."),
}


class _Loader:
    """Imports command modules; while it does, reading :data:`app`'s registrations loads nothing more."""

    depth = 0
    loaded_all = False

    @classmethod
    def module(cls, name: str) -> None:
        cls.depth += 1
        try:
            importlib.import_module(name)
        finally:
            cls.depth -= 1

    @classmethod
    def everything(cls) -> None:
        if cls.loaded_all or cls.depth:
            return
        cls.loaded_all = True
        for module in sorted({m for m, _ in COMMANDS.values()}):
            cls.module(module)


class LazyTyper(typer.Typer):
    """A Typer application whose command list, read from outside a lazy load, first imports every command."""

    @property
    def registered_commands(self) -> list[Any]:
        _Loader.everything()
        commands: list[Any] = self.__dict__.setdefault("_commands", [])
        return commands

    @registered_commands.setter
    def registered_commands(self, value: list[Any]) -> None:
        self.__dict__["_commands"] = value

    @property
    def registered_groups(self) -> list[Any]:
        _Loader.everything()
        groups: list[Any] = self.__dict__.setdefault("_groups", [])
        return groups

    @registered_groups.setter
    def registered_groups(self, value: list[Any]) -> None:
        self.__dict__["_groups"] = value


app = LazyTyper(
    name="charte",
    help="Run a contact-center outsourcing contract by the SP2C charters: forecasts, staffing, "
    "service, minimum billing, bonus/malus, indexation, invoices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def load_command(name: str) -> Any:
    """The Click command ``name``, after importing only the module that registers it (``None`` if unknown)."""
    import typer.main
    from typer._click import Context

    if name not in COMMANDS:
        return None
    _Loader.depth += 1
    try:
        importlib.import_module(COMMANDS[name][0])
        built = typer.main.get_command(app)
    finally:
        _Loader.depth -= 1
    if hasattr(built, "commands"):  # a group (Typer's own click may not be this click: no isinstance)
        group: Any = built
        return group.get_command(Context(built), name)
    return built if built.name == name else None
