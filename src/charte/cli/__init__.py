"""``charte``: the command line. Each command parses its input, calls the library, renders."""

from __future__ import annotations

from charte.cli import demo as _demo  # noqa: F401  (registers demo)
from charte.cli import importing as _importing  # noqa: F401  (registers import, kpi)
from charte.cli import observatory as _observatory  # noqa: F401  (registers observatory ...)
from charte.cli import payments as _payments  # noqa: F401  (registers invoice, payments, exit)
from charte.cli import plan as _plan  # noqa: F401  (registers plan, forecast evaluate)
from charte.cli import register as _register  # noqa: F401  (registers register submit/list/verify, verify)
from charte.cli import scorecard as _scorecard  # noqa: F401  (registers scorecard)
from charte.cli import serve as _serve  # noqa: F401  (registers serve)
from charte.cli import settle as _settle  # noqa: F401  (registers settle)
from charte.cli import staff as _staff  # noqa: F401  (registers staff)
from charte.cli import telesales as _telesales  # noqa: F401  (registers telesales audit, telesales hash-list)
from charte.cli import validate as _validate  # noqa: F401  (registers validate, schema)
from charte.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
