"""The charter scorecard: a contract and its settled months judged axis by axis.

``scorecard(contract, history, *, payments=None, today) -> Scorecard`` is a pure function: the
contract, the settlements (objects or their JSON documents), optional observations and the day
judged give the same findings every time. Each axis of the SP2C 2019 charter and the 2010
charter's items give :class:`~charte.charter.findings.Finding` values; an axis's verdict is its
worst finding's (``not_enough_data`` only when nothing is known). A new contract with no history
gets "not enough data" where history is needed, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from charte.charter import (
    axis1_forecasts,
    axis2_service,
    axis3_bonus_malus,
    axis4_price,
    axis5_indexation,
    axis6_payment,
    axis7_exit,
    axis8_liability,
    charter_2010,
)
from charte.charter.evidence import Evidence, IvrObservation, PaymentRecord
from charte.charter.findings import AXES, Finding, Verdict, worst
from charte.charter.history import SettledMonth, read_history
from charte.charter.price_floor import FloorBreakdown, PriceFloorError
from charte.domain.contract import Contract
from charte.domain.reference import ReferenceBook
from charte.settle import Settlement

_AXIS_MODULES = (axis1_forecasts, axis2_service, axis3_bonus_malus, axis4_price, axis5_indexation, axis6_payment,
                 axis7_exit, axis8_liability, charter_2010)


@dataclass(frozen=True)
class Scorecard:
    """The findings of one contract on one day, with the months they rest on."""

    contract: str
    contract_name: str
    today: date
    months: tuple[str, ...]
    findings: tuple[Finding, ...]
    floor: FloorBreakdown | None
    history: tuple[SettledMonth, ...]

    def of_axis(self, axis: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.axis == axis)

    def verdict(self, axis: str) -> Verdict:
        return worst(f.verdict for f in self.of_axis(axis))

    def item(self, axis: str, item: str) -> Finding:
        for f in self.findings:
            if f.axis == axis and f.item == item:
                return f
        raise KeyError(f"no finding {item!r} on axis {axis}")

    @property
    def verdicts(self) -> dict[str, Verdict]:
        return {axis: self.verdict(axis) for axis in AXES}

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract, "contract_name": self.contract_name, "today": self.today.isoformat(),
            "months": list(self.months),
            "axes": [{"axis": axis, "title_fr": fr, "title_en": en, "verdict": self.verdict(axis),
                      "findings": [f.as_dict() for f in self.of_axis(axis)]} for axis, (fr, en) in AXES.items()],
            "price_floor": self.floor.as_dict() if self.floor else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def scorecard(contract: Contract, history: Iterable[Settlement | Mapping[str, Any]], *,
              payments: Sequence[PaymentRecord] | None = None, today: date, months: int | None = 12,
              measured_aht: Mapping[str, Decimal] | None = None, ivr: IvrObservation | None = None,
              dial_modes: Mapping[str, int] | None = None,
              floor_overrides: Mapping[str, Decimal] | None = None,
              reference: ReferenceBook | None = None) -> Scorecard:
    """Judge ``contract`` and its last ``months`` settled months on ``today`` (see the module docstring)."""
    settled = tuple(read_history(history, months))
    version = contract.as_of(today) if today >= contract.term.start else contract
    ev = Evidence(version, settled, today, tuple(payments) if payments is not None else None,
                  dict(measured_aht or {}), ivr, dial_modes, dict(floor_overrides or {}), reference)
    found: list[Finding] = []
    for module in _AXIS_MODULES:
        found += module.findings(ev)
    try:
        floor: FloorBreakdown | None = axis4_price.breakdown(ev)
    except PriceFloorError:
        floor = None
    return Scorecard(version.id, version.name, today, tuple(m.period for m in settled), tuple(found), floor, settled)
