"""The public register of members: who is a member, where it works, which labels it holds — for anyone.

The founding texts make membership "a guarantee of seriousness": a principal checking a provider, a
home-based teleseller looking for principals, a public buyer who must buy from providers holding the
social-responsibility label (2010 charter) look the company up by SIREN, SIRET or name. The register
shows, for a current member: its legal name, SIREN and membership date (always: membership is the
register's purpose) and, when the member declared them public, its sites' regions and countries, the
functions it operates (service, commercial, support), its certifications and labels with issuer and
validity — each computed valid or expired **on the day shown**, never a stored flag — and its signature
of the SP2C charter of 29 October 2019. A company that is not a member gets a clear "not a member"
answer (with the date it left, when it was one). Nothing else of a member is public: declarations,
headcounts and ranking breakdowns are not.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from charte.observatory.members import Member, MemberRegistry

#: Longest search accepted; a name search needs at least MIN_NAME characters and returns at most LIMIT members.
MAX_QUERY: Final = 100
MIN_NAME: Final = 2
LIMIT: Final = 50
PARIS: Final = ZoneInfo("Europe/Paris")

__all__ = ["LIMIT", "MAX_QUERY", "LabelView", "NotAMember", "RegisterEntry", "Search", "json_ld", "lookup",
           "public_changes", "search"]


@dataclass(frozen=True)
class LabelView:
    name: str
    issuer: str | None
    valid_from: date | None
    until: date
    status: Literal["valid", "expired", "not_yet_valid"]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "issuer": self.issuer,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "until": self.until.isoformat(), "status": self.status}


@dataclass(frozen=True)
class RegisterEntry:
    """What the register shows of a current member on ``day`` (only what the member declared public)."""

    siren: str
    company: str
    member_since: date | None
    day: date
    sites: tuple[tuple[str, str | None], ...] | None      # (country, region); None when not public
    functions: tuple[str, ...] | None
    labels: tuple[LabelView, ...] | None
    charter_2019_signed_on: date | None
    charter_2019_public: bool
    sirets: frozenset[str] = field(default=frozenset(), repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": True, "siren": self.siren, "company": self.company, "on": self.day.isoformat(),
            "member_since": self.member_since.isoformat() if self.member_since else None,
            "sites": None if self.sites is None else [{"country": c, "region": r} for c, r in self.sites],
            "functions": None if self.functions is None else list(self.functions),
            "labels": None if self.labels is None else [label.as_dict() for label in self.labels],
            "charter_2019": None if not self.charter_2019_public else {
                "signed": self.charter_2019_signed_on is not None,
                "signed_on": self.charter_2019_signed_on.isoformat() if self.charter_2019_signed_on else None},
        }


@dataclass(frozen=True)
class NotAMember:
    """The register's answer for a company that is not a member on the day (``left_on`` when it was one)."""

    siren: str
    day: date
    left_on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"member": False, "siren": self.siren, "on": self.day.isoformat(),
                "left_on": self.left_on.isoformat() if self.left_on else None}


def entry_of(member: Member, day: date) -> RegisterEntry:
    shown = set(member.public)
    sites = tuple(dict.fromkeys((s.country, s.region if s.country == "FR" else None)
                                for s in member.sites if s.public))
    labels = tuple(LabelView(label.name, label.issuer, label.valid_from, label.until, label.status(day))
                   for label in sorted(member.labels, key=lambda x: (x.name, x.until)) if label.public)
    return RegisterEntry(
        member.siren, member.company, member.member_since, day,
        sites if "sites" in shown else None, tuple(member.functions) if "functions" in shown else None,
        labels if "labels" in shown else None, member.charter_2019_signed_on, "charter_2019" in shown,
        frozenset(s.siret for s in member.sites if s.siret and s.public and "sites" in shown))


def lookup(registry: MemberRegistry, siren: str, day: date) -> RegisterEntry | NotAMember:
    member = registry.get(siren)
    if member is None or not member.is_member_on(day):
        left = member.left_on if member is not None and member.left_on and member.left_on <= day else None
        return NotAMember(siren, day, left)
    return entry_of(member, day)


def _folded(text: str) -> str:
    """Case- and accent-insensitive form of a name (``Société Générale`` → ``societe generale``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"\s+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


@dataclass(frozen=True)
class Search:
    """A search and its answer: ``kind`` siren/siret/name, the members found, or the problem with the query."""

    query: str
    kind: Literal["siren", "siret", "name", "empty"]
    found: tuple[RegisterEntry, ...] = ()
    not_member: NotAMember | None = None
    problem: str | None = None      # a stable code: query_too_long, invalid_siren, invalid_siret, name_too_short
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "kind": self.kind, "problem": self.problem, "truncated": self.truncated,
                "members": [e.as_dict() for e in self.found],
                "not_a_member": self.not_member.as_dict() if self.not_member else None}


def search(registry: MemberRegistry, query: str, day: date) -> Search:
    """Members matching a SIREN (9 digits), a SIRET (14 digits) or part of a name (see the module docstring).

    The query is bounded (:data:`MAX_QUERY` characters, longer is refused, not cut) and only compared, never
    interpreted; spaces, dots and dashes inside a number are ignored.
    """
    text = query.strip()
    if len(text) > MAX_QUERY:
        return Search(text[:MAX_QUERY], "empty", problem="query_too_long")
    if not text:
        return Search("", "empty")
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.isdigit() and len(digits) in (9, 14):
        if len(digits) == 9:
            if not siren_number.is_valid(digits):
                return Search(text, "siren", problem="invalid_siren")
            answer = lookup(registry, digits, day)
            kind: Literal["siren", "siret"] = "siren"
        else:
            if not siret_number.is_valid(digits):
                return Search(text, "siret", problem="invalid_siret")
            answer = lookup(registry, digits[:9], day)
            kind = "siret"
        if isinstance(answer, NotAMember):
            return Search(text, kind, not_member=answer)
        return Search(text, kind, found=(answer,))
    if digits.isdigit():
        return Search(text, "siren", problem="invalid_siren")
    folded = _folded(text)
    if len(folded) < MIN_NAME:
        return Search(text, "name", problem="name_too_short")
    hits = sorted((m for m in registry.current(day) if folded in _folded(m.company)), key=lambda m: _folded(m.company))
    return Search(text, "name", tuple(entry_of(m, day) for m in hits[:LIMIT]), truncated=len(hits) > LIMIT)


def json_ld(entry: RegisterEntry, url: str, trade_body: str) -> str:
    """A schema.org ``Organization`` with its SIREN and, as ``hasCredential``, its public labels — safe to embed in
    a ``<script type="application/ld+json">`` (``<``, ``>`` and ``&`` escaped)."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Organization", "@id": url, "url": url, "name": entry.company,
        "identifier": {"@type": "PropertyValue", "propertyID": "SIREN", "value": entry.siren},
        "memberOf": {"@type": "ProgramMembership", "programName": trade_body,
                     **({"startDate": entry.member_since.isoformat()} if entry.member_since else {})},
    }
    if entry.sites is not None:
        doc["location"] = [{"@type": "Place", "address": {"@type": "PostalAddress", "addressCountry": c,
                                                           **({"addressRegion": r} if r else {})}}
                           for c, r in entry.sites]
    if entry.labels is not None:
        doc["hasCredential"] = [{
            "@type": "EducationalOccupationalCredential", "name": label.name, "credentialCategory": "certification",
            **({"recognizedBy": {"@type": "Organization", "name": label.issuer}} if label.issuer else {}),
            "temporalCoverage": f"{label.valid_from.isoformat() if label.valid_from else '..'}/"
                                f"{label.until.isoformat()}",
            "expires": label.until.isoformat()} for label in entry.labels]
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def public_changes(folder: Path, siren: str, day: date) -> list[tuple[date, list[str]]]:
    """The dated changes of what the register shows of a member (the public fields that changed), oldest first.

    Read from the registry's history; a change to something not public does not appear.
    """
    out: list[tuple[date, list[str]]] = []
    previous: dict[str, Any] | None = None
    for at, _, record in MemberRegistry.history(folder, siren):
        shown = entry_of(record, day).as_dict()
        shown.pop("on")
        if previous is None:
            out.append((_day(at), ["joined"]))
        else:
            changed = [k for k in shown if shown[k] != previous.get(k)]
            if changed:
                out.append((_day(at), changed))
        previous = shown
    return out


def _day(moment: datetime) -> date:
    """The day in Europe/Paris of a recorded change (the history is stamped in UTC)."""
    return moment.astimezone(PARIS).date()
