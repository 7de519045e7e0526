"""The settled months a scorecard reads, as typed records.

A history is a list of :class:`charte.settle.Settlement` objects or of their JSON documents
(``Settlement.to_json()``, e.g. ``settlement.json`` files). Both are read into the same
:class:`SettledMonth`, which keeps only what the scorecard judges: invoice amounts by kind, unit
prices, minimum-billing checks, service results (raw, band-neutralised, fair), forecast accuracy
by horizon and the price revision. Months are sorted and one record is kept per period (the last
given wins, as a re-settled month replaces the first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from charte.settle import Settlement


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class ResultRecord:
    commitment: str
    activity: str
    metric: str
    evaluation: str
    direction: str
    target: Decimal
    raw: Decimal | None
    result: Decimal | None
    met: bool | None
    out_of_band_intervals: int

    def meets(self, value: Decimal | None) -> bool | None:
        if value is None:
            return None
        return value >= self.target if self.direction == "at_least" else value <= self.target


@dataclass(frozen=True)
class AccuracyRecord:
    activity: str
    horizon: str
    forecast_volume: Decimal
    actual_volume: int
    wape: Decimal | None
    share_in_band: Decimal | None
    mape: Decimal | None = None
    bias: Decimal | None = None

    def metric(self, name: str) -> Decimal | None:
        """The accuracy figure the contract names (``forecasts.accuracy_metric``: wape, mape or bias)."""
        return {"wape": self.wape, "mape": self.mape, "bias": self.bias}[name]


@dataclass(frozen=True)
class MinimumRecord:
    horizon: str
    periods_under: int
    minimum: Decimal
    billed: Decimal
    top_up: Decimal


@dataclass(frozen=True)
class UnitPrice:
    activity: str
    per: str
    base_unit_price: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class SettledMonth:
    """One settled month, as the scorecard reads it."""

    period: str                       # YYYY-MM
    total_excluding_vat: Decimal
    before_bonus_malus: Decimal       # service, fixed, success-fee and minimum-billing lines
    malus: Decimal                    # maluses net of cap adjustments, as a positive amount
    malus_uncapped: Decimal
    bonus: Decimal
    caps_applied: int                 # cap-adjustment lines on maluses
    unit_prices: tuple[UnitPrice, ...]
    minimum_billing: tuple[MinimumRecord, ...]
    results: tuple[ResultRecord, ...]
    accuracy: tuple[AccuracyRecord, ...]
    indexation: Mapping[str, Any]


def _amounts(lines: list[Mapping[str, Any]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in lines:
        kind = str(line["kind"])
        if kind == "cap_adjustment":
            kind = "cap_bonus" if line.get("explanation", {}).get("kind") == "cap_overall_bonus" else "cap_malus"
        out[kind] = out.get(kind, Decimal(0)) + Decimal(str(line["amount"]))
    return out


def _unit_prices(lines: list[Mapping[str, Any]]) -> tuple[UnitPrice, ...]:
    seen: dict[str, UnitPrice] = {}
    for line in lines:
        if line["kind"] != "service" or line.get("activity") is None:
            continue
        per = str(line.get("explanation", {}).get("figures", {}).get("per", line.get("unit", "")))
        seen.setdefault(str(line["activity"]), UnitPrice(str(line["activity"]), per,
                                                         Decimal(str(line["base_unit_price"])),
                                                         Decimal(str(line["unit_price"]))))
    return tuple(seen.values())


def month_of(document: Settlement | Mapping[str, Any]) -> SettledMonth:
    """Read one settlement (object or JSON document) into a :class:`SettledMonth`."""
    doc = document.as_dict() if isinstance(document, Settlement) else document
    lines = list(doc.get("lines", []))
    amounts = _amounts(lines)
    malus_uncapped = -amounts.get("malus", Decimal(0))
    malus = malus_uncapped - amounts.get("cap_malus", Decimal(0))
    results = tuple(
        ResultRecord(str(r["commitment"]), str(r["activity"]), str(r["metric"]), str(r["evaluation"]),
                     str(r.get("direction", "at_least")), Decimal(str(r["target"])), _d(r.get("raw")),
                     _d(r.get("result")), r.get("met"), int(r.get("out_of_band_intervals", 0)))
        for r in doc.get("service_results", []))
    accuracy = tuple(
        AccuracyRecord(str(a["activity"]), str(a["horizon"]), Decimal(str(a["forecast_volume"])),
                       int(a["actual_volume"]), _d(a.get("wape")), _d(a.get("share_in_band")), _d(a.get("mape")),
                       _d(a.get("bias")))
        for a in doc.get("forecast_accuracy", []))
    minimum = tuple(
        MinimumRecord(str(m["horizon"]), int(m["periods_under"]), Decimal(str(m["minimum"])),
                      Decimal(str(m["billed"])), Decimal(str(m["top_up"])))
        for m in doc.get("minimum_billing", []))
    before = sum((v for k, v in amounts.items() if k in ("service", "fixed_fee", "success_fee", "minimum_billing")),
                 Decimal(0))
    return SettledMonth(
        period=str(doc["period"]), total_excluding_vat=Decimal(str(doc["totals"]["excluding_vat"])),
        before_bonus_malus=before, malus=malus, malus_uncapped=malus_uncapped,
        bonus=amounts.get("bonus", Decimal(0)) + amounts.get("cap_bonus", Decimal(0)),
        caps_applied=sum(1 for line in lines if line["kind"] == "cap_adjustment"
                         and line.get("explanation", {}).get("kind") != "cap_overall_bonus"),
        unit_prices=_unit_prices(lines), minimum_billing=minimum, results=results, accuracy=accuracy,
        indexation=dict(doc.get("indexation", {})),
    )


def read_history(documents: Iterable[Settlement | Mapping[str, Any]], months: int | None = None) -> list[SettledMonth]:
    """The settled months in period order, one per period, the last ``months`` of them when given."""
    by_period = {m.period: m for m in (month_of(d) for d in documents)}
    ordered = [by_period[p] for p in sorted(by_period)]
    return ordered[-months:] if months else ordered
