"""Invoices and credit notes a French client's accounts payable accepts (SP2C axis 6, CGI art. 242 nonies A).

An :class:`Invoice` is built from a settled month (its lines and their explanations are
copied, never recomputed), is **numbered** only when the provider's ledger issues it
(:mod:`charte.payments.ledger`: one gap-free sequence per provider) and is immutable once
issued: a correction is a **credit note** (``kind="credit_note"``, EN 16931 type code 381)
that names the invoice it corrects.

Mandatory mentions carried by every document (CGI art. 242 nonies A; Code de commerce
L441-9; e-invoicing reform, décret 2022-1299): both parties' names, addresses and SIREN, the
seller's VAT number, the number and date, the operation category ("services"), each line's
quantity and unit price, the VAT breakdown per rate, the due date, the late-penalty rate and
the €40 recovery indemnity (D441-5), and whether VAT is paid on debits.

Totals follow the settlement's rule: excluding VAT = Σ rounded line amounts; VAT = rate ×
that total, rounded once to the cent (:func:`charte.domain.money.round_cents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.contract.payment_terms import LatePenalty, PaymentTerms
from charte.domain.money import D, round_cents
from charte.payments.due_dates import due_date_for
from charte.settle.engine import Settlement
from charte.settle.explain import explain
from charte.settle.lines import Explanation, InvoiceLine, LineKind

DocumentKind = Literal["invoice", "credit_note"]
OPERATION_CATEGORY = "services"


class InvoiceError(ValueError):
    """An invoice that cannot be built: stable ``code`` and a message a person can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def vat_number(siren: str) -> str:
    """French intra-community VAT number from a SIREN: ``FR`` + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


@dataclass(frozen=True)
class PartyMention:
    """A party as the invoice names it."""

    name: str
    siren: str
    address: str | None = None

    @property
    def vat_id(self) -> str:
        return vat_number(self.siren)


@dataclass(frozen=True)
class InvoiceItem:
    """One line of the document, copied from the settlement with its explanation in words."""

    number: int
    kind: str
    clause: str
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal          # rounded to the cent, excluding VAT (negative for a malus)
    vat_rate: Decimal
    explanation_fr: str
    explanation_en: str


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class PaymentConditions:
    """What the invoice says about payment: terms, due date, penalty rule, indemnity."""

    days: int
    basis: str
    due_date: date
    penalty_rule: str
    penalty_points: Decimal | None
    penalty_fixed_rate: Decimal | None
    recovery_indemnity: Decimal
    early_payment_discount: Decimal | None = None

    @property
    def late_penalty(self) -> LatePenalty:
        return LatePenalty(rule=self.penalty_rule, points=self.penalty_points, rate=self.penalty_fixed_rate)

    def wording_fr(self) -> dict[str, str]:
        """The payment mentions in French, as printed."""
        after = "fin de mois" if self.basis == "end_of_month" else "à compter de la date de facture"
        terms = f"{self.days} jours {after}"
        if self.penalty_rule == "fixed_rate" and self.penalty_fixed_rate is not None:
            rate = f"{_pct_fr(self.penalty_fixed_rate)} l'an"
        else:
            points = self.penalty_points if self.penalty_points is not None else Decimal(10)
            rate = (f"taux de refinancement de la BCE (au 1er janvier ou au 1er juillet du semestre) majoré de "
                    f"{points.normalize():f} points")
        floor = "" if self.penalty_rule == "ecb_plus_points" and self.penalty_points in (None, Decimal(10)) else (
            ", et au moins trois fois le taux d'intérêt légal")
        discount = ("néant" if not self.early_payment_discount
                    else f"{_pct_fr(self.early_payment_discount)} pour paiement anticipé")
        return {
            "terms": terms,
            "due_date": self.due_date.strftime("%d/%m/%Y"),
            "penalties": f"pénalités de retard au {rate}, exigibles dès le lendemain de l'échéance sans rappel "
                         f"(art. L441-10 du Code de commerce){floor}",
            "indemnity": f"indemnité forfaitaire pour frais de recouvrement de {_eur_fr(self.recovery_indemnity)} "
                         "par facture payée en retard (art. D441-5 du Code de commerce), non soumise à la TVA",
            "discount": f"escompte : {discount}",
        }


def _pct_fr(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}".replace(".", ",") + "\u00a0%"


def _eur_fr(amount: Decimal) -> str:
    return f"{round_cents(amount):,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"


@dataclass(frozen=True)
class Invoice:
    """An invoice or credit note; ``number`` is ``None`` until the ledger issues it (see the module docstring)."""

    kind: DocumentKind
    number: str | None
    issue_date: date
    seller: PartyMention
    buyer: PartyMention
    contract: str
    period: str
    items: tuple[InvoiceItem, ...]
    total_excluding_vat: Decimal
    vat_breakdown: tuple[VatBreakdown, ...]
    total_vat: Decimal
    total_including_vat: Decimal
    payment: PaymentConditions
    corrects: str | None = None
    corrects_issue_date: date | None = None   # BT-26: the corrected invoice's date
    reason: str | None = None
    settlement_sha256: str | None = None
    operation_category: str = OPERATION_CATEGORY
    vat_on_debits: bool = False
    currency: str = "EUR"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_issued(self) -> bool:
        return self.number is not None

    @property
    def sign(self) -> int:
        """+1 for an invoice, −1 for a credit note (what it does to the client's balance)."""
        return -1 if self.kind == "credit_note" else 1

    def numbered(self, number: str) -> Invoice:
        if self.number is not None:
            raise InvoiceError("invoice_already_issued", f"invoice {self.number} is issued and cannot be renumbered")
        return replace(self, number=number)

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = _plain(self)
        return document

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Invoice:
        p = doc["payment"]
        return cls(
            kind=doc["kind"], number=doc["number"], issue_date=date.fromisoformat(doc["issue_date"]),
            seller=PartyMention(**doc["seller"]), buyer=PartyMention(**doc["buyer"]),
            contract=doc["contract"], period=doc["period"],
            items=tuple(InvoiceItem(**{**i, **{k: D(i[k]) for k in ("quantity", "unit_price", "amount", "vat_rate")}})
                        for i in doc["items"]),
            total_excluding_vat=D(doc["total_excluding_vat"]),
            vat_breakdown=tuple(VatBreakdown(D(v["rate"]), D(v["base"]), D(v["vat"])) for v in doc["vat_breakdown"]),
            total_vat=D(doc["total_vat"]), total_including_vat=D(doc["total_including_vat"]),
            payment=PaymentConditions(
                days=p["days"], basis=p["basis"], due_date=date.fromisoformat(p["due_date"]),
                penalty_rule=p["penalty_rule"], penalty_points=_opt(p["penalty_points"]),
                penalty_fixed_rate=_opt(p["penalty_fixed_rate"]), recovery_indemnity=D(p["recovery_indemnity"]),
                early_payment_discount=_opt(p.get("early_payment_discount"))),
            corrects=doc.get("corrects"), reason=doc.get("reason"),
            corrects_issue_date=date.fromisoformat(doc["corrects_issue_date"]) if doc.get("corrects_issue_date")
            else None, settlement_sha256=doc.get("settlement_sha256"),
            operation_category=doc.get("operation_category", OPERATION_CATEGORY),
            vat_on_debits=bool(doc.get("vat_on_debits", False)), currency=doc.get("currency", "EUR"),
            notes=tuple(doc.get("notes", ())),
        )


def _opt(value: Any) -> Decimal | None:
    return None if value is None else D(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def payment_conditions(terms: PaymentTerms, issue_date: date, indemnity: Decimal) -> PaymentConditions:
    return PaymentConditions(
        days=terms.days, basis=terms.basis, due_date=due_date_for(terms, issue_date),
        penalty_rule=terms.late_penalty.rule, penalty_points=terms.late_penalty.points,
        penalty_fixed_rate=terms.late_penalty.rate,
        recovery_indemnity=terms.recovery_indemnity if terms.recovery_indemnity is not None else indemnity,
        early_payment_discount=terms.early_payment_discount,
    )


def lines_from_json(document: Mapping[str, Any]) -> tuple[InvoiceLine, ...]:
    """The invoice lines of a settlement JSON file (as written by ``charte settle --json``)."""
    return tuple(
        InvoiceLine(int(d["number"]), LineKind(d["kind"]), d.get("activity"), d["clause"], d["label"],
                    D(d["quantity"]), d["unit"], D(d["base_unit_price"]), D(d["unit_price"]),
                    D(d["amount_unrounded"]), Explanation(d["explanation"]["kind"], d["explanation"]["figures"]))
        for d in document["lines"]
    )


def _month(period: str) -> Month | None:
    try:
        return Month.parse(period)
    except ValueError:
        return None


def totals(amounts: Iterable[Decimal], vat_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(excluding VAT, VAT, including VAT): Σ rounded amounts; VAT rounded once."""
    ht = sum((round_cents(a) for a in amounts), Decimal(0))
    vat = round_cents(ht * vat_rate)
    return ht, vat, ht + vat


def invoice_from_lines(
    contract: Contract, period: str, lines: Iterable[InvoiceLine], vat_rate: Decimal, issue_date: date,
    *, settlement_sha256: str | None = None, expected_total: Decimal | None = None,
) -> Invoice:
    """A draft invoice (no number yet) for the month's lines; each line keeps its explanation in words."""
    lines = tuple(lines)
    month = _month(period)
    if month is not None and issue_date < month.first_day:
        raise InvoiceError("invoice_before_period", f"issue date {issue_date.isoformat()} is before the invoiced "
                                                    f"month {period} starts; expected {month.first_day} or later")
    if not lines:
        raise InvoiceError("invoice_without_lines", f"the settlement of {period} has no line to invoice")
    items = tuple(
        InvoiceItem(line.number, str(line.kind), line.clause, line.label, line.quantity, line.unit, line.unit_price,
                    line.amount, vat_rate, explain(line, "fr"), explain(line, "en"))
        for line in lines
    )
    ht, vat, ttc = totals((i.amount for i in items), vat_rate)
    if expected_total is not None and expected_total != ht:
        raise InvoiceError("invoice_total_mismatch",
                           f"lines of {period} sum to {ht} EUR excluding VAT; the settlement says {expected_total}")
    if ht <= 0:
        raise InvoiceError("invoice_not_positive", f"the month {period} totals {ht} EUR excluding VAT; "
                                                   "expected a positive amount (issue a credit note instead)")
    indemnity = contract.law_value("recovery_indemnity.eur", issue_date)
    notes = tuple(f"mention obligatoire manquante : adresse du {role} (ajouter `{key}.address` au contrat)"
                  for role, key, party in (("prestataire", "provider", contract.provider),
                                           ("client", "client", contract.client)) if not party.address)
    return Invoice(
        kind="invoice", number=None, issue_date=issue_date,
        seller=PartyMention(contract.provider.name, contract.provider.siren, contract.provider.address),
        buyer=PartyMention(contract.client.name, contract.client.siren, contract.client.address),
        contract=contract.id, period=period, items=items, total_excluding_vat=ht,
        vat_breakdown=(VatBreakdown(vat_rate, ht, vat),), total_vat=vat, total_including_vat=ttc,
        payment=payment_conditions(contract.as_of(issue_date).payment_terms, issue_date, indemnity),
        settlement_sha256=settlement_sha256, notes=notes,
    )


def invoice_from_settlement(contract: Contract, settlement: Settlement, issue_date: date) -> Invoice:
    return invoice_from_lines(contract, settlement.period, settlement.lines, settlement.vat_rate, issue_date,
                              settlement_sha256=settlement.inputs_sha256,
                              expected_total=settlement.total_excluding_vat)


def invoice_from_settlement_json(contract: Contract, document: Mapping[str, Any], issue_date: date) -> Invoice:
    if document.get("contract") != contract.id:
        raise InvoiceError("settlement_contract_mismatch",
                           f"the settlement is for contract {document.get('contract')!r}; expected {contract.id!r}")
    t = document["totals"]
    return invoice_from_lines(contract, document["period"], lines_from_json(document), D(t["vat_rate"]), issue_date,
                              settlement_sha256=document.get("inputs_sha256"), expected_total=D(t["excluding_vat"]))


def credit_note_for(invoice: Invoice, issue_date: date, reason: str) -> Invoice:
    """A credit note reversing ``invoice`` in full (same lines and amounts, type 381, naming the invoice)."""
    if invoice.number is None:
        raise InvoiceError("credit_note_for_draft", "only an issued invoice can be credited")
    if invoice.kind != "invoice":
        raise InvoiceError("credit_note_for_credit_note", f"{invoice.number} is a credit note; credit an invoice")
    if issue_date < invoice.issue_date:
        raise InvoiceError("credit_note_before_invoice",
                           f"credit note dated {issue_date.isoformat()} is before invoice {invoice.number} "
                           f"of {invoice.issue_date.isoformat()}")
    if not reason.strip():
        raise InvoiceError("credit_note_without_reason", "a credit note needs a reason (what it corrects)")
    return replace(invoice, kind="credit_note", number=None, issue_date=issue_date, corrects=invoice.number,
                   corrects_issue_date=invoice.issue_date, reason=reason.strip(),
                   payment=replace(invoice.payment, due_date=issue_date))
