"""Matching offers and candidates: by function, distance and availability (then contract, languages, shifts).

An offer and a candidate match when all of these hold:

1. **function**: the offer's function is one the candidate looks for;
2. **place**: the offer is remote and the candidate accepts remote work, or one of the candidate's cities is
   within their radius of the offer's commune (great-circle distance, :func:`charte.jobs.communes.distance_km`);
3. **availability**: the candidate is available at the latest :data:`AVAILABILITY_SLACK_DAYS` days after the
   offer starts;
4. **contract**: the offer's contract is one the candidate accepts;
5. **shifts**: every shift the offer works (evenings, Saturdays, Sundays, weekdays) is one the candidate accepts.

Among matches, the score (0–100) ranks: nearness 40 × (1 − distance ÷ radius) (40 for a remote offer or a
distance of 0), availability 25 when available by the start date (else 25 × (1 − days late ÷ slack)),
languages 20 × the share of the offer's languages the candidate speaks, work-study wish 15 when a candidate who
wants work-study meets a work-study offer (or one who does not meets another offer). Ties go to the nearer,
then the earlier start, then the identifier. Each match carries its reasons as data, shown on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from charte.jobs.communes import Commune, distance_km
from charte.jobs.offers import WORK_STUDY

AVAILABILITY_SLACK_DAYS: Final = 30


@dataclass(frozen=True)
class OfferFacts:
    """What matching reads of an offer."""

    id: str
    function: str
    commune: Commune
    work_mode: str
    contract: str
    start_on: date
    languages: tuple[str, ...]
    shifts: tuple[str, ...]


@dataclass(frozen=True)
class SeekerFacts:
    """What matching reads of a candidate."""

    id: str
    functions: tuple[str, ...]
    cities: tuple[Commune, ...]
    radius_km: int
    remote_ok: bool
    available_from: date
    contracts: tuple[str, ...]
    languages: tuple[str, ...]
    shifts: tuple[str, ...]
    work_study: bool


@dataclass(frozen=True)
class Match:
    offer_id: str
    seeker_id: str
    score: int
    distance_km: float | None   # None for a remote offer taken remotely
    nearest_city: str | None
    reasons: tuple[str, ...]    # stable codes, rendered by the page


def match(offer: OfferFacts, seeker: SeekerFacts) -> Match | None:
    """The match of one offer and one candidate, or ``None`` when a required condition fails."""
    if offer.function not in seeker.functions or offer.contract not in seeker.contracts:
        return None
    if any(shift not in seeker.shifts for shift in offer.shifts):
        return None
    late = (seeker.available_from - offer.start_on).days
    if late > AVAILABILITY_SLACK_DAYS:
        return None
    distance: float | None = None
    nearest: Commune | None = None
    if not (offer.work_mode == "remote" and seeker.remote_ok):
        if not seeker.cities:
            return None
        nearest = min(seeker.cities, key=lambda c: distance_km(c, offer.commune))
        distance = distance_km(nearest, offer.commune)
        if distance > seeker.radius_km:
            return None
    reasons = ["same_function"]
    near = 40.0 if distance is None or seeker.radius_km == 0 else 40.0 * (1 - distance / seeker.radius_km)
    reasons.append("remote" if distance is None else "within_radius")
    ready = 25.0 if late <= 0 else 25.0 * (1 - late / AVAILABILITY_SLACK_DAYS)
    reasons.append("available_at_start" if late <= 0 else "available_soon_after_start")
    spoken = [lang for lang in offer.languages if lang in seeker.languages]
    speaks = 20.0 * len(spoken) / len(offer.languages) if offer.languages else 20.0
    if len(spoken) == len(offer.languages):
        reasons.append("speaks_all_languages")
    elif spoken:
        reasons.append("speaks_some_languages")
    wish = 15.0 if (offer.contract in WORK_STUDY) == seeker.work_study else 0.0
    if wish and seeker.work_study:
        reasons.append("work_study_wish")
    return Match(offer.id, seeker.id, round(near + ready + speaks + wish), distance,
                 nearest.name if nearest else None, tuple(reasons))


def _order(m: Match, start: date) -> tuple[int, float, date, str]:
    return (-m.score, m.distance_km if m.distance_km is not None else 0.0, start, m.offer_id + m.seeker_id)


def offers_for(seeker: SeekerFacts, offers: list[OfferFacts]) -> list[Match]:
    """The offers that match a candidate, best first."""
    starts = {o.id: o.start_on for o in offers}
    found = [m for o in offers if (m := match(o, seeker)) is not None]
    return sorted(found, key=lambda m: _order(m, starts[m.offer_id]))


def seekers_for(offer: OfferFacts, seekers: list[SeekerFacts]) -> list[Match]:
    """The candidates that match an offer, best first (the caller passes only those who agreed to be found)."""
    found = [m for s in seekers if (m := match(offer, s)) is not None]
    return sorted(found, key=lambda m: _order(m, offer.start_on))
