"""``charte``: the command line. Each command parses its input, calls the library, renders."""

from __future__ import annotations

from charte.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
