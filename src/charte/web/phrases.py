"""Sentences the engine and the observatory write in English, read back in the reader's language.

The settlement's notes and the ranking's figures are stored as English sentences (the settlement JSON is evidence
and never changes). Each shape of sentence is a pattern here with its message in the catalog, so a French page
shows the French sentence with the same figures; a sentence of no known shape is shown as written — and the
language tests, which read every page, report it.
"""

from __future__ import annotations

import re
from typing import Final

from charte.web.i18n import N_, Language

#: (pattern of the English sentence, catalog message with the same named parts).
PHRASES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple((re.compile(p), m) for p, m in (
    # settlement notes (charte.settle)
    (r"^(?P<commitment>[^:]+): no measured value in the facts: no bonus or malus$",
     N_("%(commitment)s: no measured value in the facts, so no bonus or malus.")),
    (r"^(?P<commitment>[^:]+): (?P<sample>\S+) evaluations for (?P<agents>\S+) agents, under the (?P<required>\S+) "
     r"the contract requires \((?P<per>\S+) per agent\): not a measure, no bonus or malus$",
     N_("%(commitment)s: %(sample)s evaluations for %(agents)s agents, fewer than the %(required)s the contract "
        "requires (%(per)s per agent): not a measure, so no bonus or malus.")),
    (r"^malus of (?P<commitment>\S+) not applied: same shortfall as (?P<other>\S+) \(no double penalty\)$",
     N_("The malus of %(commitment)s is not applied: it is the same shortfall as %(other)s (no double penalty).")),
    (r"^grid (?P<grid>\S+): the contract says symmetric but the grid has only a (?P<side>malus|bonus)$",
     N_("Grid %(grid)s: the contract says the grids are symmetric, but this one has only a %(side)s.")),
    (r"^term ended on (?P<end>\S+); renewed by tacit agreement year by year \(term\.renewal: tacit_yearly\), "
     r"(?P<period>\S+) falls in renewal year (?P<years>\S+)$",
     N_("The initial term ended on %(end)s; the contract is renewed by tacit agreement each year, and %(period)s "
        "falls in renewal year %(years)s.")),
    (r"^(?P<amendment>.+) \(effective (?P<effective>\S+)\) changes (?P<changed>.+): clauses assessed over the month "
     r"apply as in force on (?P<first>\S+); the change applies from the next month$",
     N_("%(amendment)s (effective %(effective)s) changes %(changed)s: the clauses assessed over the month apply as "
        "in force on %(first)s; the change applies from the next month.")),
    # the ranking's figures (charte.observatory.ranking)
    (r"^(?P<france>\d+) of (?P<head>\d+) jobs in France$", N_("%(france)s of %(head)s jobs in France")),
    (r"^(?P<hours>[\d.]+) training hours per head$", N_("%(hours)s training hours per head")),
    (r"^no declaration$", N_("no declaration")),
    (r"^(?P<count>\d+) valid on (?P<on>\S+): none$", N_("no certification valid on %(on)s")),
    (r"^(?P<count>\d+) valid on (?P<on>\S+): (?P<labels>.+)$", N_("%(count)s valid on %(on)s: %(labels)s")),
    (r"^(?P<points>\d+) axis verdicts over (?P<contracts>\d+) contracts$",
     N_("%(points)s axis verdicts over %(contracts)s contracts")),
    (r"^no contract scorecard$", N_("no contract scorecard")),
    (r"^no payment record$", N_("no payment record")),
    (r"^(?P<days>\S+) days late on average$", N_("%(days)s days late on average")),
    # units of the engine's own lines
    (r"^% of base$", N_("% of base")),
))

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _part(value: str, lang: Language) -> str:
    from datetime import date

    if _DATE.match(value):
        return lang.day(date.fromisoformat(value))
    if _NUMBER.match(value):
        return lang.number(value, len(value.partition(".")[2]))
    return value


def phrase(text: str, lang: Language) -> str:
    """``text`` in the reader's language when it has a known shape (dates and numbers formatted for the locale)."""
    for pattern, message in PHRASES:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            translated = lang.gettext(message)
            return translated % {k: _part(v, lang) for k, v in parts.items()} if parts else translated
    return text
