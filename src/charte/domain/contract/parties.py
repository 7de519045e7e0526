"""The parties, the term and the relationship: who contracts with whom, from when, where the work is done.

- The **client** (donneur d'ordre) and the **provider** (prestataire), each with its SIREN
  (9 digits, Luhn check digit — INSEE); the SIREN is a mandatory mention of an e-invoice.
- The provider's **sites**, each with its ISO 3166 country and headcount: the 2010 charter's
  "jobs located in France" item is computed from them.
- The **term** (start, optional end) and the date the **established commercial
  relationship** began (``relationship_since``), which sets the notice owed at exit
  (Code de commerce L442-1 II).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from charte.domain.contract.clause import Clause

_SIREN: Final = re.compile(r"^\d{9}$")
_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")


def luhn_ok(digits: str) -> bool:
    """Luhn check (ISO/IEC 7812), as INSEE uses for the SIREN's last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _siren(text: str) -> str:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if not _SIREN.match(compact):
        raise PydanticCustomError("invalid_siren", "SIREN {found} is not 9 digits", {"found": repr(text)})
    if not luhn_ok(compact):
        raise PydanticCustomError(
            "invalid_siren", "SIREN {found} fails its check digit (Luhn); check for a typo", {"found": repr(text)}
        )
    return compact


def _country(text: str) -> str:
    if not _COUNTRY.match(text):
        raise PydanticCustomError(
            "invalid_value", "country {found} is not an ISO 3166 two-letter code; expected e.g. FR, PT, MA",
            {"found": repr(text)},
        )
    return text


Siren = Annotated[str, AfterValidator(_siren)]
Country = Annotated[str, AfterValidator(_country)]


class Site(Clause):
    """A production site of the provider: where agents sit, in which country, how many."""

    name: str
    country: Country
    staff: int = Field(ge=0, description="headcount of the site")
    contract_staff: int | None = Field(default=None, ge=0, description="of which working on this contract")


class Party(Clause):
    """A legal person party to the contract."""

    name: str
    siren: Siren
    address: str | None = None


class Provider(Party):
    """The provider (prestataire), with its production sites."""

    sites: tuple[Site, ...] = Field(min_length=1)

    def site(self, name: str) -> Site:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(f"no site {name!r}; sites: {', '.join(s.name for s in self.sites)}")


class Term(Clause):
    """Duration of the contract. ``end`` is absent for an open-ended contract."""

    start: date
    end: date | None = None
    renewal: Literal["none", "tacit_yearly"] = "none"

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if end is not None and isinstance(start, date) and end < start:
            raise PydanticCustomError(
                "term_ends_before_start", "the term ends on {end} before it starts on {start}",
                {"end": end.isoformat(), "start": start.isoformat()},
            )
        return end

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
