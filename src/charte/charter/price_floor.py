"""Axis 4 of the SP2C charter (2019): the cost floor of a productive hour, and a price compared to it.

A productive hour is a logged hour (available or handling), the unit contracts priced per
productive hour bill. Its cost floor, every parameter shown with where it comes from:

    wage                      = max(agent wage, SMIC, classification minimum)
    loaded hour               = wage × (1 + employer charges)
    paid hours per productive = 1 ÷ (1 − shrinkage − training)
    agent cost                = loaded hour × paid hours per productive
    supervision               = supervisor wage × (1 + employer charges) × paid hours per productive ÷ span of control
    cost floor                = (agent cost + supervision) × (1 + overheads)
    responsible price         = cost floor × (1 + margin)

Shrinkage is the share of paid time not logged: paid leave, absence, breaks (and training, by
the contract model's definition, unless ``training`` is set apart). Occupancy (handle time ÷
logged time) converts prices per contact or per minute into a price per productive hour:

    per handled contact: price × occupancy × 3600 ÷ AHT (seconds)
    per minute of handle time: price × 60 × occupancy

Sources: the SMIC from the dated table of :mod:`charte.domain.law` (``smic.hourly_gross``, décrets
cited there; the table ends with the value of 1 November 2024, later values are overrides); the
**classification minimum** of the activity's function is *not* sourced in charte (the collective
agreements' grids are not in the repository): it is a setting, absent by default. Employer
charges, shrinkage, occupancy, span of control, supervisor wage, overheads and margin are the
contract's ``price_floor`` clause (defaults documented in :mod:`charte.domain.contract.price_floor`);
``training`` is a charte setting (0 by default: included in shrinkage). Every parameter can be
overridden by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from charte.domain.contract import Contract, PriceFloor

#: Parameters a caller may override, by name.
PARAMETERS: Final = ("smic_hourly", "classification_minimum", "agent_wage", "employer_charges", "shrinkage",
                     "training", "occupancy", "span_of_control", "supervisor_wage", "overheads", "margin")
#: Supervisor wage as a multiple of the agent's when the contract states none (contract model default).
SUPERVISOR_WAGE_MULTIPLE: Final = Decimal("1.3")
CENT_THOUSANDTH: Final = Decimal("0.0001")


class PriceFloorError(ValueError):
    """Parameters that make no cost floor (e.g. shrinkage + training of 100% or more)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Decimal
    source: str


@dataclass(frozen=True)
class FloorBreakdown:
    """The cost floor and each step of its computation (figures kept to the 1/10,000 of a euro)."""

    on: date
    parameters: tuple[Parameter, ...]
    wage: Decimal
    loaded_hour: Decimal
    paid_per_productive_hour: Decimal
    agent_cost: Decimal
    supervision: Decimal
    cost_floor: Decimal
    responsible_price: Decimal

    def parameter(self, name: str) -> Decimal:
        return next(p.value for p in self.parameters if p.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "parameters": {p.name: {"value": format(p.value, "f"), "source": p.source} for p in self.parameters},
            **{k: format(getattr(self, k), "f") for k in ("wage", "loaded_hour", "paid_per_productive_hour",
                                                          "agent_cost", "supervision", "cost_floor",
                                                          "responsible_price")},
        }


def _q(x: Decimal) -> Decimal:
    return x.quantize(CENT_THOUSANDTH)


def floor_parameters(contract: Contract, on: date,
                     overrides: Mapping[str, Decimal] | None = None) -> tuple[Parameter, ...]:
    """Each parameter of the floor on ``on`` with its source: override, contract, law table or setting."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(PARAMETERS)
    if unknown:
        raise PriceFloorError(f"unknown price-floor parameter(s) {', '.join(sorted(unknown))}; "
                              f"expected some of {', '.join(PARAMETERS)}")
    smic = contract.law("smic.hourly_gross", on)
    clause = contract.price_floor
    defaults = PriceFloor(hourly_wage=smic.value)
    stated = clause.model_fields_set if clause is not None else set()
    source_clause = clause or defaults

    def from_clause(name: str, field: str) -> Parameter:
        value = getattr(source_clause, field)
        where = f"contract price_floor.{field}" if field in stated else f"contract model default ({field})"
        return Parameter(name, Decimal(value), where)

    agent_wage = from_clause("agent_wage", "hourly_wage")
    if clause is None:
        agent_wage = Parameter("agent_wage", smic.value, "no price_floor clause: the SMIC")
    supervisor = (from_clause("supervisor_wage", "supervisor_hourly_wage") if source_clause.supervisor_hourly_wage
                  else Parameter("supervisor_wage", _q(agent_wage.value * SUPERVISOR_WAGE_MULTIPLE),
                                 f"{SUPERVISOR_WAGE_MULTIPLE} × agent wage (contract model default)"))
    params = [
        Parameter("smic_hourly", smic.value, f"law table smic.hourly_gross: {smic.source}"),
        Parameter("classification_minimum", Decimal(0),
                  "charte setting: not sourced, none by default"
                  + (f" (classification {source_clause.classification!r})" if source_clause.classification else "")),
        agent_wage,
        from_clause("employer_charges", "employer_charges"),
        from_clause("shrinkage", "shrinkage"),
        Parameter("training", Decimal(0), "charte setting: 0, training counted in shrinkage"),
        from_clause("occupancy", "occupancy"),
        from_clause("span_of_control", "span_of_control"),
        supervisor,
        from_clause("overheads", "overheads"),
        from_clause("margin", "margin"),
    ]
    return tuple(Parameter(p.name, Decimal(overrides[p.name]), "override") if p.name in overrides else p
                 for p in params)


def cost_floor(parameters: tuple[Parameter, ...], on: date) -> FloorBreakdown:
    """The cost floor of a productive hour from ``parameters`` (formula in the module docstring)."""
    v = {p.name: p.value for p in parameters}
    available = 1 - v["shrinkage"] - v["training"]
    if available <= 0 or v["span_of_control"] <= 0:
        raise PriceFloorError(f"shrinkage {v['shrinkage']} + training {v['training']} leave no productive time "
                              f"(or span of control {v['span_of_control']} is not positive)")
    wage = max(v["agent_wage"], v["smic_hourly"], v["classification_minimum"])
    charges = 1 + v["employer_charges"]
    paid = 1 / available
    agent = wage * charges * paid
    supervision = v["supervisor_wage"] * charges * paid / v["span_of_control"]
    floor = (agent + supervision) * (1 + v["overheads"])
    return FloorBreakdown(on, parameters, wage, _q(wage * charges), _q(paid), _q(agent), _q(supervision),
                          _q(floor), _q(floor * (1 + v["margin"])))


def price_per_productive_hour(per: str, price: Decimal, *, occupancy: Decimal,
                              aht_seconds: Decimal | None) -> Decimal | None:
    """A unit price as a price per productive hour (conversion in the module docstring); ``None`` if not possible."""
    if per == "productive_hour":
        return price
    if per == "minute":
        return _q(price * 60 * occupancy)
    if per == "handled_contact" and aht_seconds is not None and aht_seconds > 0:
        return _q(price * occupancy * 3600 / aht_seconds)
    return None
