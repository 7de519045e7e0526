"""Words in an offer that may state a discriminatory criterion (Code du travail L1132-1, L5321-2).

The list is data (``data/discrimination_words.yaml``, with its sources). A match does not refuse the offer: the
offer is held for the trade body's moderator with the phrases found and their criterion, and the member sees
why it waits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from charte.jobs.communes import fold


@dataclass(frozen=True)
class Flag:
    """A phrase found in an offer's text, the criterion it may state and why."""

    phrase: str
    criterion: str
    note: str

    def as_dict(self) -> dict[str, str]:
        return {"phrase": self.phrase, "criterion": self.criterion, "note": self.note}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    text = resources.files("charte.jobs").joinpath("data", "discrimination_words.yaml").read_text("utf-8")
    return tuple((re.compile(w["pattern"]), str(w["criterion"]), str(w["note"]))
                 for w in yaml.safe_load(text)["words"])


def flags(*texts: str) -> list[Flag]:
    """The listed phrases found in the texts (folded: no case, no accents), once each, in list order."""
    folded = "\n".join(fold_keep_digits(t) for t in texts)
    found: list[Flag] = []
    for pattern, criterion, note in _patterns():
        for match in pattern.finditer(folded):
            flag = Flag(match.group(0), criterion, note)
            if flag not in found:
                found.append(flag)
    return found


def fold_keep_digits(text: str) -> str:
    """The folded text (see :func:`charte.jobs.communes.fold`) with apostrophes kept as a space."""
    return fold(text.replace("'", " ").replace("’", " "))
