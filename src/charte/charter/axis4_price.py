"""Axis 4 of the SP2C charter (2019): a socially responsible price.

For each activity, the price per productive hour — the indexed unit price of the last settled
month, else the contract's base price (lowest tier when tiered) — is compared with the cost
floor of :mod:`charte.charter.price_floor` (per-contact and per-minute prices converted through
the measured AHT and the occupancy). ``fail`` below the cost floor, ``warn`` below the
responsible price (floor × (1 + margin)), ``pass`` above; the margin over the floor is shown.
Fixed monthly fees cannot be compared per hour (``not_enough_data``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from charte.charter.evidence import Evidence
from charte.charter.findings import CHARTER_2019, Finding, Verdict, eur, finding, pct
from charte.charter.price_floor import (
    FloorBreakdown,
    PriceFloorError,
    cost_floor,
    floor_parameters,
    price_per_productive_hour,
)
from charte.domain.contract import Activity, FixedMonthly

REF: Final = f"{CHARTER_2019}, axe 4 ; SMIC : Code du travail L3231-2"


def breakdown(ev: Evidence) -> FloorBreakdown:
    return cost_floor(floor_parameters(ev.contract, ev.today, ev.floor_overrides, ev.reference), ev.today)


def _price(ev: Evidence, activity: Activity) -> tuple[Decimal, str] | None:
    for month in reversed(ev.history):
        for unit in month.unit_prices:
            if unit.activity == activity.id:
                return unit.unit_price, f"indexed unit price of {month.period}"
    pricing = activity.pricing
    if isinstance(pricing, FixedMonthly):
        return None
    if pricing.price is not None:
        return pricing.price, "contract base price"
    assert pricing.tiers is not None
    return min(t.price for t in pricing.tiers), "contract base price (lowest tier)"


def findings(ev: Evidence) -> list[Finding]:
    try:
        floor = breakdown(ev)
    except PriceFloorError as error:
        return [finding("4", "price_floor", "not_enough_data", f"Plancher non calculable : {error}",
                        f"No cost floor: {error}", REF)]
    return [_activity(ev, a, floor) for a in ev.contract.activities]


def _activity(ev: Evidence, activity: Activity, floor: FloorBreakdown) -> Finding:
    item = f"price_floor[{activity.id}]"
    found = _price(ev, activity)
    if found is None:
        return finding("4", item, "not_enough_data",
                       f"{activity.id} : forfait mensuel, pas de prix horaire comparable.",
                       f"{activity.id}: fixed monthly fee, no hourly price to compare.", REF, floor=floor.as_dict())
    price, where = found
    per = activity.pricing.per
    aht = ev.measured_aht.get(activity.id)
    hourly = price_per_productive_hour(per, price, occupancy=floor.parameter("occupancy"), aht_seconds=aht)
    if hourly is None:
        return finding("4", item, "not_enough_data",
                       f"{activity.id} : prix par contact ({eur(price)}) sans DMT mesurée, conversion impossible.",
                       f"{activity.id}: price per contact ({eur(price, lang='en')}) with no measured AHT, "
                       "no conversion.", REF,
                       price=price, per=per, floor=floor.as_dict())
    margin = (hourly - floor.cost_floor) / hourly if hourly else Decimal(0)
    verdict: Verdict = "fail" if hourly < floor.cost_floor else "warn" if hourly < floor.responsible_price else "pass"
    words = {"fail": ("sous le plancher de coût", "below the cost floor"),
             "warn": ("au-dessus du coût mais sous le prix responsable", "above cost but below the responsible price"),
             "pass": ("au-dessus du prix responsable", "above the responsible price")}[verdict]
    converted = converted_en = ""
    if per != "productive_hour":
        unit_fr = {"handled_contact": "contact traité", "minute": "minute"}.get(per, per)
        occupancy = floor.parameter("occupancy")
        converted = (f" ({eur(price)} par {unit_fr}" + (f", DMT {aht} s" if aht is not None else "")
                     + f", occupation {pct(occupancy, 0)})")
        converted_en = (f" ({eur(price, lang='en')} per {per.replace('_', ' ')}"
                        + (f", AHT {aht} s" if aht is not None else "")
                        + f", occupancy {pct(occupancy, 0, lang='en')})")
    return finding("4", item, verdict,
                   f"{activity.id} : {eur(hourly)} par heure productive{converted}, {words[0]} "
                   f"({eur(floor.cost_floor)} ; prix responsable {eur(floor.responsible_price)}) ; "
                   f"marge sur le plancher {pct(margin)}.",
                   f"{activity.id}: {eur(hourly, lang='en')} per productive hour{converted_en}, {words[1]} "
                   f"({eur(floor.cost_floor, lang='en')}; responsible price "
                   f"{eur(floor.responsible_price, lang='en')}); "
                   f"margin over the floor {pct(margin, lang='en')}.", REF,
                   price=price, price_source=where, per=per, aht_seconds=aht, price_per_productive_hour=hourly,
                   margin_over_floor=margin.quantize(Decimal("0.0001")), floor=floor.as_dict())
