"""Invoices and credit notes a French client's accounts payable and an accredited platform accept (SP2C axis 6).

An :class:`Invoice` is built from a settled month (its lines and their explanations are
copied, never recomputed), is **numbered** only when the provider's ledger issues it
(:mod:`charte.payments.ledger`: one gap-free sequence per provider), after the official
e-invoicing rules found nothing fatal in it (:mod:`charte.io.einvoicing`), and is immutable
once issued: a correction is a **credit note** (``kind="credit_note"``, EN 16931 type code
381) that names the invoice it corrects, its number (BT-25) and date (BT-26), for the whole
invoice, some of its lines or an amount.

Mandatory mentions carried by every document (CGI art. 242 nonies A of annex II; Code de
commerce L441-9 and R123-237; the e-invoicing reform, décret 2022-1299 and AFNOR XP Z12-012):
both parties' names, structured postal addresses, SIREN and SIRET, VAT numbers and electronic
addresses (BT-34/BT-49); the seller's legal form, share capital and RCS; the number and date;
the buyer's purchase order when the contract has one (BT-13); the operation category
(services, coded in the billing mode BT-23 ``S1``); each line's quantity, unit and unit price;
the VAT breakdown per category and rate; the due date, the late-penalty rate and the €40
recovery indemnity (D441-5) on an invoice (not on a credit note, which is not paid late); and
the VAT regime: due on receipt for services unless the provider opted for debits (CGI art.
269 2 c), reverse charge for a client in another EU country (CGI art. 283-2, "Autoliquidation"),
outside the scope of French VAT for a client outside the EU (CGI art. 259-1°).

Totals follow the settlement's rule: excluding VAT = Σ rounded line amounts; VAT = rate ×
that total, rounded once to the cent (:func:`charte.domain.money.round_cents`).

A settlement resting on **illustrative** reference values (the demo's made-up Syntec series) is
never invoiced: building an invoice from it is refused (``illustrative_reference_data``). It can
only give a **specimen** (``specimen=True``): the same lines, clearly marked, which no ledger
numbers and which has no e-invoice (the demo shows its month this way).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from charte.domain.calendar import Month
from charte.domain.contract import Contract
from charte.domain.contract.parties import EU_MEMBER_STATES, Party, french_vat_number
from charte.domain.contract.payment_terms import LatePenalty, PaymentTerms
from charte.domain.money import D, round_cents
from charte.payments.due_dates import due_date_for
from charte.payments.invoice_lines import document_line
from charte.settle.engine import Settlement
from charte.settle.explain import explain
from charte.settle.lines import Explanation, InvoiceLine, LineKind

DocumentKind = Literal["invoice", "credit_note"]
OPERATION_CATEGORY = "services"
#: BT-23, the reform's billing mode ("cadre de facturation"): S1 = a services invoice deposited for
#: payment (AFNOR XP Z12-012 v1.4, BR-FR-08). Its letter codes the operation category (S: services).
BILLING_MODE: Final = "S1"


#: What the ledger runs on a numbered draft before recording it: raises to refuse it (the official e-invoicing
#: rules, :func:`charte.io.einvoicing.documents.gate_document`, in every caller that issues).
DocumentGate = Callable[["Invoice"], object]


class InvoiceError(ValueError):
    """An invoice that cannot be built: stable ``code`` and a message a person can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def vat_number(siren: str) -> str:
    """French intra-community VAT number from a SIREN: ``FR`` + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97."""
    return french_vat_number(siren)


@dataclass(frozen=True)
class VatTreatment:
    """How VAT applies to the buyer's invoices: EN 16931 category (BT-118), rate, exemption, the printed mention."""

    category: str
    rate: Decimal
    exemption_code: str | None
    exemption_reason: str | None
    mention: str
    scope: Literal["B2B", "B2BINT"]


#: Reverse charge: the service is taxed where an EU business client is established (CGI art. 259-1°), VAT is
#: paid by the client (art. 196 of directive 2006/112/EC; CGI art. 283-2) and the invoice says "Autoliquidation"
#: (CGI ann. II art. 242 nonies A 13°). VATEX-EU-AE is the CEF exemption reason code.
REVERSE_CHARGE: Final = ("AE", "VATEX-EU-AE", "Autoliquidation",
                         "Autoliquidation : TVA due par le preneur (art. 283-2 du CGI ; art. 196 de la directive "
                         "2006/112/CE)")
#: Outside the EU: the service is taxed where the business client is established (CGI art. 259-1°), outside the
#: scope of French VAT; EN 16931 category O ("not subject to VAT"), CEF exemption code VATEX-EU-O.
OUTSIDE_SCOPE: Final = ("O", "VATEX-EU-O", "Non soumis à la TVA française (art. 259-1° du CGI)",
                        "TVA non applicable : prestation de services à un preneur établi hors de l'Union "
                        "européenne (art. 259-1° du CGI)")


def vat_treatment(buyer_country: str | None, standard_rate: Decimal, vat_on_debits: bool) -> VatTreatment:
    """VAT on services to a business client established in ``buyer_country`` (see the module docstring)."""
    if buyer_country in (None, "FR"):
        mention = ("Option pour le paiement de la TVA d'après les débits (art. 269-2-c du CGI)" if vat_on_debits
                   else "TVA exigible à l'encaissement (prestation de services)")
        return VatTreatment("S", standard_rate, None, None, mention, "B2B")
    category, code, reason, mention = REVERSE_CHARGE if buyer_country in EU_MEMBER_STATES else OUTSIDE_SCOPE
    return VatTreatment(category, Decimal(0), code, reason, mention, "B2BINT")


@dataclass(frozen=True)
class AddressMention:
    """A postal address as the document prints and structures it (BG-5/BG-8)."""

    street: str
    postcode: str
    city: str
    country: str = "FR"
    street2: str | None = None

    def lines(self) -> tuple[str, ...]:
        tail = () if self.country == "FR" else (self.country,)
        return (self.street, *((self.street2,) if self.street2 else ()), f"{self.postcode} {self.city}".strip(),
                *tail)


@dataclass(frozen=True)
class PartyMention:
    """A party as the invoice names it (see the module docstring for the mentions)."""

    name: str
    siren: str | None
    address: AddressMention | None = None
    siret: str | None = None
    vat_id: str | None = None
    electronic_address: tuple[str, str] | None = None     # (EAS scheme, identifier)
    legal_form: str | None = None
    share_capital: Decimal | None = None
    rcs_city: str | None = None
    iban: str | None = None
    bic: str | None = None

    @property
    def country(self) -> str:
        return self.address.country if self.address is not None else "FR"

    def registration(self) -> str | None:
        """The seller's identification line (Code de commerce R123-237): "SAS au capital de 250 000 € — RCS
        Amiens 987 654 324"."""
        if not (self.legal_form and self.share_capital is not None and self.rcs_city and self.siren):
            return None
        capital = f"{self.share_capital:,.2f}".replace(",", "\u202f").replace(".", ",").removesuffix(",00")
        siren = f"{self.siren[:3]} {self.siren[3:6]} {self.siren[6:]}"
        return f"{self.legal_form} au capital de {capital}\u00a0€ — RCS {self.rcs_city} {siren}"

    @classmethod
    def of(cls, party: Party) -> PartyMention:
        address = party.address
        return cls(
            party.name, party.siren,
            AddressMention(address.street, address.postcode, address.city, address.country, address.street2)
            if address is not None else None,
            party.siret, party.vat_id,
            (party.electronic_address.scheme, party.electronic_address.id)
            if party.electronic_address is not None else None,
            party.legal_form, party.share_capital, party.rcs_city,
            getattr(party, "iban", None), getattr(party, "bic", None),
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> PartyMention:
        address = doc.get("address")
        if isinstance(address, str):  # documents issued before addresses were structured
            address = {"street": address, "postcode": "", "city": ""}
        electronic = doc.get("electronic_address")
        return cls(
            doc["name"], doc.get("siren"), AddressMention(**address) if address else None, doc.get("siret"),
            doc.get("vat_id") or (vat_number(doc["siren"]) if doc.get("siren") else None),
            (electronic[0], electronic[1]) if electronic else None, doc.get("legal_form"),
            _opt(doc.get("share_capital")), doc.get("rcs_city"), doc.get("iban"), doc.get("bic"),
        )


@dataclass(frozen=True)
class InvoiceItem:
    """One line of the document, copied from the settlement with its explanation in words.

    ``quantity``, ``unit`` and ``unit_price`` are the settlement's; ``billed_quantity`` ×
    ``net_price`` (with ``unit_label``/``unit_code``) is what the document prints and the XML
    carries, equal to ``amount`` (:mod:`charte.payments.invoice_lines`); ``clause`` is the
    internal reference, printed in a discreet column, never in the ``designation``.
    """

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
    designation: str = ""
    billed_quantity: Decimal = Decimal(1)
    net_price: Decimal = Decimal(0)
    unit_label: str = "forfait"
    unit_code: str = "C62"
    vat_category: str = "S"


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    base: Decimal
    vat: Decimal
    category: str = "S"
    exemption_code: str | None = None
    exemption_reason: str | None = None


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
    reason: str | None = None
    settlement_sha256: str | None = None
    operation_category: str = OPERATION_CATEGORY
    vat_on_debits: bool = False
    currency: str = "EUR"
    notes: tuple[str, ...] = field(default_factory=tuple)
    corrects_date: date | None = None
    billing_mode: str = BILLING_MODE
    purchase_order: str | None = None
    vat_mention: str = "TVA exigible à l'encaissement (prestation de services)"
    scope: str = "B2B"
    specimen: bool = False

    @property
    def is_issued(self) -> bool:
        return self.number is not None

    @property
    def sign(self) -> int:
        """+1 for an invoice, −1 for a credit note (what it does to the client's balance)."""
        return -1 if self.kind == "credit_note" else 1

    @property
    def vat_category(self) -> str:
        return self.vat_breakdown[0].category if self.vat_breakdown else "S"

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
            seller=PartyMention.from_dict(doc["seller"]), buyer=PartyMention.from_dict(doc["buyer"]),
            contract=doc["contract"], period=doc["period"],
            items=tuple(_item_from_dict(i) for i in doc["items"]),
            total_excluding_vat=D(doc["total_excluding_vat"]),
            vat_breakdown=tuple(VatBreakdown(D(v["rate"]), D(v["base"]), D(v["vat"]), v.get("category", "S"),
                                             v.get("exemption_code"), v.get("exemption_reason"))
                                for v in doc["vat_breakdown"]),
            total_vat=D(doc["total_vat"]), total_including_vat=D(doc["total_including_vat"]),
            payment=PaymentConditions(
                days=p["days"], basis=p["basis"], due_date=date.fromisoformat(p["due_date"]),
                penalty_rule=p["penalty_rule"], penalty_points=_opt(p["penalty_points"]),
                penalty_fixed_rate=_opt(p["penalty_fixed_rate"]), recovery_indemnity=D(p["recovery_indemnity"]),
                early_payment_discount=_opt(p.get("early_payment_discount"))),
            corrects=doc.get("corrects"), reason=doc.get("reason"), settlement_sha256=doc.get("settlement_sha256"),
            operation_category=doc.get("operation_category", OPERATION_CATEGORY),
            vat_on_debits=bool(doc.get("vat_on_debits", False)), currency=doc.get("currency", "EUR"),
            notes=tuple(doc.get("notes", ())),
            corrects_date=date.fromisoformat(doc["corrects_date"]) if doc.get("corrects_date") else None,
            billing_mode=doc.get("billing_mode", BILLING_MODE), purchase_order=doc.get("purchase_order"),
            vat_mention=doc.get("vat_mention", "TVA exigible à l'encaissement (prestation de services)"),
            scope=doc.get("scope", "B2B"), specimen=bool(doc.get("specimen", False)),
        )


_DECIMAL_ITEM_FIELDS: Final = ("quantity", "unit_price", "amount", "vat_rate", "billed_quantity", "net_price")


def _item_from_dict(doc: Mapping[str, Any]) -> InvoiceItem:
    values = {**doc, **{k: D(doc[k]) for k in _DECIMAL_ITEM_FIELDS if k in doc}}
    if "billed_quantity" not in doc:  # documents issued before lines carried their printed form
        printed = document_line(doc["kind"], doc["label"], values["quantity"], doc["unit"], values["unit_price"],
                                values["amount"], {})
        values.update(designation=printed.designation, billed_quantity=printed.quantity,
                      net_price=printed.net_price, unit_label=printed.unit_label, unit_code=printed.unit_code)
    return InvoiceItem(**values)


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


def _items(contract: Contract, lines: Iterable[InvoiceLine], vat: VatTreatment) -> tuple[InvoiceItem, ...]:
    items = []
    for line in lines:
        activity = next((a for a in contract.activities if a.id == line.activity), None)
        printed = document_line(str(line.kind), line.label, line.quantity, line.unit, line.unit_price, line.amount,
                                line.explanation.figures, activity.name if activity else None,
                                str(activity.channel) if activity else None)
        items.append(InvoiceItem(
            line.number, str(line.kind), line.clause, line.label, line.quantity, line.unit, line.unit_price,
            line.amount, vat.rate, explain(line, "fr"), explain(line, "en"), printed.designation,
            printed.quantity, printed.net_price, printed.unit_label, printed.unit_code, vat.category))
    return tuple(items)


def missing_mentions(invoice: Invoice) -> list[str]:
    """The mandatory mentions a document lacks (module docstring), each naming the contract field that gives it."""
    missing = []
    for role, key, party in (("seller", "provider", invoice.seller), ("buyer", "client", invoice.buyer)):
        address = party.address
        if address is None or not (address.street and address.postcode and address.city):
            missing.append(f"{role}'s postal address with postcode and city (`{key}.address`)")
        if party.electronic_address is None:
            missing.append(f"{role}'s electronic address, BT-{34 if role == 'seller' else 49} "
                           f"(`{key}.electronic_address`)")
        if party.country == "FR" and not (party.siren and party.siret):
            missing.append(f"{role}'s SIREN and SIRET (`{key}.siren`, `{key}.siret`)")
    if invoice.seller.registration() is None:
        missing.append("seller's legal form, share capital and RCS (`provider.legal_form`, "
                       "`provider.share_capital`, `provider.rcs_city`)")
    if invoice.vat_category in ("S", "AE") and not invoice.seller.vat_id:
        missing.append("seller's VAT number (`provider.vat_number`)")
    if invoice.vat_category == "AE" and not invoice.buyer.vat_id:
        missing.append("buyer's VAT number, needed for reverse charge (`client.vat_number`)")
    if invoice.kind == "credit_note" and not (invoice.corrects and invoice.corrects_date):
        missing.append("number and date of the corrected invoice (BT-25, BT-26)")
    return missing


def _require_mentions(invoice: Invoice) -> Invoice:
    missing = missing_mentions(invoice)
    if missing:
        raise InvoiceError("mandatory_mention_missing", "the document lacks mandatory mentions: " + "; ".join(missing)
                           + " — complete the contract and settle again")
    return invoice


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
    version = contract.as_of(issue_date)
    terms = version.payment_terms
    vat = vat_treatment(version.client.country, vat_rate, terms.vat_on_debits)
    items = _items(version, lines, vat)
    ht, tax, ttc = totals((i.amount for i in items), vat.rate)
    if expected_total is not None and expected_total != ht:
        raise InvoiceError("invoice_total_mismatch",
                           f"lines of {period} sum to {ht} EUR excluding VAT; the settlement says {expected_total}")
    if ht <= 0:
        raise InvoiceError("invoice_not_positive", f"the month {period} totals {ht} EUR excluding VAT; "
                                                   "expected a positive amount (issue a credit note instead)")
    indemnity = version.law_value("recovery_indemnity.eur", issue_date)
    return _require_mentions(Invoice(
        kind="invoice", number=None, issue_date=issue_date,
        seller=PartyMention.of(version.provider), buyer=PartyMention.of(version.client),
        contract=contract.id, period=period, items=items, total_excluding_vat=ht,
        vat_breakdown=(VatBreakdown(vat.rate, ht, tax, vat.category, vat.exemption_code, vat.exemption_reason),),
        total_vat=tax, total_including_vat=ttc,
        payment=payment_conditions(terms, issue_date, indemnity),
        settlement_sha256=settlement_sha256, vat_on_debits=terms.vat_on_debits,
        purchase_order=version.client.purchase_order, vat_mention=vat.mention, scope=vat.scope,
    ))


def _refuse_illustrative(period: str, series: Mapping[str, Mapping[str, Any]]) -> None:
    made_up = sorted(name for name, used in series.items() if used.get("illustrative"))
    if made_up:
        raise InvoiceError("illustrative_reference_data",
                           f"the settlement of {period} rests on ILLUSTRATIVE values of {', '.join(made_up)} (made up "
                           "for the demo, not published); a numbered invoice needs the published values: add them "
                           "with `charte reference add FILE.csv` (or --index) and settle the month again")


def invoice_from_settlement(contract: Contract, settlement: Settlement, issue_date: date, *,
                            specimen: bool = False) -> Invoice:
    """The draft invoice of a settled month; refused when the settlement rests on illustrative values.

    ``specimen=True`` gives the same document marked as a specimen, which no ledger numbers.
    """
    if not specimen:
        _refuse_illustrative(settlement.period, {r.series: r.as_dict() for r in settlement.reference_data})
    draft = invoice_from_lines(contract, settlement.period, settlement.lines, settlement.vat_rate, issue_date,
                               settlement_sha256=settlement.inputs_sha256,
                               expected_total=settlement.total_excluding_vat)
    return replace(draft, specimen=True) if specimen else draft


def invoice_from_settlement_json(contract: Contract, document: Mapping[str, Any], issue_date: date) -> Invoice:
    if document.get("contract") != contract.id:
        raise InvoiceError("settlement_contract_mismatch",
                           f"the settlement is for contract {document.get('contract')!r}; expected {contract.id!r}")
    _refuse_illustrative(str(document.get("period")), document.get("reference_data") or {})
    t = document["totals"]
    return invoice_from_lines(contract, document["period"], lines_from_json(document), D(t["vat_rate"]), issue_date,
                              settlement_sha256=document.get("inputs_sha256"), expected_total=D(t["excluding_vat"]))


def _partial_items(invoice: Invoice, lines: Sequence[int] | None, amount: Decimal | None,
                   reason: str) -> tuple[InvoiceItem, ...]:
    if lines is not None and amount is not None:
        raise InvoiceError("credit_note_lines_and_amount", "credit either some lines or an amount, not both")
    if amount is not None:
        value = round_cents(D(amount))
        if value <= 0 or value != D(amount):
            raise InvoiceError("credit_note_amount_invalid", f"credited amount {amount} EUR; expected a positive "
                                                             "amount in whole cents, excluding VAT")
        if value > invoice.total_excluding_vat:
            raise InvoiceError("credit_exceeds_invoice", f"credited amount {value} EUR exceeds invoice "
                                                         f"{invoice.number}'s {invoice.total_excluding_vat} EUR "
                                                         f"excluding VAT by {value - invoice.total_excluding_vat}")
        first = invoice.items[0]
        return (InvoiceItem(1, "credit", "credit_note.amount", "Credit", Decimal(1), "forfait", value, value,
                            first.vat_rate, f"Avoir partiel sur la facture {invoice.number} : {reason}",
                            f"Partial credit on invoice {invoice.number}: {reason}",
                            f"Avoir partiel — facture {invoice.number}", Decimal(1), value, "forfait", "C62",
                            first.vat_category),)
    if lines is None:
        return invoice.items
    known = {i.number: i for i in invoice.items}
    unknown = [n for n in lines if n not in known]
    if unknown or not lines or len(set(lines)) != len(lines):
        raise InvoiceError("credit_note_unknown_line", f"lines {', '.join(map(str, unknown or lines))} are not "
                                                       f"(distinct) lines of {invoice.number}; its lines are "
                                                       f"{', '.join(map(str, known))}")
    return tuple(known[n] for n in sorted(lines))


def credit_note_for(invoice: Invoice, issue_date: date, reason: str, *, lines: Sequence[int] | None = None,
                    amount: Decimal | str | None = None) -> Invoice:
    """A credit note on ``invoice``: in full, for some of its ``lines`` (their amounts), or for an ``amount``
    excluding VAT; type 381, naming the invoice's number and date (BT-25, BT-26), no late-payment mentions."""
    if invoice.number is None or invoice.specimen:
        raise InvoiceError("credit_note_for_draft", "only an issued invoice can be credited")
    if invoice.kind != "invoice":
        raise InvoiceError("credit_note_for_credit_note", f"{invoice.number} is a credit note; credit an invoice")
    if issue_date < invoice.issue_date:
        raise InvoiceError("credit_note_before_invoice",
                           f"credit note dated {issue_date.isoformat()} is before invoice {invoice.number} "
                           f"of {invoice.issue_date.isoformat()}")
    if not reason.strip():
        raise InvoiceError("credit_note_without_reason", "a credit note needs a reason (what it corrects)")
    items = _partial_items(invoice, lines, D(amount) if amount is not None else None, reason.strip())
    vat = invoice.vat_breakdown[0]
    ht, tax, ttc = totals((i.amount for i in items), vat.rate)
    if ht <= 0:
        raise InvoiceError("credit_note_not_positive", f"the credited lines total {ht} EUR excluding VAT; "
                                                       "expected a positive amount to credit")
    return _require_mentions(replace(
        invoice, kind="credit_note", number=None, issue_date=issue_date, corrects=invoice.number,
        corrects_date=invoice.issue_date, reason=reason.strip(), items=items, total_excluding_vat=ht,
        vat_breakdown=(replace(vat, base=ht, vat=tax),), total_vat=tax, total_including_vat=ttc,
        payment=replace(invoice.payment, due_date=issue_date), notes=()))
