"""How a settlement line reads on the invoice: French designation, unit, and quantity × price = amount.

A settlement line carries the engine's own quantity, unit and unit price (e.g. a malus is
0.02 "share of base" × −42,000.00). The document shows what a buyer's accounts payable and
an accredited platform expect (EN 16931 BG-25, UN/ECE Recommendation 20 units):

- a **designation** in French (BT-153) built from the clause, never the internal clause path,
  which goes to a discreet reference column (BT-127 line note keeps the explanation);
- a **unit** in words ("heure", "contact traité") and its UN/ECE Rec. 20 code (BT-130);
- a **billed quantity** (BT-129) and a **net price** (BT-146, never negative: EN 16931 BR-27)
  such that quantity × price rounded to the cent is exactly the line's amount, on the PDF as
  in the XML. A bonus or malus is written in percentage points of its base (2 % × 420.00 =
  840.00; negative quantity for a malus); when no exact pair exists within the reform's
  precision (4 decimals for a quantity, 6 for a price: BR-FR-DEC-02/03), the line is one
  lump sum (± 1 "forfait" × |amount|) and its real quantity and price stay in its explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from charte.domain.money import round_cents

#: settlement unit → (French unit label, UN/ECE Recommendation 20 code)
UNITS: Final[dict[str, tuple[str, str]]] = {
    "h": ("heure", "HUR"), "hour": ("heure", "HUR"), "productive_hour": ("heure", "HUR"),
    "contact": ("contact traité", "C62"), "min": ("minute", "MIN"), "minute": ("minute", "MIN"),
    "month": ("mois", "MON"), "day": ("jour", "DAY"), "EUR": ("euro de chiffre d'affaires", "C62"),
    "forfait": ("forfait", "C62"), "adjustment": ("forfait", "C62"),
}
LUMP_SUM: Final = ("forfait", "C62")
PERCENT: Final = ("% de la base", "P1")
#: success-fee events (``pricing.success_fee.event``) in French
EVENTS: Final[dict[str, str]] = {
    "sale": "vente conclue", "appointment": "rendez-vous obtenu", "subscription": "souscription",
    "contract": "contrat signé", "lead": "contact qualifié",
}
METRICS: Final[dict[str, str]] = {
    "service_level": "niveau de service", "answer_rate": "taux de décroché", "asa": "délai moyen de réponse",
    "abandonment": "taux d'abandon", "response_time": "délai de réponse", "quality_score": "qualité",
    "fcr": "résolution au premier contact", "conversion": "taux de transformation",
}
CHANNELS: Final[dict[str, str]] = {
    "voice_inbound": "Appels entrants", "voice_outbound": "Appels sortants", "email": "Traitement des e-mails",
    "chat": "Conversations en ligne (chat)", "back_office": "Traitement back-office",
}
CAPS: Final[dict[str, str]] = {
    "cap_overall_malus": "Plafonnement global des malus", "cap_overall_bonus": "Plafonnement global des bonus",
    "cap_penalties": "Plafonnement des pénalités (responsabilité)",
}
_QUANTITY_PLACES: Final = 4
_PRICE_PLACES: Final = 6


@dataclass(frozen=True)
class DocumentLine:
    """What the invoice prints for a line: designation, unit, quantity and net price (see the module docstring)."""

    designation: str
    unit_label: str
    unit_code: str
    quantity: Decimal
    net_price: Decimal


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _exact(quantity: Decimal, price: Decimal, amount: Decimal) -> tuple[Decimal, Decimal] | None:
    """(quantity, price) within the reform's precision whose product rounds to ``amount``, else ``None``."""
    if price < 0 or _places(quantity) > _QUANTITY_PLACES:
        return None
    rounded = price.quantize(Decimal(1).scaleb(-_PRICE_PLACES)).normalize() if _places(price) > _PRICE_PLACES \
        else price
    if round_cents(quantity * rounded) != amount:
        return None
    return quantity.normalize(), rounded


def designation(kind: str, label: str, figures: Mapping[str, Any], activity_name: str | None,
                channel: str | None) -> str:
    """The line's designation in French (BT-153), from its kind and figures."""
    service = activity_name or (CHANNELS.get(channel or "", "Prestation"))
    if kind in ("service", "fixed_fee"):
        band = ""
        if figures.get("band_from") is not None:
            upper = "∞" if figures.get("band_to") is None else _int_fr(figures["band_to"])
            band = f", tranche {_int_fr(figures['band_from'])} à {upper}"
        return f"{service}{band}" if kind == "service" else f"{service} — forfait mensuel"
    if kind == "success_fee":
        event = str(figures.get("event", label))
        return f"Prime de succès — {EVENTS.get(event, event)}"
    if kind == "minimum_billing":
        return f"Minimum de facturation — {service}"
    if kind in ("malus", "bonus"):
        metric = METRICS.get(str(figures.get("metric", "")), str(figures.get("commitment", "")))
        return f"{'Malus' if kind == 'malus' else 'Bonus'} — {metric}"
    if kind == "cap_adjustment":
        return CAPS.get(f"cap_{figures.get('cap', '')}", "Plafonnement contractuel")
    return label


def _int_fr(value: Any) -> str:
    return f"{Decimal(str(value)):,.0f}".replace(",", "\u202f")


def document_line(kind: str, label: str, quantity: Decimal, unit: str, unit_price: Decimal, amount: Decimal,
                  figures: Mapping[str, Any], activity_name: str | None = None,
                  channel: str | None = None) -> DocumentLine:
    """The printed form of one settlement line (rules in the module docstring)."""
    name = designation(kind, label, figures, activity_name, channel)
    if kind in ("malus", "bonus") and figures.get("base") is not None:
        base = Decimal(str(figures["base"]))
        sign = -1 if amount < 0 else 1
        pair = _exact(quantity * 100 * sign, base / 100, amount)
        if pair is not None:
            return DocumentLine(name, *PERCENT, *pair)
    elif kind != "cap_adjustment" and unit_price >= 0:
        pair = _exact(quantity, unit_price, amount)
        if pair is not None:
            label_fr, code = UNITS.get(unit, (EVENTS.get(unit, unit), "C62"))
            return DocumentLine(name, label_fr, code, *pair)
    return DocumentLine(name, *LUMP_SUM, Decimal(-1 if amount < 0 else 1), abs(amount))
