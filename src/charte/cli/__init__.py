"""``charte``: the command line. Each command parses its input, calls the library, renders.

Commands are imported only when they run (:mod:`charte.cli.app`): ``charte --help`` and ``charte
staff`` do not pay for the web application, the store or the settlement engine.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from charte.cli.app import COMMANDS, app, load_command


class LazyGroup(TyperGroup):
    """The ``charte`` group: lists :data:`COMMANDS` from their one-line help, loads a command when it runs."""

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Plain help (Typer's rich help would load every command to list them)."""
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def cli() -> LazyGroup:
    return LazyGroup(name="charte", help=app.info.help, no_args_is_help=True, rich_markup_mode=None,
                     context_settings={"help_option_names": ["--help", "-h"]})


def main(argv: Any = None) -> None:
    cli().main(args=argv, prog_name="charte")


__all__ = ["app", "cli", "main"]
