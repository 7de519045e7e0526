"""``charte``: the command line. Each command parses its input, calls the library, renders.

Commands are imported only when they run (:mod:`charte.cli.app`): ``charte --help`` and ``charte
staff`` do not pay for the web application, the store or the settlement engine.
"""

from __future__ import annotations

from typing import Any

import click

from charte.cli.app import COMMANDS, app, load_command


class LazyGroup(click.Group):
    """The ``charte`` group: lists :data:`COMMANDS` from their one-line help, loads a command when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command: click.Command | None = load_command(cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def cli() -> click.Group:
    return LazyGroup(name="charte", help=app.info.help, no_args_is_help=True,
                     context_settings={"help_option_names": ["--help", "-h"]})


def main(argv: Any = None) -> None:
    cli().main(args=argv, prog_name="charte")


__all__ = ["app", "cli", "main"]
