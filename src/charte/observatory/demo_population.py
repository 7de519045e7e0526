"""A synthetic population of members for the observatory's demonstration (no real company).

Sizes follow the trade's shape in 2019 (SP2C, DOMAIN.md): about 60 members employing about 80,000
people, about 40% of them in France (32,000 on 91 sites), the rest in nearshore/offshore sites
(Morocco, Tunisia, Portugal, Senegal, Mauritius, Madagascar). A few large groups hold most of
the staff, many small firms have one or two sites (Pareto-like sizes). Deterministic from the seed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from charte.domain.contract.parties import luhn_ok
from charte.observatory.declarations import Declaration, DeclarationLine, DeclarationStore
from charte.observatory.members import CATEGORIES, FUNCTIONS, LABELS, HeldLabel, Member, MemberRegistry, MemberSite
from charte.observatory.ranking import RankingEvidence, save_evidence

PERIODS = ("2024-S1", "2024-S2", "2025-S1", "2025-S2")
REGIONS = ("Hauts-de-France", "Nouvelle-Aquitaine", "Île-de-France", "Occitanie", "Grand Est",
           "Provence-Alpes-Côte d'Azur", "Bretagne", "Pays de la Loire", "Auvergne-Rhône-Alpes", "Normandie",
           "Centre-Val de Loire", "Corse", "La Réunion")
REGION_WEIGHTS = (8, 5, 6, 4, 3, 3, 2, 2, 3, 1, 0.5, 0.2, 0.4)
ABROAD = ("MA", "TN", "PT", "SN", "MU", "MG", "RO", "CM")
ABROAD_WEIGHTS = (8, 5, 4, 2, 2, 1, 0.3, 0.2)
FUNCTION_MIX = {"service": 0.62, "commercial": 0.26, "support": 0.12}
CATEGORY_MIX = {"employee": 0.84, "technician_supervisor": 0.11, "manager": 0.05}

__all__ = ["PERIODS", "demo_population", "write_demo"]


def _siren(rng: random.Random) -> str:
    while True:
        digits = f"{rng.randrange(10**8):08d}"
        for last in range(10):
            if luhn_ok(digits + str(last)):
                return digits + str(last)


ISSUERS = {"NF Service": "AFNOR Certification", "NF 345": "AFNOR Certification",
           "ISO 9001": "Bureau Veritas Certification",
           "ISO 18295-1": "AFNOR Certification", "ISO 18295-2": "AFNOR Certification",
           "Label Responsabilité Sociale": "AFNOR Certification (pour l'AFRC et SP2C)",
           "Label Engagé RSE": "AFNOR Certification"}


def _siret(siren: str, establishment: int) -> str:
    """A SIRET of the member: its SIREN, a 4-digit establishment number and the Luhn check digit (INSEE)."""
    stem = f"{siren}{establishment:04d}"
    return next(stem + str(d) for d in range(10) if luhn_ok(stem + str(d)))


def _sizes(rng: random.Random, members: int, staff: int) -> list[int]:
    raw = [rng.paretovariate(1.1) for _ in range(members)]
    scale = staff / sum(raw)
    return sorted((max(40, round(r * scale)) for r in raw), reverse=True)


def demo_population(seed: int = 2019, members: int = 60, staff: int = 80_000,
                    ) -> tuple[list[Member], list[Declaration], list[RankingEvidence]]:
    """Members, their declarations for :data:`PERIODS` and their ranking evidence."""
    rng = random.Random(seed)
    out_members, out_decl, out_evidence = [], [], []
    for n, size in enumerate(_sizes(rng, members, staff), start=1):
        siren = _siren(rng)
        france_share = min(1.0, max(0.0, rng.gauss(0.25, 0.2))) if size > 1500 else rng.choice([1.0, 0.8, 0.5])
        n_sites = max(1, min(16, round(size / 450)))
        sites = []
        for i in range(n_sites):
            in_fr = i < max(1, round(n_sites * france_share)) if france_share > 0 else False
            country = "FR" if in_fr else rng.choices(ABROAD, ABROAD_WEIGHTS)[0]
            region = rng.choices(REGIONS, REGION_WEIGHTS)[0] if country == "FR" else None
            sites.append(MemberSite(name=f"{'Site' if country == 'FR' else 'Centre'} {n}-{i + 1}", country=country,
                                    region=region))
        weights = [rng.uniform(0.5, 1.5) * (france_share if s.country == "FR" else 1 - france_share + 0.01)
                   for s in sites]
        labels = []
        for name in LABELS:
            if rng.random() < (0.5 if size > 1000 else 0.2):
                until = date(2026, rng.randint(1, 12), 1) - timedelta(days=1)
                labels.append(HeldLabel(name=name, until=until, valid_from=date(until.year - 3, until.month, 1),
                                        issuer=ISSUERS[name]))
        sites = [s.model_copy(update={"siret": _siret(siren, i + 1)}) if s.country == "FR" else s
                 for i, s in enumerate(sites)]
        member = Member(company=f"Centre de contact {n:02d} (fictif)", siren=siren, sector="multi-sector",
                        contact=f"rh@membre{n:02d}.example", sites=tuple(sites), labels=tuple(labels),
                        member_since=date(rng.randint(2005, 2023), rng.randint(1, 12), 1),
                        functions=FUNCTIONS, charter_2019_signed_on=date(2019, 10, 29) if rng.random() < 0.7 else None,
                        ranking_opt_in=rng.random() < 0.6, scorecards_opt_in=rng.random() < 0.75)
        out_members.append(member)
        for k, period in enumerate(PERIODS):
            period_size = size * (1 + 0.015 * k + rng.gauss(0, 0.02))
            lines = []
            for site, w in zip(sites, weights, strict=True):
                site_staff = period_size * w / sum(weights)
                for function in FUNCTIONS:
                    for category in CATEGORIES:
                        head = round(site_staff * FUNCTION_MIX[function] * CATEGORY_MIX[category])
                        if head == 0:
                            continue
                        lines.append(DeclarationLine(
                            site=site.name, country=site.country, region=site.region, function=function,
                            category=category, headcount=head, hires=round(head * rng.uniform(0.1, 0.35)),
                            work_study=round(head * rng.uniform(0, 0.04)),
                            training_hours=Decimal(round(head * rng.uniform(8, 40)))))
            out_decl.append(Declaration(siren=siren, period=period, lines=tuple(lines), source="demo"))
        out_evidence.append(RankingEvidence(
            siren=siren,
            scorecards=tuple({axis: rng.choices(["pass", "warn", "fail", "not_enough_data"], [6, 2, 1, 1])[0]
                              for axis in ("1", "2", "3", "4", "5", "6", "7", "8", "2010")}
                             for _ in range(rng.randint(0, 4))),
            payment_delay_days=Decimal(rng.randint(0, 45)) if rng.random() < 0.9 else None))
    return out_members, out_decl, out_evidence


def write_demo(folder: Path, seed: int = 2019, members: int = 60, staff: int = 80_000) -> tuple[int, int]:
    """Write the demo population into an empty observatory folder: members, declarations, evidence and the
    contract scorecards shared by the members who opted in (:mod:`charte.observatory.demo_scorecards`)."""
    from charte.observatory.charter_followup import ScorecardStore
    from charte.observatory.demo_scorecards import demo_scorecards

    population, declarations, evidence = demo_population(seed, members, staff)
    MemberRegistry(tuple(population)).save(folder)
    store = DeclarationStore(folder)
    for d in declarations:
        store.record(d)
    cards = demo_scorecards(population, seed)
    ScorecardStore(folder).record(cards)
    latest = max((c.semester for c in cards), default="")
    shared: dict[str, list[dict[str, str]]] = {}
    for card in cards:
        if card.semester == latest:
            shared.setdefault(card.siren, []).append(dict(card.verdicts))
    # The ranking's charter criterion rests on the same scorecards where the member shares them.
    save_evidence(folder, [replace(e, scorecards=tuple(shared[e.siren])) if e.siren in shared else e
                           for e in evidence])
    return len(population), len(declarations)
