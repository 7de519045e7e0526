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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

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
#: The INSEE code of each region (Code officiel géographique, regions since 2016): the key of the map by region.
REGION_CODES: Final[dict[str, str]] = {
    "Guadeloupe": "01", "Martinique": "02", "Guyane": "03", "La Réunion": "04", "Mayotte": "06",
    "Île-de-France": "11", "Centre-Val de Loire": "24", "Bourgogne-Franche-Comté": "27", "Normandie": "28",
    "Hauts-de-France": "32", "Grand Est": "44", "Pays de la Loire": "52", "Bretagne": "53",
    "Nouvelle-Aquitaine": "75", "Occitanie": "76", "Auvergne-Rhône-Alpes": "84", "Provence-Alpes-Côte d'Azur": "93",
    "Corse": "94",
}

__all__ = [
    "CATEGORIES",
    "FRENCH_REGIONS",
    "FUNCTIONS",
    "LABELS",
    "PUBLIC_FIELDS",
    "REGION_CODES",
    "Category",
    "Function",
    "HeldLabel",
    "LabelName",
    "Member",
    "MemberRegistry",
    "MemberSite",
    "PublicField",
    "luhn_ok",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MemberSite(_Record):
    """A production site: its country (ISO 3166) and, in France, its region."""

    name: str = Field(min_length=1, max_length=200)
    country: Country
    region: str | None = Field(default=None, description="one of FRENCH_REGIONS when country is FR")
    siret: str | None = Field(default=None, description="SIRET of the establishment (SIREN + NIC), in France")
    public: bool = Field(default=True, description="shown in the public register")

    @property
    def geography(self) -> str:
        """The region in France, the country code abroad: the barometer's geographic key."""
        return self.region if self.country == "FR" and self.region else self.country


#: Certifications and labels the register knows (2010 charter: quality norms held and shown). NF 345 is AFNOR's
#: French mark for contact centres built on ISO 18295-1; the Label Responsabilité Sociale (AFRC + SP2C, 2004)
#: and AFNOR's "Label Engagé RSE" attest social responsibility.
LabelName = Literal["NF Service", "NF 345", "ISO 9001", "ISO 18295-1", "ISO 18295-2", "Label Responsabilité Sociale",
                    "Label Engagé RSE"]
LABELS: Final[tuple[str, ...]] = get_args(LabelName)
#: What a member may show in the public register beyond its name, SIREN and membership dates.
PublicField = Literal["sites", "functions", "labels", "charter_2019"]
PUBLIC_FIELDS: Final[tuple[PublicField, ...]] = get_args(PublicField)


class HeldLabel(_Record):
    """A certification or label held from ``valid_from`` through ``until`` (the last day of validity)."""

    name: LabelName
    until: date
    valid_from: date | None = None
    issuer: str | None = Field(default=None, description="certification body, e.g. 'AFNOR Certification'")
    public: bool = True

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and day <= self.until

    def status(self, day: date) -> Literal["valid", "expired", "not_yet_valid"]:
        """Computed from the dates, never stored: a label shows as expired from the day after ``until``."""
        if day > self.until:
            return "expired"
        return "not_yet_valid" if self.valid_from and day < self.valid_from else "valid"


class Member(_Record):
    """The membership record of one company."""

    company: str = Field(min_length=1, max_length=200)
    siren: Siren
    address: str | None = None
    contact: str | None = Field(default=None, description="e-mail of the person who declares")
    sector: str | None = Field(default=None, description="e.g. 'multi-sector', 'energy', 'telecom'")
    category: Literal["provider", "associate"] = "provider"
    member_since: date | None = None
    left_on: date | None = Field(default=None, description="first day the company is no longer a member")
    sites: tuple[MemberSite, ...] = ()
    functions: tuple[Function, ...] = Field(default=(), description="functions the member operates")
    labels: tuple[HeldLabel, ...] = ()
    charter_2019_signed_on: date | None = Field(default=None, description="signature of the SP2C charter of "
                                                "29 October 2019")
    public: tuple[PublicField, ...] = Field(default=PUBLIC_FIELDS, description="what the register may show")
    ranking_opt_in: bool = Field(default=False, description="shown in the public ranking only when true")
    scorecards_opt_in: bool = Field(default=False, description="shares its contracts' charter scorecards with the "
                                    "follow-up committee")

    def valid_labels(self, day: date) -> tuple[str, ...]:
        """Distinct certifications and labels still valid on ``day``."""
        return tuple(sorted({label.name for label in self.labels if label.valid_on(day)}, key=str))

    def is_member_on(self, day: date) -> bool:
        return (self.member_since is None or self.member_since <= day) and (self.left_on is None or day < self.left_on)


class MemberRegistry:
    """The members, kept as one JSON file (``members.json``, a list of records) in the observatory folder,
    with every change appended to ``members-history.jsonl`` (who joined, changed or left, when, and the
    record as it became). Members who left stay in the file (their past declarations and the past
    publications refer to them); :meth:`current` gives those still members on a day."""

    FILE: Final = "members.json"
    HISTORY: Final = "members-history.jsonl"

    def __init__(self, members: tuple[Member, ...]) -> None:
        self.members = members
        self._by_siren = {m.siren: m for m in members}

    def get(self, siren: str) -> Member | None:
        return self._by_siren.get(siren)

    def __contains__(self, siren: object) -> bool:
        return siren in self._by_siren

    def __len__(self) -> int:
        return len(self.members)

    def current(self, day: date) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.is_member_on(day))

    def with_member(self, member: Member) -> MemberRegistry:
        """A registry where ``member`` joins or replaces the record of the same SIREN (change by copy)."""
        others = tuple(m for m in self.members if m.siren != member.siren)
        return MemberRegistry((*others, member) if member.siren not in self else
                              tuple(member if m.siren == member.siren else m for m in self.members))

    @classmethod
    def load(cls, folder: Path) -> MemberRegistry:
        path = folder / cls.FILE
        if not path.exists():
            return cls(())
        return cls(tuple(Member.model_validate(doc) for doc in json.loads(path.read_text(encoding="utf-8"))))

    def save(self, folder: Path, at: datetime | None = None) -> Path:
        """Write the registry (atomically) and append one history entry per member whose record changed."""
        folder.mkdir(parents=True, exist_ok=True)
        before = MemberRegistry.load(folder)
        stamp = (at or datetime.now(UTC)).isoformat()
        entries = []
        for member in self.members:
            old = before.get(member.siren)
            if old == member:
                continue
            change = "joined" if old is None else ("left" if member.left_on and not old.left_on else "updated")
            entries.append({"at": stamp, "siren": member.siren, "change": change,
                            "record": member.model_dump(mode="json")})
        path = folder / self.FILE
        docs = [m.model_dump(mode="json") for m in self.members]
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)
        if entries:
            with (folder / self.HISTORY).open("a", encoding="utf-8") as handle:
                handle.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        return path

    @classmethod
    def history(cls, folder: Path, siren: str) -> list[tuple[datetime, str, Member]]:
        """The changes of one member's record, oldest first: (when, joined/updated/left, the record as it became)."""
        path = folder / cls.HISTORY
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["siren"] == siren:
                record = Member.model_validate(entry["record"])
                out.append((datetime.fromisoformat(entry["at"]), entry["change"], record))
        return out
