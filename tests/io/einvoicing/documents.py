"""Every kind of document an example contract produces, built from settlement lines shaped as the engine makes them.

The settlement engine's arithmetic is tested in ``tests/settle``; here the question is whether
the documents charte writes from such lines are acceptable to an accredited platform. For each
contract: a month with every line kind the contract can produce (service lines per pricing unit,
degressive tiers, fixed fees, success fees, a minimum-billing top-up, a malus, a bonus, a cap
give-back), a zero-volume month (nothing handled: the minimum billing and fixed fees only),
and credit notes on the first month (in full, for one line, for an amount).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from charte.domain.contract import Contract
from charte.domain.contract.pricing import FixedMonthly
from charte.payments.invoice import Invoice, credit_note_for, invoice_from_lines
from charte.settle.billable import UNITS
from charte.settle.lines import Explanation, InvoiceLine, LineKind

VAT = Decimal("0.20")
NO_INDEX: dict[str, Any] = {}


def _line(kind: LineKind, activity: str | None, clause: str, label: str, quantity: str | Decimal, unit: str,
          price: str | Decimal, explanation: Explanation) -> InvoiceLine:
    q, p = Decimal(quantity), Decimal(price)
    return InvoiceLine(0, kind, activity, clause, label, q, unit, p, p, q * p, explanation)


def service_lines(contract: Contract, scale: Decimal) -> list[InvoiceLine]:
    """A service (or fixed-fee, or success-fee) line per activity; ``scale`` 0 is a month with nothing handled."""
    lines = []
    for activity in contract.activities:
        pricing = activity.pricing
        clause = f"activities[{activity.id}].pricing"
        if isinstance(pricing, FixedMonthly):
            lines.append(_line(LineKind.FIXED_FEE, activity.id, clause, activity.name or activity.id, "1", "month",
                               pricing.amount, Explanation("fixed_fee", {"indexation": NO_INDEX})))
            continue
        unit = UNITS[pricing.per]
        quantity = (Decimal("1234.57") if unit == "h" else Decimal("18250")) * scale
        if pricing.tiers:
            for tier in pricing.tiers[:2]:
                figures = {"band_from": tier.from_, "band_to": tier.to, "tiering": pricing.tiering,
                           "indexation": NO_INDEX}
                lines.append(_line(LineKind.SERVICE, activity.id, clause, activity.name or activity.id,
                                   quantity / 2, unit, tier.price, Explanation("service", figures)))
        else:
            assert pricing.price is not None
            # an indexed price with 4 decimals, as the engine's revision gives
            price = (pricing.price * Decimal("1.0187")).quantize(Decimal("0.0001"))
            lines.append(_line(LineKind.SERVICE, activity.id, clause, activity.name or activity.id, quantity, unit,
                               price, Explanation("service", {"indexation": NO_INDEX})))
        fee = pricing.success_fee
        if fee is not None and fee.amount is not None:
            count = int(37 * scale)
            lines.append(_line(LineKind.SUCCESS_FEE, activity.id, f"{clause}.success_fee", fee.event, count,
                               fee.event, fee.amount, Explanation("success_fee", {"event": fee.event, "count": count,
                                                                                 "indexation": NO_INDEX})))
        elif fee is not None and fee.share is not None:
            sold = Decimal("48250.40") * scale
            lines.append(_line(LineKind.SUCCESS_FEE, activity.id, f"{clause}.success_fee", fee.event, sold, "EUR",
                               fee.share, Explanation("success_fee_share", {"event": fee.event, "count": 37,
                                                                            "value_sold": sold, "share": fee.share})))
    return lines


def minimum_billing(contract: Contract) -> list[InvoiceLine]:
    """A top-up whose unit price has many decimals (value ÷ top-up), as the engine computes it."""
    activity = next((a for a in contract.activities if not isinstance(a.pricing, FixedMonthly)), None)
    if activity is None:
        return []
    unit = UNITS[activity.pricing.per]
    top_up, value = Decimal("412.3"), Decimal("12345.67")
    figures = {"rule": "forecast_volume", "actual_volume": 0, "horizon": "M-1", "forecast_volume": "20000",
               "periods_under": 1, "period": "month", "floor": "0.9", "basis": "18000", "billed": "0",
               "top_up": top_up, "indexation": NO_INDEX}
    return [InvoiceLine(0, LineKind.MINIMUM_BILLING, activity.id, "forecasts.minimum_billing",
                        f"Minimum billing — {activity.name or activity.id}", top_up, unit, value / top_up,
                        value / top_up, value, Explanation("minimum_billing", figures))]


def bonus_malus(contract: Contract, base: Decimal) -> list[InvoiceLine]:
    activity = contract.activities[0].id
    lines = []
    for kind, rate, sign in ((LineKind.MALUS, Decimal("0.0235"), -1), (LineKind.BONUS, Decimal("0.005"), 1)):
        figures = {"commitment": "sl", "metric": "service_level", "evaluation": "fair", "result": "0.7765",
                   "raw": "0.75", "fair": "0.7765", "band_neutralised": None, "target": "0.80", "threshold": "0.80",
                   "points": "2.35", "per_point": "0.01", "rate_uncapped": rate, "cap": "0.05", "rate": rate,
                   "capped": False, "base": base}
        lines.append(InvoiceLine(0, kind, activity, "bonus_malus.grids[sl]", f"{kind} — sl", rate, "share of base",
                                 base, base * sign, sign * rate * base, Explanation(str(kind), figures)))
    cap = {"cap": "overall_malus", "cap_share": "0.02", "base": base, "limit": base * Decimal("0.02"),
           "uncapped": base * Decimal("0.0235"), "excess": base * Decimal("0.0035")}
    excess = base * Decimal("0.0035")
    lines.append(InvoiceLine(0, LineKind.CAP_ADJUSTMENT, None, "bonus_malus.overall_cap", "Cap — overall_malus",
                             Decimal(1), "adjustment", excess, excess, excess, Explanation("cap_overall_malus", cap)))
    return lines


def numbered(lines: list[InvoiceLine]) -> list[InvoiceLine]:
    return [InvoiceLine(n, *(getattr(line, f) for f in InvoiceLine.__dataclass_fields__ if f != "number"))
            for n, line in enumerate(lines, start=1)]


def month_documents(contract: Contract) -> dict[str, Invoice]:
    """Every document of the contract, numbered as the ledger would number them."""
    service = service_lines(contract, Decimal(1))
    base = sum((line.amount for line in service if line.kind == LineKind.SERVICE), Decimal(0)) or Decimal("10000")
    full = numbered([*service, *minimum_billing(contract), *bonus_malus(contract, base)])
    month = invoice_from_lines(contract, "2026-10", full, VAT, date(2026, 11, 2)).numbered("F000001")
    zero = numbered([*service_lines(contract, Decimal(0)), *minimum_billing(contract)])
    docs = {
        "invoice": month,
        "zero-volume month": invoice_from_lines(contract, "2026-11", zero, VAT, date(2026, 12, 1)).numbered("F000002"),
        "credit note (full)": credit_note_for(month, date(2026, 12, 3), "période facturée par erreur")
        .numbered("F000003"),
        "credit note (one line)": credit_note_for(month, date(2026, 12, 3), "ligne 1 contestée", lines=[1])
        .numbered("F000004"),
        "credit note (amount)": credit_note_for(month, date(2026, 12, 3), "geste commercial", amount="250.00")
        .numbered("F000005"),
    }
    return docs
