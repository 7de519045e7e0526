"""The trade body's membership record: who the member is, where it works, which labels it holds.

SP2C (formerly SMT) counted 62 members employing 80,000 people in 2019, 32,000 of them in France
on 91 sites (DOMAIN.md). A member is a provider company identified by its SIREN (9 digits, Luhn
check digit — INSEE; the validation is the contract model's, :data:`charte.domain.contract.parties.Siren`).
Its sites carry an ISO 3166 country and, in France, one of the 18 administrative regions (loi
2015-29). Headcount is declared per site by **function** — the three families of the reference job
classification ("métiers repères"): ``service``, ``commercial``, ``support`` — and by **category**
(``employee``, ``technician_supervisor``, ``manager``); see :mod:`charte.observatory.declarations`.
Certifications and labels (NF Service, NF 345, ISO 9001, ISO 18295, Label Responsabilité Sociale —
2010 charter) are held until an expiry date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from charte.domain.contract.charter_2010 import Certification
from charte.domain.contract.parties import Country, Siren, luhn_ok

Function = Literal["service", "commercial", "support"]
Category = Literal["employee", "technician_supervisor", "manager"]
FUNCTIONS: Final[tuple[Function, ...]] = ("service", "commercial", "support")
CATEGORIES: Final[tuple[Category, ...]] = ("employee", "technician_supervisor", "manager")

#: The 18 regions of France since 1 January 2016 (loi 2015-29): 13 in metropolitan France, 5 overseas.
FRENCH_REGIONS: Final[tuple[str, ...]] = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
    "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
)

__all__ = [
    "CATEGORIES",
    "FRENCH_REGIONS",
    "FUNCTIONS",
    "Category",
    "Function",
    "HeldLabel",
    "Member",
    "MemberRegistry",
    "MemberSite",
    "luhn_ok",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MemberSite(_Record):
    """A production site: its country (ISO 3166) and, in France, its region."""

    name: str = Field(min_length=1)
    country: Country
    region: str | None = Field(default=None, description="one of FRENCH_REGIONS when country is FR")

    @property
    def geography(self) -> str:
        """The region in France, the country code abroad: the barometer's geographic key."""
        return self.region if self.country == "FR" and self.region else self.country


class HeldLabel(_Record):
    """A certification or label held until a date (2010 charter: quality norms held and shown)."""

    name: Certification
    until: date

    def valid_on(self, day: date) -> bool:
        return day <= self.until


class Member(_Record):
    """The membership record of one company."""

    company: str = Field(min_length=1)
    siren: Siren
    address: str | None = None
    contact: str | None = Field(default=None, description="e-mail of the person who declares")
    sector: str | None = Field(default=None, description="e.g. 'multi-sector', 'energy', 'telecom'")
    category: Literal["provider", "associate"] = "provider"
    sites: tuple[MemberSite, ...] = ()
    labels: tuple[HeldLabel, ...] = ()
    ranking_opt_in: bool = Field(default=False, description="shown in the public ranking only when true")

    def valid_labels(self, day: date) -> tuple[Certification, ...]:
        """Distinct certifications and labels still valid on ``day``."""
        return tuple(sorted({label.name for label in self.labels if label.valid_on(day)}, key=str))


class MemberRegistry:
    """The members, kept as one JSON file (``members.json``, a list of records) in the observatory folder."""

    FILE: Final = "members.json"

    def __init__(self, members: tuple[Member, ...]) -> None:
        self.members = members
        self._by_siren = {m.siren: m for m in members}

    def get(self, siren: str) -> Member | None:
        return self._by_siren.get(siren)

    def __contains__(self, siren: object) -> bool:
        return siren in self._by_siren

    def __len__(self) -> int:
        return len(self.members)

    @classmethod
    def load(cls, folder: Path) -> MemberRegistry:
        path = folder / cls.FILE
        if not path.exists():
            return cls(())
        return cls(tuple(Member.model_validate(doc) for doc in json.loads(path.read_text(encoding="utf-8"))))

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.FILE
        docs = [m.model_dump(mode="json") for m in self.members]
        path.write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path
