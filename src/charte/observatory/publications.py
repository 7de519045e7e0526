"""Publications: what the trade body has made public, frozen as published.

A publication is a JSON snapshot in ``<folder>/publications/`` — its kind (``employment`` barometer,
``charter`` follow-up barometer, ``ranking``), when it was published, the periods it covers and **only the
public rows** (withheld cells as a flag without their value, no member counts, no reasons) — with the
SHA-256 of its content. It is written once and never rewritten.

Each period of a barometer is published **once**: a later publication covers only periods not yet
published. So a late declaration, a correction or a member leaving never re-publishes a period with
other figures or another suppression pattern — differencing two versions of the same period (the
classic attack on successive releases) has nothing to work on — and past publications stay exactly as
published. Members who have left on the day of publication are not in it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from charte.observatory.barometer import barometer_of_folder, export_rows
from charte.observatory.charter_followup import (
    CharterBarometer,
    ScorecardStore,
    build_charter_barometer,
    from_publications,
    publication_rows,
)
from charte.observatory.declarations import DeclarationStore
from charte.observatory.disclosure import DisclosureRules
from charte.observatory.members import MemberRegistry
from charte.observatory.ranking import load_evidence, public_ranking, score_members

Kind = Literal["employment", "charter", "ranking"]
KINDS: Final[tuple[Kind, ...]] = ("employment", "charter", "ranking")
FOLDER: Final = "publications"

__all__ = [
    "KINDS",
    "Kind",
    "Publication",
    "PublicationError",
    "PublishedCell",
    "PublishedTable",
    "charter_published",
    "employment_rows",
    "load_publications",
    "periods_published",
    "publish_all",
    "publish_charter",
    "publish_employment",
    "publish_ranking",
    "published_table",
    "save_publication",
]


class PublicationError(ValueError):
    """A publication that would change what was already published (code and message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code


@dataclass(frozen=True)
class Publication:
    kind: Kind
    published_at: datetime
    periods: tuple[str, ...]
    members: int                         # members whose data the publication rests on
    rows: tuple[dict[str, Any], ...]     # the public rows, exactly as published
    sha256: str = ""

    @property
    def id(self) -> str:
        span = f"{self.periods[0]}_{self.periods[-1]}" if self.periods else "none"
        return f"{self.kind}-{span}-{self.published_at.strftime('%Y%m%dT%H%M%S')}"

    @property
    def day(self) -> date:
        return self.published_at.date()

    def content(self) -> dict[str, Any]:
        return {"kind": self.kind, "published_at": self.published_at.isoformat(), "periods": list(self.periods),
                "members": self.members, "rows": list(self.rows)}


def _digest(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_publications(folder: Path, kind: Kind | None = None) -> list[Publication]:
    """Every publication (of one kind), oldest first; a file whose content no longer matches its hash is refused."""
    where = folder / FOLDER
    out = []
    for path in sorted(where.glob("*.json")) if where.exists() else []:
        doc = json.loads(path.read_text(encoding="utf-8"))
        content, digest = doc["content"], doc["sha256"]
        if _digest(content) != digest:
            raise PublicationError("publication_altered", f"{path}: content does not match its SHA-256 {digest}")
        if kind is not None and content["kind"] != kind:
            continue
        out.append(Publication(content["kind"], datetime.fromisoformat(content["published_at"]),
                               tuple(content["periods"]), content["members"], tuple(content["rows"]), digest))
    return sorted(out, key=lambda p: p.published_at)


def periods_published(folder: Path, kind: Kind) -> set[str]:
    return {p for pub in load_publications(folder, kind) for p in pub.periods}


def save_publication(folder: Path, kind: Kind, periods: tuple[str, ...], members: int,
                     rows: list[dict[str, Any]], at: datetime | None = None) -> Publication:
    """Freeze a publication; refused when it would publish a period again (see the module docstring)."""
    if kind != "ranking":
        again = sorted(set(periods) & periods_published(folder, kind))
        if again:
            raise PublicationError("period_already_published",
                                   f"{kind} {', '.join(again)} already published; a period is published once and "
                                   "stays as published")
    publication = Publication(kind, at or datetime.now(UTC), tuple(periods), members, tuple(rows))
    content = publication.content()
    digest = _digest(content)
    where = folder / FOLDER
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{publication.id}.json"
    if path.exists():
        raise PublicationError("publication_exists", f"{path} already exists")
    path.write_text(json.dumps({"sha256": digest, "content": content}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return Publication(kind, publication.published_at, publication.periods, members, publication.rows, digest)


def employment_rows(folder: Path) -> list[dict[str, str]]:
    """The employment barometer as published, every period from the publication that first published it; the
    change from the previous period recomputed across publications (both values published)."""
    rows: list[dict[str, str]] = []
    for pub in load_publications(folder, "employment"):
        rows += [dict(r) for r in pub.rows]
    values = {(r["measure"], r["row"], r["column"]): r["value"] for r in rows if r["table"] == "period"}
    periods = sorted({r["period"] for r in rows})
    for r in rows:
        if r["table"] == "period" and r["column"] != "share_france" and r["row"] in periods:
            i = periods.index(r["row"])
            prev = values.get((r["measure"], periods[i - 1], r["column"]), "") if i else ""
            r["change"] = str(int(r["value"]) - int(prev)) if r["value"] and prev else ""
    return rows



@dataclass(frozen=True)
class PublishedCell:
    """A cell as published: its value, or ``None`` with its flag (``s`` primary, ``c`` complementary)."""

    value: int | None
    flag: str

    @property
    def status(self) -> str:
        return {"s": "primary", "c": "complementary"}.get(self.flag, "published")

    @property
    def mark(self) -> str:
        return f"({self.flag})" if self.value is None else str(self.value)


@dataclass(frozen=True)
class PublishedTable:
    by: str
    measure: str
    period: str | None
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], PublishedCell]
    shares: dict[str, Decimal | None]
    changes: dict[tuple[str, str], str]


def published_table(rows: list[dict[str, str]], by: str, measure: str, period: str | None) -> PublishedTable | None:
    """One table of the published rows (``period`` ignored for the table by period), or ``None``."""
    chosen = [r for r in rows if r["table"] == by and r["measure"] == measure
              and (by == "period" or r["period"] == period)]
    if not chosen:
        return None
    cells = {(r["row"], r["column"]): PublishedCell(int(r["value"]) if r["value"] else None, r["flag"])
             for r in chosen if r["column"] != "share_france"}
    shares = {r["row"]: (Decimal(r["value"]) if r["value"] else None) for r in chosen if r["column"] == "share_france"}
    return PublishedTable(by, measure, None if by == "period" else period, tuple(dict.fromkeys(r for r, _ in cells)),
                          tuple(dict.fromkeys(c for _, c in cells)), cells, shares,
                          {(r["row"], r["column"]): r["change"] for r in chosen if r.get("change")})


def publish_employment(folder: Path, at: datetime | None = None, periods: tuple[str, ...] | None = None,
                       rules: DisclosureRules | None = None) -> Publication:
    """Publish the employment barometer of the periods not yet published (or of ``periods``), from the latest
    declaration of each member still a member on the day, protected as one release."""
    at = at or datetime.now(UTC)
    current = {m.siren for m in MemberRegistry.load(folder).current(at.date())}
    done = periods_published(folder, "employment")
    declarations = [d for d in DeclarationStore(folder).latest() if d.siren in current]
    chosen = tuple(sorted({d.period for d in declarations} - done if periods is None else periods))
    if not chosen:
        raise PublicationError("nothing_to_publish", "every declared period is already published")
    declarations = [d for d in declarations if d.period in chosen]
    if not declarations:
        raise PublicationError("nothing_to_publish", f"no declaration for {', '.join(chosen)}")
    barometer = barometer_of_folder(folder, declarations, rules or DisclosureRules())
    return save_publication(folder, "employment", barometer.periods, barometer.members, export_rows(barometer), at)


def publish_charter(folder: Path, at: datetime | None = None, rules: DisclosureRules | None = None) -> Publication:
    """Publish the follow-up barometer of the semesters not yet published, from the scorecards shared by members
    who are still members and still opted in on the day."""
    at = at or datetime.now(UTC)
    sharing = {m.siren for m in MemberRegistry.load(folder).current(at.date()) if m.scorecards_opt_in}
    cards = [c for c in ScorecardStore(folder).latest() if c.siren in sharing]
    semesters = tuple(sorted({c.semester for c in cards} - periods_published(folder, "charter")))
    if not semesters:
        raise PublicationError("nothing_to_publish", "no shared scorecard for a semester not yet published")
    barometer = build_charter_barometer(cards, rules, semesters)
    contributing = len({c.siren for c in cards if c.semester in semesters})
    return save_publication(folder, "charter", semesters, contributing, publication_rows(barometer), at)


def charter_published(folder: Path) -> CharterBarometer:
    return from_publications([r for pub in load_publications(folder, "charter") for r in pub.rows])


def publish_ranking(folder: Path, at: datetime | None = None) -> Publication:
    """Publish the ranking of the day: members still members who opted in, rank, company and score only."""
    at = at or datetime.now(UTC)
    members = MemberRegistry.load(folder).current(at.date())
    breakdowns = score_members(members, DeclarationStore(folder).latest(), load_evidence(folder), at.date())
    rows = [entry.as_dict() for entry in public_ranking(breakdowns)]
    return save_publication(folder, "ranking", (at.date().isoformat(),), len(rows), rows, at)


def publish_all(folder: Path, at: datetime | None = None) -> list[Publication]:
    """Publish what is not yet published: the employment barometer, the follow-up barometer, the ranking."""
    out = []
    for publish in (publish_employment, publish_charter):
        try:
            out.append(publish(folder, at))
        except PublicationError as error:
            if error.code != "nothing_to_publish":
                raise
    out.append(publish_ranking(folder, at))
    return out
