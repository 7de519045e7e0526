"""A realistic, generated job board for the demonstration: offers of members in the trade's cities, candidates
(generated first names, no real person), work-study cohorts of fictitious schools. Deterministic for a seed.

Offers follow the trade's mix: most are permanent contracts (CDI) in customer service, then fixed-term and
temporary ones, work-study (apprenticeship, professionalisation) in the founding partnership's pilot cities
(Paris, Lyon, Toulouse) and a few internships; pay ranges start between the legal minimum and 15 % above it
(:func:`charte.jobs.pay.minimum_for`; internships, with no minimum checked, at about a third of the SMIC), the
range spanning 5 to 25 %.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from charte.jobs.pay import RULE_OF_KIND, PayPeriod, SmicOf, minimum_for, pay_rules, smic_of
from charte.jobs.reference_jobs import ReferenceJobs

CITIES: Final = (("Paris", 5), ("Lyon", 4), ("Toulouse", 4), ("Lille", 3), ("Amiens", 2), ("Bordeaux", 2),
                 ("Marseille", 2), ("Nantes", 2), ("Montpellier", 1), ("Rennes", 1), ("Villeurbanne", 1),
                 ("Saint-Étienne", 1), ("Poitiers", 1), ("Caen", 1), ("Boulogne-Billancourt", 1))
PILOT_CITIES: Final = ("Paris", "Lyon", "Toulouse")
CONTRACTS: Final = (("cdi", 40), ("cdd", 18), ("interim", 10), ("apprenticeship", 16), ("professionalisation", 10),
                    ("internship", 6))
FUNCTIONS: Final = (("service", 55), ("commercial", 25), ("support", 20))
FIRST_NAMES: Final = ("Inès", "Lucas", "Léa", "Hugo", "Chloé", "Nathan", "Manon", "Théo", "Camille", "Yanis",
                      "Sarah", "Enzo", "Jade", "Mathis", "Louise", "Adam", "Emma", "Noah", "Lina", "Rayan",
                      "Zoé", "Maël", "Ambre", "Sacha", "Clara", "Tom", "Anaïs", "Karim", "Aïcha", "Julien")
SCHOOLS: Final = (("École de la relation client (fictive)", "Paris", "Titre professionnel Conseiller relation client "
                   "à distance"),
                  ("École de la relation client (fictive)", "Lyon", "Titre professionnel Conseiller relation client "
                   "à distance"),
                  ("Institut des métiers du contact (fictif)", "Toulouse", "BTS Négociation et digitalisation de la "
                   "relation client"),
                  ("Institut des métiers du contact (fictif)", "Lille", "BTS Négociation et digitalisation de la "
                   "relation client"))
DESCRIPTIONS: Final = {
    "service": "Vous répondez aux clients d'un {sector} par téléphone, courriel et messagerie : informations, suivi "
               "des dossiers, traitement des réclamations. Formation de {weeks} semaines à la prise de poste, "
               "accompagnement par un tuteur, plateau de {size} conseillers.",
    "commercial": "Vous conseillez les clients d'un {sector} et leur proposez les offres adaptées, en appels entrants "
                  "et sortants, dans le respect des règles du démarchage téléphonique. Formation de {weeks} "
                  "semaines, primes sur objectifs, plateau de {size} conseillers.",
    "support": "Vous aidez les clients d'un {sector} à résoudre leurs difficultés techniques (box, mobile, "
               "applications) au téléphone et par chat. Formation de {weeks} semaines, base de connaissances, "
               "plateau de {size} techniciens.",
}
SECTORS: Final = ("fournisseur d'énergie", "opérateur de télécommunications", "assureur", "banque en ligne",
                  "transporteur", "site de commerce en ligne", "service public local")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


@dataclass(frozen=True)
class DemoOffer:
    form: dict[str, str | list[str]]
    posted_on: date
    approved: bool
    hires: int


def demo_offers(jobs: ReferenceJobs, today: date, count: int = 42, seed: int = 22,
                smic: SmicOf = smic_of) -> list[DemoOffer]:
    """Offer forms (as a member would fill them) and when they were posted; work-study offers of the school year
    were posted in the summer and some are already filled."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        contract = _pick(rng, CONTRACTS)
        work_study = contract in ("apprenticeship", "professionalisation")
        city = rng.choice(PILOT_CITIES) if work_study and rng.random() < 0.8 else _pick(rng, CITIES)
        function = _pick(rng, FUNCTIONS)
        job = rng.choice([j for j in jobs.for_function(function) if j.category == "employee"])
        started = work_study and n % 3 == 0
        posted = date(today.year if today.month >= 9 else today.year - 1, 7, 1) if started else \
            today - timedelta(days=rng.randint(0, 20))
        start = date(posted.year, 9, 1) if started else today + timedelta(days=rng.randint(7, 45))
        try:
            level = smic(start).value
        except LookupError:
            start = today
            level = smic(start).value
        hours = Decimal(35) if work_study or rng.random() < 0.75 else Decimal(rng.choice((24, 28, 30)))
        period: PayPeriod = "hour" if contract == "interim" else "month"
        rule = RULE_OF_KIND[contract]
        share = pay_rules()[rule].floor_share if rule else Decimal("0.35")
        floor = minimum_for(period, hours, level * (Decimal("0.53") if contract == "apprenticeship" else share))
        low = (floor * Decimal(1 + rng.uniform(0.0, 0.15))).quantize(Decimal("1" if period == "month" else "0.01"))
        low = max(low, floor)
        high = (low * Decimal(1 + rng.uniform(0.05, 0.25))).quantize(low)
        shifts = ["weekdays"] + (["evenings"] if rng.random() < 0.4 else []) + (
            ["saturdays"] if rng.random() < 0.35 else []) + (["sundays"] if rng.random() < 0.08 else [])
        languages = ["fr"] + (["en"] if rng.random() < 0.2 else []) + (["es"] if rng.random() < 0.07 else [])
        form: dict[str, str | list[str]] = {
            "function": function, "job_id": job.id, "title_detail": rng.choice(SECTORS).split()[0] if rng.random()
            < 0.3 else "", "classification": "", "city": city,
            "work_mode": "hybrid" if rng.random() < 0.15 else ("remote" if rng.random() < 0.04 else "on_site"),
            "contract": contract, "duration_months": str(24 if work_study else (rng.choice((3, 6, 9, 12)) if
                                                                                 contract in ("cdd", "interim")
                                                                                 else 6)),
            "diploma": SCHOOLS[0][2] if work_study else "", "school": _school_of(city) if work_study else "",
            "weekly_hours": str(hours), "shifts": shifts, "schedule": rng.choice(
                ("9 h – 17 h", "8 h – 20 h en roulement", "10 h – 19 h", "")), "languages": languages,
            "pay_min": str(low), "pay_max": str(high), "pay_period": period,
            "pay_note": rng.choice(("", "primes mensuelles sur objectifs", "tickets restaurant, mutuelle")),
            "start_on": start.isoformat(), "expires_on": (posted + timedelta(days=rng.randint(40, 85))).isoformat(),
            "places": str(rng.choice((1, 2, 3, 5, 8, 12)) if not work_study else rng.choice((2, 3, 4))),
            "description": DESCRIPTIONS[function].format(sector=rng.choice(SECTORS), weeks=rng.choice((2, 3, 4)),
                                                         size=rng.choice((40, 80, 120, 250)))}
        out.append(DemoOffer(form, posted, True, min(int(str(form["places"])), rng.randint(1, 3)) if started else 0))
    flagged = dict(out[1].form)
    flagged["description"] = str(flagged["description"]) + " Profil recherché : jeune et dynamique."
    out[1] = DemoOffer(flagged, today, False, 0)
    return out


def _school_of(city: str) -> str:
    return next((school for school, where, _ in SCHOOLS if where == city), SCHOOLS[0][0])


@dataclass(frozen=True)
class DemoCandidate:
    email: str
    form: dict[str, str | list[str]]
    school_city: str | None


def demo_candidates(today: date, count: int = 60, seed: int = 22) -> list[DemoCandidate]:
    """Candidates' profile forms: generated first names, e-mails under ``demo.charte``."""
    rng = random.Random(seed + 1)
    out = []
    for n in range(count):
        work_study = rng.random() < 0.35
        city = rng.choice(PILOT_CITIES) if work_study else _pick(rng, CITIES)
        functions = sorted({_pick(rng, FUNCTIONS) for _ in range(rng.randint(1, 2))})
        contracts = (["apprenticeship", "professionalisation"] if work_study else
                     sorted({_pick(rng, CONTRACTS[:3]) for _ in range(rng.randint(1, 3))}))
        form: dict[str, str | list[str]] = {
            "first_name": FIRST_NAMES[n % len(FIRST_NAMES)], "functions": functions, "city_1": city,
            "radius_km": str(rng.choice((10, 20, 30, 50))), "available_from": (today + timedelta(
                days=rng.randint(-30, 40))).isoformat(), "contracts": contracts,
            "languages": ["fr"] + (["en"] if rng.random() < 0.3 else []),
            "shifts": ["weekdays"] + (["evenings"] if rng.random() < 0.5 else []) + (
                ["saturdays"] if rng.random() < 0.4 else []),
            "work_study": "on" if work_study else "", "diploma_sought": SCHOOLS[0][2] if work_study else "",
            "searchable": "on" if rng.random() < 0.7 else ""}
        out.append(DemoCandidate(f"candidat{n + 1:02d}@demo.charte", form, city if work_study else None))
    return out


@dataclass(frozen=True)
class DemoCohort:
    school: str
    city: str
    diploma: str
    starts_on: date
    students: int


def demo_cohorts(today: date, seed: int = 22) -> list[DemoCohort]:
    rng = random.Random(seed + 2)
    first = today.year if today.month >= 9 else today.year - 1
    return [DemoCohort(school, city, diploma, date(first, 9, rng.randint(1, 15)), rng.randint(12, 26))
            for school, city, diploma in SCHOOLS]
