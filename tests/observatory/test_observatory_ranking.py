"""The palmarès recomputed by hand for a small population (shipped weights 30/15/20/25/10)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charte.cli import app
from charte.domain.contract.charter_2010 import Certification
from charte.observatory import (
    Declaration,
    DeclarationLine,
    DeclarationStore,
    HeldLabel,
    Member,
    MemberRegistry,
    RankingEvidence,
    RankingWeights,
    public_ranking,
    score_members,
)
from charte.observatory.ranking import save_evidence

ON = date(2025, 12, 31)


def _line(country: str, head: int, hours: int) -> DeclarationLine:
    return DeclarationLine(site=f"s-{country}", country=country, region="Bretagne" if country == "FR" else None,
                           function="service", category="employee", headcount=head, hires=0, work_study=0,
                           training_hours=Decimal(hours))


def _population() -> tuple[list[Member], list[Declaration], list[RankingEvidence]]:
    a = Member(company="Alpha", siren="552100554", ranking_opt_in=True,
               labels=(HeldLabel(name=Certification.NF_345, until=date(2026, 6, 1)),
                       HeldLabel(name=Certification.ISO_9001, until=date(2025, 1, 1))))       # expired on ON
    b = Member(company="Bravo", siren="732829320", ranking_opt_in=True,
               labels=tuple(HeldLabel(name=c, until=date(2027, 1, 1)) for c in list(Certification)[:4]))
    c = Member(company="Charlie", siren="542065479", ranking_opt_in=False)
    d = a.model_copy(update={"company": "Delta", "siren": "443061841"})
    declarations = [
        Declaration(siren="552100554", period="2025-S1", lines=(_line("FR", 10, 0),)),     # superseded by S2
        Declaration(siren="552100554", period="2025-S2", lines=(_line("FR", 100, 1750), _line("MA", 100, 1750))),
        Declaration(siren="443061841", period="2025-S2", lines=(_line("FR", 100, 1750), _line("MA", 100, 1750))),
        Declaration(siren="732829320", period="2025-S2", lines=(_line("FR", 50, 3500),)),
    ]
    card = {"1": "pass", "2": "warn", "3": "fail", "4": "not_enough_data"}
    evidence = [RankingEvidence("552100554", (card,), Decimal(15)), RankingEvidence("443061841", (card,), Decimal(15)),
                RankingEvidence("542065479", ({"6": "fail"},), Decimal(90))]
    return [a, b, c, d], declarations, evidence


def test_observatory_ranking_by_hand() -> None:
    members, declarations, evidence = _population()
    scores = {b.company: b for b in score_members(members, declarations, evidence, ON)}
    # Alpha: France 100/200 = 0.5; training 3500 h / 200 = 17.5 h per head, /35 = 0.5; one valid label /3;
    # charter (1 + 0.5 + 0) / 3 = 0.5; delays 1 - 15/60 = 0.75.
    # 100 × (30·0.5 + 15·1/3 + 20·0.5 + 25·0.5 + 10·0.75) / 100 = 15 + 5 + 10 + 12.5 + 7.5 = 50.0
    assert scores["Alpha"].score == Decimal("50.0")
    alpha = {c.criterion: c for c in scores["Alpha"].criteria}
    assert alpha["france_share"].score == Decimal("0.5")
    assert alpha["certifications"].figure.startswith("1 valid")
    assert alpha["payment_delays"].points == Decimal("7.5")
    # Bravo: France 1, training 70 h per head capped at 1, 4 labels capped at 1; no scorecard and no payment
    # record: those criteria are left out, 100 × 65 / 65 = 100.0.
    assert scores["Bravo"].score == Decimal("100.0")
    assert [c.criterion for c in scores["Bravo"].criteria if c.score is None] == ["charter", "payment_delays"]
    # Charlie: no declaration; 0 labels, charter 0, delays 90 days → 0: 0 over weights 15 + 25 + 10.
    assert scores["Charlie"].score == Decimal("0.0")
    ranking = public_ranking(list(scores.values()))
    assert [(entry.rank, entry.company) for entry in ranking] == [(1, "Bravo"), (2, "Alpha"), (2, "Delta")]
    assert ranking[0].as_dict() == {"rank": 1, "company": "Bravo", "score": "100.0"}


def test_observatory_public_ranking_shows_rank_name_and_score_only(tmp_path: Path) -> None:
    """Regression (issue 18): `ranking --json` printed every opted-in member's breakdown, "F of T jobs in
    France" included — with the members' sites (public register) that pins withheld barometer cells."""
    members, declarations, evidence = _population()
    folder = tmp_path / "obs"
    MemberRegistry(tuple(members)).save(folder)
    store = DeclarationStore(folder)
    for d in declarations:
        store.record(d)
    save_evidence(folder, evidence)
    runner = CliRunner()
    public = runner.invoke(app, ["observatory", "ranking", "--dir", str(folder), "--on", "2025-12-31", "--json"])
    assert public.exit_code == 0, public.output
    rows = json.loads(public.stdout)
    assert [set(r) for r in rows] == [{"rank", "company", "score"}] * 3
    assert "jobs in France" not in public.stdout and "criteria" not in public.stdout
    assert "552100554" not in public.stdout
    own = runner.invoke(app, ["observatory", "ranking", "--dir", str(folder), "--on", "2025-12-31", "--json",
                              "--member", "552100554"])
    assert own.exit_code == 0, own.output
    mine = json.loads(own.stdout)
    assert mine["company"] == "Alpha" and "100 of 200 jobs in France" in own.stdout
    assert "Delta" not in own.stdout                                     # nobody else's breakdown


def test_observatory_ranking_weights_file(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("weights: {france_share: 1, certifications: 0, training: 0, charter: 0, payment_delays: 0}\n"
                    "targets: {certifications: 3, training_hours_per_head: 35, payment_delay_days: 60}\n"
                    "verdict_points: {pass: 1, warn: 0.5, fail: 0}\n", encoding="utf-8")
    members, declarations, evidence = _population()
    scores = {b.company: b.score for b in score_members(members, declarations, evidence, ON, RankingWeights.load(path))}
    assert scores["Alpha"] == Decimal("50.0")
    assert scores["Bravo"] == Decimal("100.0")
    path.write_text(path.read_text().replace("france_share: 1", "france_shares: 1"), encoding="utf-8")
    with pytest.raises(ValueError, match="invalid_weights"):
        RankingWeights.load(path)
