"""Shared scorecards for the demonstration: the example contract with its clauses varied, scored for real.

Each member that opted in runs a few contracts (more for large members). Each contract is the sample
contract (``examples/service-client-energie.yaml``, which passes every axis) with clauses changed the way
contracts written before the charters often were — payment at 60 days on monthly invoices, no minimum
billing, a malus without bonus, a price below the socially responsible floor, no indexation, a short
notice after a long relationship, no liability cap, an expired certification, service judged raw. A
member has its own habits (how likely each change is) and contracts improve a little each semester. The
verdicts come from :func:`charte.charter.scorecard` on the varied contract at the semester's end: nothing
is drawn at the verdict level. Generated, deterministic from the seed; no real company.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml

from charte.charter import scorecard
from charte.domain.contract import validate_document
from charte.observatory.charter_followup import SharedScorecard, semester_end, shared_from
from charte.observatory.members import Member

Document = dict[str, Any]


def _payment_end_of_month(doc: Document) -> None:
    doc["payment_terms"]["basis"] = "end_of_month"     # legal, but long for the provider (axis 6 warns)


def _no_minimum_billing(doc: Document) -> None:
    del doc["forecasts"]["minimum_billing"]


def _malus_only(doc: Document) -> None:
    for grid in doc["bonus_malus"]["grids"].values():
        grid.pop("bonus", None)
        grid.pop("cap_bonus", None)
    doc["bonus_malus"]["overall_cap"] = {"malus": "8%"}
    doc["bonus_malus"]["symmetric"] = False


def _low_price(doc: Document) -> None:
    doc["activities"][0]["pricing"]["price"] = "21.50"


def _no_indexation(doc: Document) -> None:
    del doc["indexation"]


def _short_notice(doc: Document) -> None:
    doc["exit"] = {"notice": "2 months", "ramp_down": {"profile": "none"}}


def _no_liability_cap(doc: Document) -> None:
    del doc["liability"]


def _expired_certification(doc: Document) -> None:
    doc["charter_2010"]["certifications"] = [{"name": "NF 345", "until": "2023-06-30"}]


def _raw_evaluation(doc: Document) -> None:
    doc["service_commitments"][0]["evaluation"] = "raw"


#: The clause changes and how often a contract of an average member carries each (charte's demo settings).
CHANGES: Final[dict[str, tuple[Callable[[Document], None], float]]] = {
    "payment_end_of_month": (_payment_end_of_month, 0.3), "no_minimum_billing": (_no_minimum_billing, 0.35),
    "malus_only": (_malus_only, 0.3), "low_price": (_low_price, 0.2), "no_indexation": (_no_indexation, 0.15),
    "short_notice": (_short_notice, 0.2), "no_liability_cap": (_no_liability_cap, 0.2),
    "expired_certification": (_expired_certification, 0.1), "raw_evaluation": (_raw_evaluation, 0.4),
}
SEMESTERS: Final = ("2024-S1", "2024-S2", "2025-S1", "2025-S2")


@cache
def _base() -> Document:
    text = resources.files("charte.examples").joinpath("service-client-energie.yaml").read_text(encoding="utf-8")
    doc: Document = yaml.safe_load(text)
    doc.pop("amendments", None)
    doc["term"] = {"start": "2024-01-01", "end": "2028-12-31", "renewal": "none"}
    return doc


@cache
def _verdicts(changes: frozenset[str], semester: str) -> SharedScorecard:
    doc = copy.deepcopy(_base())
    for name in sorted(changes):
        CHANGES[name][0](doc)
    contract = validate_document(doc).contract
    if contract is None:
        raise AssertionError(f"demo contract with {sorted(changes)} does not validate")
    card = scorecard(contract, [], today=semester_end(semester))
    return shared_from(card, "000000000", "-", semester)


def demo_scorecards(members: Sequence[Member], seed: int = 2019) -> list[SharedScorecard]:
    """The scorecards the opted-in members share for :data:`SEMESTERS` (see the module docstring)."""
    rng = random.Random(seed)
    out = []
    for member in members:
        if not member.scorecards_opt_in:
            continue
        habit = rng.uniform(0.3, 1.7)              # how much worse (or better) than average this member's contracts
        contracts = 1 + min(5, len(member.sites) // 2) + rng.randint(0, 1)
        for k in range(contracts):
            ref = f"{member.siren}-C{k + 1}"
            first = rng.randrange(len(SEMESTERS))  # contracts start at different semesters
            draws = {name: rng.random() for name in CHANGES}
            for i, semester in enumerate(SEMESTERS[first:], start=first):
                improvement = 0.92 ** i
                changes = frozenset(n for n, (_, p) in CHANGES.items() if draws[n] < p * habit * improvement)
                card = _verdicts(changes, semester)
                out.append(card.model_copy(update={"siren": member.siren, "contract": ref}))
    return out
