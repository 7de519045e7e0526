"""A finding of the charter scorecard: one point of one axis, its verdict, its reason and its figures.

Verdicts: ``pass`` (the contract and its history do what the charter asks), ``warn`` (a gap a
follow-up committee would discuss), ``fail`` (the charter's point or the law is not met) and
``not_enough_data`` (a new contract, a missing input: never an error). Each finding states its
reason in plain words in French and in English, the figures it rests on (JSON-ready) and its
reference: the charter axis and, where one applies, the article of law.

The thresholds that turn a figure into a verdict are **charte settings**, not charter text (the
2019 charter's full text is not public, DOMAIN.md): they are named constants of the axis modules,
stated in each finding's figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from charte.domain import formats

Verdict = Literal["pass", "warn", "fail", "not_enough_data"]
Language = Literal["fr", "en"]

#: Order of severity: the axis verdict is its worst finding's (``not_enough_data`` only when nothing else is known).
SEVERITY: Final[dict[str, int]] = {"not_enough_data": 0, "pass": 1, "warn": 2, "fail": 3}

AXES: Final[dict[str, tuple[str, str]]] = {
    "1": ("Prévisions d'activité et minimum de facturation", "Activity forecasts and minimum billing"),
    "2": ("Engagements de service", "Service commitments"),
    "3": ("Bon usage des bonus, malus et pénalités", "Proper use of bonus, malus and penalties"),
    "4": ("Prix socialement responsable", "A socially responsible price"),
    "5": ("Indexation annuelle des prix", "Annual price indexation"),
    "6": ("Délais de paiement", "Payment deadlines"),
    "7": ("Fin de contrat responsable", "Responsible steering of contract end"),
    "8": ("Limitation de responsabilité", "Limitation of liability"),
    "2010": ("Charte de 2010 (emploi dans la relation client)", "2010 charter (jobs in customer relations)"),
}

CHARTER_2019: Final = "Charte SP2C du 29 octobre 2019"
CHARTER_2010: Final = "Charte de bonnes pratiques du 9 novembre 2010"


def plain(value: Any) -> Any:
    """A figure as JSON-ready data: decimals as exact strings, tuples as lists, mappings with string keys."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


@dataclass(frozen=True)
class Finding:
    """One point of the scorecard (see the module docstring)."""

    axis: str                     # "1" … "8", or "2010"
    item: str                     # stable snake_case name of the point, e.g. "minimum_billing_clause"
    verdict: Verdict
    reason_fr: str
    reason_en: str
    reference: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def reason(self, lang: Language = "en") -> str:
        return self.reason_fr if lang == "fr" else self.reason_en

    def as_dict(self) -> dict[str, Any]:
        return {"axis": self.axis, "item": self.item, "verdict": self.verdict, "reason_fr": self.reason_fr,
                "reason_en": self.reason_en, "reference": self.reference, "figures": plain(self.figures)}


def finding(axis: str, item: str, verdict: Verdict, fr: str, en: str, reference: str,
            **figures: Any) -> Finding:
    """Shorthand used by the axis modules."""
    return Finding(axis, item, verdict, fr, en, reference, figures)


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe verdict; ``not_enough_data`` when there is none or nothing else."""
    out: Verdict = "not_enough_data"
    for v in verdicts:
        if SEVERITY[v] > SEVERITY[out]:
            out = v
    return out


def pct(x: Decimal | float | None, places: int = 1, lang: str = "fr") -> str:
    """A share as a percentage written as the reader's language does (``0.1234`` → ``12,3 %`` / ``12.3%``)."""
    if x is None:
        return "—"
    return formats.percent(Decimal(str(x)), places, lang)


def eur(x: Decimal, lang: str = "fr") -> str:
    """An amount in euros as the reader's language writes it (``1 234,56 €`` / ``€1,234.56``)."""
    return formats.money(x, lang)

