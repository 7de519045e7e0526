"""Shared inputs for the payments tests: the sample contract and hand-written invoice lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from charte.demo.run import default_contract_path
from charte.domain.contract import Contract
from charte.io.contract_yaml import load_contract
from charte.payments.invoice import Invoice, invoice_from_lines
from charte.settle.lines import Explanation, InvoiceLine, LineKind

_CONTRACT: list[Contract] = []


def contract() -> Contract:
    if not _CONTRACT:
        _CONTRACT.append(load_contract(default_contract_path()))
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
