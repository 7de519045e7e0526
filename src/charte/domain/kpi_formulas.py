"""The formula book: every KPI of a service commitment written once, as a ratio of sums of interval facts.

DOMAIN.md "KPI definitions" and SP2C charter 2019 axis 2. A :class:`Formula` is a numerator
and a denominator, each a signed sum of additive **facts** — the columns of the canonical
interval report (:data:`charte.domain.records.INTERVAL_REPORT`, plus ``answered_within_<T>s``
and ``abandoned_within_<T>s``). The same description is

* evaluated by the settlement on NumPy arrays (:mod:`charte.settle.service_results`),
* compiled to an Ibis expression by the measures (:mod:`charte.measure.kpis`), and
* rendered in words, French or English, on the settlement and the invoice,

so the formula shown is always the formula computed. :meth:`Sum.apply` takes a function from
a fact's name to a value that adds and subtracts (a NumPy array, an Ibis column, a Decimal).

Definitions (T = the answer threshold, S = the short-abandon threshold; a ratio with a zero
denominator is empty, never 0 or 100%):

* service level, abandons ``counted``: answered within T ÷ offered (÷ (offered − abandoned
  within S) when the contract sets S); ``excluded``: answered within T ÷ handled;
  ``after_threshold``: answered within T ÷ (handled + abandoned − abandoned within T) — an
  abandon counts only when the caller waited past T;
* answer rate: handled ÷ offered (÷ (offered − abandoned within S) with S);
* abandonment: abandoned ÷ offered ((abandoned − abandoned within S) ÷ (offered − abandoned
  within S) with S);
* ASA: total wait of handled contacts ÷ handled (seconds);
* AHT: total handle time ÷ handled (seconds); occupancy: handle time ÷ productive time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, Self, TypeVar

Language = Literal["fr", "en"]


class Additive(Protocol):
    def __add__(self, other: Self, /) -> Self: ...
    def __sub__(self, other: Self, /) -> Self: ...


V = TypeVar("V", bound=Additive)


def _seconds(seconds: int) -> str:
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def answered_within(threshold: int) -> str:
    return f"answered_within_{threshold}s"


def abandoned_within(threshold: int) -> str:
    return f"abandoned_within_{threshold}s"


def words(fact: str, lang: Language, short_abandon: int | None = None) -> str:
    """A fact's name as a contract manager says it."""
    if fact.startswith("answered_within_"):
        t = _seconds(int(fact[len("answered_within_"):-1]))
        return f"décrochés en {t} ou moins" if lang == "fr" else f"answered within {t}"
    if fact.startswith("abandoned_within_"):
        t = _seconds(int(fact[len("abandoned_within_"):-1]))
        return f"abandonnés en moins de {t}" if lang == "fr" else f"abandoned within {t}"
    if fact == "short_abandoned":
        t = _seconds(short_abandon) if short_abandon else "S"
        return f"abandonnés en moins de {t}" if lang == "fr" else f"abandoned within {t}"
    return _WORDS[fact][0 if lang == "fr" else 1]


_WORDS: dict[str, tuple[str, str]] = {
    "offered": ("offerts", "offered"),
    "handled": ("traités", "handled"),
    "abandoned": ("abandonnés", "abandoned"),
    "wait_seconds_answered": ("attente cumulée des appels traités", "total wait of handled contacts"),
    "wait_seconds_abandoned": ("attente cumulée des abandons", "total wait of abandoned contacts"),
    "handle_seconds": ("durée de traitement cumulée", "total handle time"),
    "productive_seconds": ("temps productif", "productive time"),
}


@dataclass(frozen=True)
class Sum:
    """A signed sum of facts: ``((+1, "offered"), (-1, "short_abandoned"))`` is offered − short abandons."""

    terms: tuple[tuple[int, str], ...]

    def apply(self, get: Callable[[str], V]) -> V:
        """The sum evaluated on ``get(fact)`` values (NumPy arrays, Ibis columns, decimals…)."""
        (first_sign, first), *rest = self.terms
        assert first_sign > 0, "a sum starts with a positive term"
        total = get(first)
        for sign, fact in rest:
            total = total + get(fact) if sign > 0 else total - get(fact)
        return total

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(fact for _, fact in self.terms)

    def text(self, lang: Language, short_abandon: int | None = None) -> str:
        out = ""
        for i, (sign, fact) in enumerate(self.terms):
            name = words(fact, lang, short_abandon)
            out += name if i == 0 else f" {'+' if sign > 0 else '−'} {name}"
        return out


@dataclass(frozen=True)
class Formula:
    """A KPI as numerator ÷ denominator (module docstring); ``unit`` is ``share`` or ``seconds``."""

    metric: str
    numerator: Sum
    denominator: Sum
    unit: Literal["share", "seconds"] = "share"
    short_abandon: int | None = None

    @property
    def facts(self) -> frozenset[str]:
        """Every fact the formula reads (a report without one of them cannot measure it)."""
        return self.numerator.facts | self.denominator.facts

    def apply(self, get: Callable[[str], V]) -> tuple[V, V]:
        """(numerator, denominator) evaluated on ``get(fact)`` values."""
        return self.numerator.apply(get), self.denominator.apply(get)

    def text(self, lang: Language = "en") -> str:
        """``answered within 20 s ÷ (offered − abandoned within 5 s)``."""
        den = self.denominator.text(lang, self.short_abandon)
        if len(self.denominator.terms) > 1:
            den = f"({den})"
        return f"{self.numerator.text(lang, self.short_abandon)} ÷ {den}"


def _short(base: tuple[tuple[int, str], ...], short_abandon: int | None) -> Sum:
    return Sum((*base, (-1, "short_abandoned")) if short_abandon else base)


def service_level(threshold: int, short_abandon: int | None = None,
                  abandons: Literal["counted", "excluded", "after_threshold"] = "counted") -> Formula:
    numerator = Sum(((1, answered_within(threshold)),))
    if abandons == "excluded":
        return Formula("service_level", numerator, Sum(((1, "handled"),)))
    if abandons == "after_threshold":
        return Formula("service_level", numerator,
                       Sum(((1, "handled"), (1, "abandoned"), (-1, abandoned_within(threshold)))))
    return Formula("service_level", numerator, _short(((1, "offered"),), short_abandon), short_abandon=short_abandon)


def answer_rate(short_abandon: int | None = None) -> Formula:
    return Formula("answer_rate", Sum(((1, "handled"),)), _short(((1, "offered"),), short_abandon),
                   short_abandon=short_abandon)


def abandonment(short_abandon: int | None = None) -> Formula:
    return Formula("abandonment", _short(((1, "abandoned"),), short_abandon),
                   _short(((1, "offered"),), short_abandon), short_abandon=short_abandon)


def asa() -> Formula:
    return Formula("asa", Sum(((1, "wait_seconds_answered"),)), Sum(((1, "handled"),)), "seconds")


def aht() -> Formula:
    return Formula("aht", Sum(((1, "handle_seconds"),)), Sum(((1, "handled"),)), "seconds")


def occupancy() -> Formula:
    return Formula("occupancy", Sum(((1, "handle_seconds"),)), Sum(((1, "productive_seconds"),)))
