"""Axis 4 of the SP2C charter (2019): the cost floor of a productive hour, and a price compared to it.

A productive hour is a logged hour (available or handling), the unit contracts priced per
productive hour bill. Its cost floor, every parameter shown with where it comes from:

    wage                      = max(agent wage, SMIC, classification minimum)
    employer cost of an hour  = employer_cost(wage)                       (below)
    paid hours per productive = 1 ÷ (1 − shrinkage − training)
    agent cost                = employer cost of an hour × paid hours per productive
    supervision               = employer_cost(supervisor wage) × paid hours per productive ÷ span of control
    cost floor                = (agent cost + supervision) × (1 + overheads)
    responsible price         = cost floor × (1 + margin)

**Employer cost of an hour** (the law's model, from 1 January 2026)::

    gross employer rate = Σ employer contribution rates of the law table (health 13 %, old age 8.55 % +
                          2.11 %, family 5.25 %, autonomy 0.30 %, FNAL, unemployment 4 %, Agirc-Arrco
                          4.72 % + 1.29 %) + the provider's AT-MP rate + its other employer charges
    RGDU coefficient    = Tmin + Tdelta × [½ × (3 × SMIC ÷ wage − 1)]^P, rounded to 4 decimals,
                          at most Tmin + Tdelta; 0 from 3 SMIC
                          (CSS L241-13, D241-7, décret 2025-887; the SMIC is that of 1 January of
                          the year, décret 2026-509; a full-time hourly wage: annual SMIC ÷ annual
                          gross = SMIC ÷ hourly wage)
    employer cost       = wage × (1 + gross employer rate − RGDU coefficient)

Near the SMIC the reduction is about 40 points of the wage: a flat 42 % of charges overstates
the cost by roughly that much. A contract may still state a flat rate (``price_floor.
employer_charges``): an explicit override, shown as such, the only model before 2026.

Shrinkage is the share of paid time not logged: paid leave, absence, breaks (and training, by
the contract model's definition, unless ``training`` is set apart). Occupancy (handle time ÷
logged time) converts prices per contact or per minute into a price per productive hour:

    per handled contact: price × occupancy × 3600 ÷ AHT (seconds)
    per minute of handle time: price × 60 × occupancy

Sources: the SMIC is a reference series (:mod:`charte.domain.reference`; décrets and arrêtés
cited there); the contribution rates and the RGDU's Tmin, Tdelta and P are the dated law table
(:mod:`charte.domain.law`). The **classification minimum** of the activity's function is *not*
sourced in charte (the collective agreements' grids are not in the repository): it is a
setting, absent by default. The provider's AT-MP and other charges, shrinkage, occupancy, span
of control, supervisor wage, overheads and margin are the contract's ``price_floor`` clause
(defaults documented in :mod:`charte.domain.contract.price_floor`); ``training`` is a charte
setting (0 by default: included in shrinkage). Every parameter can be overridden by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from charte.domain import law
from charte.domain.contract import Contract, PriceFloor
from charte.domain.reference import ReferenceBook, ReferenceValueMissingError

#: Employer contribution rates of the law table, by parameter name (their sum is the gross employer rate).
LAW_RATES: Final = {
    "rate_health": "employer_rate.health", "rate_old_age_capped": "employer_rate.old_age_capped",
    "rate_old_age_uncapped": "employer_rate.old_age_uncapped", "rate_family": "employer_rate.family",
    "rate_autonomy": "employer_rate.autonomy", "rate_housing": "employer_rate.housing_50_plus",
    "rate_unemployment": "employer_rate.unemployment", "rate_pension_t1": "employer_rate.pension_t1",
    "rate_pension_ceg_t1": "employer_rate.pension_ceg_t1",
}
RGDU: Final = {"rgdu_t_min": "rgdu.t_min", "rgdu_t_delta": "rgdu.t_delta_50_plus", "rgdu_power": "rgdu.power",
               "rgdu_ceiling": "rgdu.ceiling_smic_multiple"}
#: Parameters a caller may override, by name.
PARAMETERS: Final = ("smic_hourly", "classification_minimum", "agent_wage", "employer_charges", *LAW_RATES,
                     "accident_rate", "other_employer_charges", *RGDU, "rgdu_smic_reference", "shrinkage",
                     "training", "occupancy", "span_of_control", "supervisor_wage", "overheads", "margin")
#: Supervisor wage as a multiple of the agent's when the contract states none (contract model default).
SUPERVISOR_WAGE_MULTIPLE: Final = Decimal("1.3")
CENT_THOUSANDTH: Final = Decimal("0.0001")
RGDU_FROM: Final = date(2026, 1, 1)


class PriceFloorError(ValueError):
    """Parameters that make no cost floor (e.g. shrinkage + training of 100% or more, a SMIC not yet known)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Decimal
    source: str


@dataclass(frozen=True)
class EmployerCost:
    """The employer's cost of one paid hour at ``wage``, each step (``model``: ``rgdu`` or ``flat``)."""

    model: str
    wage: Decimal
    gross_rate: Decimal                 # Σ employer rates (rgdu), or the flat rate
    smic_reference: Decimal | None      # SMIC the RGDU is computed on
    smic_ratio: Decimal | None          # 3 × SMIC ÷ wage (the ceiling multiple × SMIC ÷ wage)
    coefficient: Decimal                # RGDU coefficient (0 for a flat rate, or from 3 SMIC)
    cost: Decimal                       # wage × (1 + gross rate − coefficient), exact

    def as_dict(self) -> dict[str, Any]:
        out = {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}
        out["cost"] = format(_q(self.cost), "f")
        return out


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
    agent_employer: EmployerCost | None = None
    supervisor_employer: EmployerCost | None = None

    def parameter(self, name: str) -> Decimal:
        return next(p.value for p in self.parameters if p.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "parameters": {p.name: {"value": format(p.value, "f"), "source": p.source} for p in self.parameters},
            **{k: format(getattr(self, k), "f") for k in ("wage", "loaded_hour", "paid_per_productive_hour",
                                                          "agent_cost", "supervision", "cost_floor",
                                                          "responsible_price")},
            "employer_cost": {"agent": self.agent_employer.as_dict() if self.agent_employer else None,
                              "supervisor": self.supervisor_employer.as_dict() if self.supervisor_employer else None},
        }


def _q(x: Decimal) -> Decimal:
    return x.quantize(CENT_THOUSANDTH)


def _law(key: str, name: str, on: date) -> Parameter:
    try:
        found = law.resolve(key, on)
    except law.UnknownConstantError as missing:
        raise PriceFloorError(f"{name}: {missing}") from None
    return Parameter(name, found.value, f"law table {key}: {found.source}")


def _smic(contract: Contract, on: date, book: ReferenceBook | None) -> tuple[Parameter, Parameter | None]:
    """The SMIC in force on ``on``, and the RGDU's SMIC (that of 1 January of the year, décret 2026-509)."""
    try:
        smic = law.resolve("smic.hourly_gross", on, contract.law_overrides, book)
        reference = (None if on < RGDU_FROM
                     else law.resolve("smic.hourly_gross", date(on.year, 1, 1), contract.law_overrides, book))
    except ReferenceValueMissingError as missing:
        raise PriceFloorError(str(missing)) from None
    first = Parameter("smic_hourly", smic.value, f"reference series smic.hourly_gross: {smic.source}")
    if reference is None:
        return first, None
    return first, Parameter("rgdu_smic_reference", reference.value,
                            f"SMIC of 1 January {on.year} (CSS D241-7, décret n° 2026-509 du 12 juin 2026: the RGDU "
                            f"keeps it for the whole year): {reference.source}")


def floor_parameters(contract: Contract, on: date, overrides: Mapping[str, Decimal] | None = None,
                     book: ReferenceBook | None = None) -> tuple[Parameter, ...]:
    """Each parameter of the floor on ``on`` with its source: override, contract, law table, reference or setting."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(PARAMETERS)
    if unknown:
        raise PriceFloorError(f"unknown price-floor parameter(s) {', '.join(sorted(unknown))}; "
                              f"expected some of {', '.join(PARAMETERS)}")
    smic, smic_reference = _smic(contract, on, book)
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
        smic,
        Parameter("classification_minimum", Decimal(0),
                  "charte setting: not sourced, none by default"
                  + (f" (classification {source_clause.classification!r})" if source_clause.classification else "")),
        agent_wage,
        *_employer_parameters(source_clause, stated, overrides, on, smic_reference, from_clause),
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


def _employer_parameters(clause: PriceFloor, stated: set[str], overrides: Mapping[str, Decimal], on: date,
                         smic_reference: Parameter | None, from_clause: Any) -> list[Parameter]:
    """The flat rate when the contract (or an override) states one; else the law's model (RGDU)."""
    if clause.employer_charges is not None or "employer_charges" in overrides:
        rate = clause.employer_charges if clause.employer_charges is not None else Decimal(0)
        return [Parameter("employer_charges", Decimal(rate),
                          "contract price_floor.employer_charges: flat rate, an explicit override of the law's model")]
    if on < RGDU_FROM or smic_reference is None:
        raise PriceFloorError(f"the law's employer-cost model applies from {RGDU_FROM} (single degressive general "
                              f"reduction, décret 2025-887); for {on} state a flat rate in price_floor."
                              "employer_charges")
    small = clause.employer_headcount < 50
    housing = "employer_rate.housing_under_50" if small else "employer_rate.housing_50_plus"
    rates = {**LAW_RATES, "rate_housing": housing}
    reduction = {**RGDU, "rgdu_t_delta": "rgdu.t_delta_under_50" if small else "rgdu.t_delta_50_plus"}
    headcount = ("contract price_floor.employer_headcount" if "employer_headcount" in stated
                 else "contract model default (employer_headcount 50)")
    return [
        *(_law(key, name, on) for name, key in rates.items()),
        from_clause("accident_rate", "accident_rate"),
        from_clause("other_employer_charges", "other_employer_charges"),
        *(_law(key, name, on) for name, key in reduction.items()),
        smic_reference,
        Parameter("employer_headcount", Decimal(clause.employer_headcount), headcount),
    ]


def employer_cost(wage: Decimal, v: Mapping[str, Decimal]) -> EmployerCost:
    """The employer's cost of a paid hour at ``wage`` (formula in the module docstring)."""
    if "employer_charges" in v:
        flat = v["employer_charges"]
        return EmployerCost("flat", wage, flat, None, None, Decimal(0), wage * (1 + flat))
    gross = sum((v[name] for name in LAW_RATES), Decimal(0)) + v["accident_rate"] + v["other_employer_charges"]
    smic, ceiling = v["rgdu_smic_reference"], v["rgdu_ceiling"]
    ratio = ceiling * smic / wage
    if ratio <= 1:
        coefficient = Decimal(0)
    else:
        base = (ratio - 1) / 2
        highest = v["rgdu_t_min"] + v["rgdu_t_delta"]
        coefficient = min(highest, (v["rgdu_t_min"] + v["rgdu_t_delta"] * base ** v["rgdu_power"])
                          .quantize(CENT_THOUSANDTH, rounding=ROUND_HALF_UP))
    return EmployerCost("rgdu", wage, gross, smic, _q(ratio), coefficient, wage * (1 + gross - coefficient))


def cost_floor(parameters: tuple[Parameter, ...], on: date) -> FloorBreakdown:
    """The cost floor of a productive hour from ``parameters`` (formula in the module docstring)."""
    v = {p.name: p.value for p in parameters}
    available = 1 - v["shrinkage"] - v["training"]
    if available <= 0 or v["span_of_control"] <= 0:
        raise PriceFloorError(f"shrinkage {v['shrinkage']} + training {v['training']} leave no productive time "
                              f"(or span of control {v['span_of_control']} is not positive)")
    wage = max(v["agent_wage"], v["smic_hourly"], v["classification_minimum"])
    if wage <= 0 or v["supervisor_wage"] <= 0:
        raise PriceFloorError(f"wage {wage} or supervisor wage {v['supervisor_wage']} is not positive")
    agent_employer = employer_cost(wage, v)
    supervisor_employer = employer_cost(v["supervisor_wage"], v)
    paid = 1 / available
    agent = agent_employer.cost * paid
    supervision = supervisor_employer.cost * paid / v["span_of_control"]
    floor = (agent + supervision) * (1 + v["overheads"])
    return FloorBreakdown(on, parameters, wage, _q(agent_employer.cost), _q(paid), _q(agent), _q(supervision),
                          _q(floor), _q(floor * (1 + v["margin"])), agent_employer, supervisor_employer)


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
