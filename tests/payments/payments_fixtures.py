"""Shared inputs for the payments tests: the sample contract and hand-written invoice lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from charte.domain.contract import Contract
from charte.io.contract_yaml import load_contract
from charte.payments.invoice import Invoice, invoice_from_lines
from charte.settle.lines import Explanation, InvoiceLine, LineKind

_CONTRACT: list[Contract] = []


def contract() -> Contract:
    if not _CONTRACT:
        # the sample contract (charte.demo.run.default_contract_path), without importing the demo
        _CONTRACT.append(load_contract(Path(str(resources.files("charte.examples").joinpath(
            "service-client-energie.yaml")))))
    return _CONTRACT[0]


def service_line(number: int, hours: str, price: str) -> InvoiceLine:
    quantity, unit_price = Decimal(hours), Decimal(price)
    figures = {"billable": hours, "measure": "productive_hours", "indexation": {}}
    return InvoiceLine(number, LineKind.SERVICE, "service-inbound", "activities[service-inbound].pricing",
                       "Heures productives", quantity, "h", unit_price, unit_price, quantity * unit_price,
                       Explanation("service", figures))


def malus_line(number: int, amount: str) -> InvoiceLine:
    value = Decimal(amount)
    return InvoiceLine(number, LineKind.MALUS, "service-inbound", "bonus_malus.sl-80-20", "Malus niveau de service",
                       Decimal(1), "forfait", value, value, value,
                       Explanation("malus", {"commitment": "sl-80-20", "metric": "service_level", "evaluation": "fair",
                                             "result": "0.78", "raw": "0.76", "threshold": "0.80", "target": "0.80",
                                             "points": "2", "per_point": "0.01", "rate_uncapped": "0.02",
                                             "base": "2850", "capped": False}))


def draft(issue_date: date = date(2026, 11, 2), hours: str = "100", price: str = "28.50") -> Invoice:
    """100 h × 28.50 = 2,850.00 excluding VAT; VAT 570.00; 3,420.00 including VAT."""
    return invoice_from_lines(contract(), "2026-10", [service_line(1, hours, price)], Decimal("0.20"), issue_date)


def month_draft(period: str, issue_date: date, contract_id: str | None = None, hours: str = "100",
                settlement: str | None = None) -> Invoice:
    """:func:`draft` for another month (and contract), as ``settle`` would give it for ``period``."""
    from dataclasses import replace

    base = invoice_from_lines(contract(), period, [service_line(1, hours, "28.50")], Decimal("0.20"), issue_date,
                              settlement_sha256=settlement)
    return replace(base, contract=contract_id) if contract_id else base


def memory_ledger(siren: str = "987654324", today: date = date(2027, 6, 30)):  # type: ignore[no-untyped-def]
    """A ledger in an in-memory SQLite database (migrated) whose calendar stands on ``today``: for tests that need
    a ledger, not its storage."""
    from charte.store import make_engine, migrate
    from charte.store.ledger import SqlLedger

    engine = make_engine("sqlite://")
    migrate(engine)
    return SqlLedger(engine, siren, siren, today=lambda: today)
