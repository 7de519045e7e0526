"""The ranking of the most socially responsible members ("palmarès", 2010 charter follow-up committee).

A transparent score from stated criteria, weights and targets in ``ranking_weights.yaml`` (shipped
in the package; another file can be given). Each criterion scores 0..1:

- ``france_share``: headcount in France ÷ total headcount (latest declaration);
- ``certifications``: min(labels valid on the day, target) ÷ target;
- ``training``: min(training hours ÷ headcount, target) ÷ target;
- ``charter``: mean points of the axis verdicts of the member's contract scorecards
  (pass 1, warn 0.5, fail 0; ``not_enough_data`` left out);
- ``payment_delays``: max(0, 1 − average days late ÷ limit) (charter axis 6: payment deadlines).

Score = 100 × Σ wᵢ·sᵢ ÷ Σ wᵢ over the criteria known for the member, rounded to 0.1 (half up);
a criterion without data is left out and said so in the breakdown. Each member sees its own
breakdown; the public ranking lists only members who opted in, best score first (ties by name).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from charte.charter import Scorecard
from charte.observatory.declarations import Declaration
from charte.observatory.members import Member

CRITERIA: Final = ("france_share", "certifications", "training", "charter", "payment_delays")

__all__ = [
    "CRITERIA",
    "Breakdown",
    "CriterionScore",
    "RankedMember",
    "RankingEvidence",
    "RankingWeights",
    "load_evidence",
    "public_ranking",
    "save_evidence",
    "score_member",
    "score_members",
    "verdicts_of",
]


@dataclass(frozen=True)
class RankingWeights:
    weights: Mapping[str, Decimal]
    certifications_target: int
    training_target: Decimal
    delay_limit: Decimal
    verdict_points: Mapping[str, Decimal]

    @classmethod
    def load(cls, path: Path | None = None) -> RankingWeights:
        text = (path.read_text(encoding="utf-8") if path else
                resources.files("charte.observatory").joinpath("ranking_weights.yaml").read_text(encoding="utf-8"))
        doc = yaml.safe_load(text)
        weights = {k: Decimal(str(v)) for k, v in doc["weights"].items()}
        unknown = set(weights) - set(CRITERIA)
        if unknown or any(w < 0 for w in weights.values()) or not sum(weights.values()):
            raise ValueError(f"{path or 'ranking_weights.yaml'}: [invalid_weights] weights must be ≥ 0, not all 0, "
                             f"for criteria {', '.join(CRITERIA)}; found {sorted(doc['weights'])}")
        t = doc["targets"]
        return cls(weights, int(t["certifications"]), Decimal(str(t["training_hours_per_head"])),
                   Decimal(str(t["payment_delay_days"])),
                   {k: Decimal(str(v)) for k, v in doc["verdict_points"].items()})


@dataclass(frozen=True)
class RankingEvidence:
    """What the ranking needs beyond the declaration: contract scorecard verdicts and payment delays suffered."""

    siren: str
    scorecards: tuple[Mapping[str, str], ...] = ()
    payment_delay_days: Decimal | None = None


def verdicts_of(card: Scorecard) -> dict[str, str]:
    """The axis verdicts of a charter scorecard, as the ranking takes them."""
    return dict(card.verdicts)


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    figure: str            # the measured figure, in words
    score: Decimal | None  # 0..1, None when no data
    weight: Decimal
    points: Decimal        # weight × score (0 when no data)


@dataclass(frozen=True)
class Breakdown:
    siren: str
    company: str
    opted_in: bool
    score: Decimal
    criteria: tuple[CriterionScore, ...] = field(default=())

    def contributions(self) -> dict[str, Decimal | None]:
        """The points out of 100 each criterion brings to the score: 100 × wᵢ·sᵢ ÷ Σ wⱼ over the criteria known
        for the member (``None`` for a criterion without data); they add up to the score before its rounding."""
        known = sum((c.weight for c in self.criteria if c.score is not None), Decimal(0))
        return {c.criterion: None if c.score is None else (100 * c.points / known if known else Decimal(0))
                for c in self.criteria}

    def as_dict(self) -> dict[str, Any]:
        return {"siren": self.siren, "company": self.company, "opted_in": self.opted_in, "score": str(self.score),
                "criteria": [{"criterion": c.criterion, "figure": c.figure,
                              "score": None if c.score is None else str(c.score), "weight": str(c.weight),
                              "points": str(c.points)} for c in self.criteria]}


def _ratio(n: Decimal, d: Decimal) -> Decimal:
    return n / d


def score_member(member: Member, declaration: Declaration | None, evidence: RankingEvidence | None,
                 on: date, weights: RankingWeights) -> Breakdown:
    """One member's score and its breakdown (see the module docstring)."""
    raw: dict[str, tuple[str, Decimal | None]] = {}
    head = declaration.headcount if declaration else 0
    if declaration and head:
        france = declaration.headcount_france
        raw["france_share"] = (f"{france} of {head} jobs in France", _ratio(Decimal(france), Decimal(head)))
        per_head = declaration.training_hours / head
        raw["training"] = (f"{per_head.quantize(Decimal('0.1'))} training hours per head",
                           min(per_head, weights.training_target) / weights.training_target)
    else:
        raw["france_share"] = raw["training"] = ("no declaration", None)
    labels = member.valid_labels(on)
    raw["certifications"] = (f"{len(labels)} valid on {on.isoformat()}: {', '.join(labels) or 'none'}",
                             Decimal(min(len(labels), weights.certifications_target)) / weights.certifications_target)
    points = [weights.verdict_points[v] for card in (evidence.scorecards if evidence else ())
              for v in card.values() if v in weights.verdict_points]
    raw["charter"] = ((f"{len(points)} axis verdicts over {len(evidence.scorecards) if evidence else 0} contracts",
                       sum(points, Decimal(0)) / len(points)) if points else ("no contract scorecard", None))
    delay = evidence.payment_delay_days if evidence else None
    raw["payment_delays"] = (("no payment record", None) if delay is None else
                             (f"{delay} days late on average", max(Decimal(0), 1 - delay / weights.delay_limit)))
    criteria = []
    for name in CRITERIA:
        figure, score = raw[name]
        w = weights.weights.get(name, Decimal(0))
        criteria.append(CriterionScore(name, figure, score, w, w * score if score is not None else Decimal(0)))
    known = sum((c.weight for c in criteria if c.score is not None), Decimal(0))
    total = 100 * sum((c.points for c in criteria), Decimal(0)) / known if known else Decimal(0)
    return Breakdown(member.siren, member.company, member.ranking_opt_in,
                     total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), tuple(criteria))


def score_members(members: Iterable[Member], declarations: Iterable[Declaration],
                  evidence: Iterable[RankingEvidence], on: date, weights: RankingWeights | None = None,
                  ) -> list[Breakdown]:
    """Every member's breakdown from its latest-period declaration (latest recorded version)."""
    weights = weights or RankingWeights.load()
    latest: dict[str, Declaration] = {}
    for d in declarations:
        if d.siren not in latest or d.period >= latest[d.siren].period:
            latest[d.siren] = d
    ev = {e.siren: e for e in evidence}
    return [score_member(m, latest.get(m.siren), ev.get(m.siren), on, weights) for m in members]


@dataclass(frozen=True)
class RankedMember:
    """One line of the public ranking: rank, company and score — nothing of the breakdown.

    The breakdown's figures ("F of T jobs in France", training hours, delays) are the member's own: with the
    members' site locations (public register) they pin barometer cells withheld for disclosure control.
    """

    rank: int
    company: str
    score: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "company": self.company, "score": str(self.score)}


def public_ranking(breakdowns: Sequence[Breakdown]) -> list[RankedMember]:
    """Opted-in members only, best score first, ties by company name; equal scores share a rank."""
    shown = sorted((b for b in breakdowns if b.opted_in), key=lambda b: (-b.score, b.company))
    out: list[RankedMember] = []
    for i, b in enumerate(shown, start=1):
        rank = out[-1].rank if out and out[-1].score == b.score else i
        out.append(RankedMember(rank, b.company, b.score))
    return out


EVIDENCE_FILE: Final = "evidence.json"


def save_evidence(folder: Path, evidence: Iterable[RankingEvidence]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    docs = [{"siren": e.siren, "scorecards": [dict(c) for c in e.scorecards],
             "payment_delay_days": None if e.payment_delay_days is None else str(e.payment_delay_days)}
            for e in evidence]
    path = folder / EVIDENCE_FILE
    path.write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_evidence(folder: Path) -> list[RankingEvidence]:
    path = folder / EVIDENCE_FILE
    if not path.exists():
        return []
    return [RankingEvidence(d["siren"], tuple(d.get("scorecards", ())),
                            None if d.get("payment_delay_days") is None else Decimal(d["payment_delay_days"]))
            for d in json.loads(path.read_text(encoding="utf-8"))]
