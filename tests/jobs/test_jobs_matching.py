"""Matching offers and candidates, scores worked by hand from the rule in charte.jobs.matching."""

from __future__ import annotations

from datetime import date

from charte.jobs.communes import communes, distance_km
from charte.jobs.matching import OfferFacts, SeekerFacts, match, offers_for, seekers_for

PLACES = communes()
LYON, VILLEURBANNE, PARIS = PLACES.get("69123"), PLACES.get("69266"), PLACES.get("75056")
assert LYON and VILLEURBANNE and PARIS


def offer(key: str = "o1", **kw: object) -> OfferFacts:
    base: dict[str, object] = {"id": key, "function": "service", "commune": LYON, "work_mode": "on_site",
                               "contract": "apprenticeship", "start_on": date(2026, 9, 1), "languages": ("fr",),
                               "shifts": ("weekdays",)}
    return OfferFacts(**{**base, **kw})  # type: ignore[arg-type]


def seeker(key: str = "s1", **kw: object) -> SeekerFacts:
    base: dict[str, object] = {"id": key, "functions": ("service",), "cities": (VILLEURBANNE,), "radius_km": 20,
                               "remote_ok": False, "available_from": date(2026, 9, 1),
                               "contracts": ("apprenticeship", "cdi"), "languages": ("fr", "en"),
                               "shifts": ("weekdays", "evenings"), "work_study": True}
    return SeekerFacts(**{**base, **kw})  # type: ignore[arg-type]


def test_a_work_study_seeker_in_villeurbanne_and_an_offer_in_lyon() -> None:
    found = match(offer(), seeker())
    assert found is not None
    d = distance_km(VILLEURBANNE, LYON)  # type: ignore[arg-type]
    # nearness 40 × (1 − d/20) + available at the start 25 + speaks French 20 + work-study wish 15
    assert found.score == round(40 * (1 - d / 20) + 25 + 20 + 15)
    assert found.nearest_city == "Villeurbanne"
    assert found.reasons == ("same_function", "within_radius", "available_at_start", "speaks_all_languages",
                             "work_study_wish")


def test_each_required_condition_excludes() -> None:
    assert match(offer(function="support"), seeker()) is None
    assert match(offer(commune=PARIS), seeker()) is None                 # 390 km away, radius 20
    assert match(offer(contract="cdd"), seeker()) is None                # a contract not accepted
    assert match(offer(shifts=("weekdays", "sundays")), seeker()) is None  # Sundays not accepted
    assert match(offer(), seeker(available_from=date(2026, 10, 2))) is None  # 31 days after the start


def test_late_availability_and_missing_languages_lower_the_score() -> None:
    found = match(offer(languages=("fr", "es"), commune=VILLEURBANNE),
                  seeker(available_from=date(2026, 9, 16)))
    assert found is not None
    # distance 0 → 40; 15 days late of 30 → 25 × 0.5 = 12.5; speaks 1 of 2 → 10; wish 15: 77.5 → 78 (half to even: 78)
    assert found.score == round(40 + 12.5 + 10 + 15)
    assert "available_soon_after_start" in found.reasons and "speaks_some_languages" in found.reasons


def test_a_remote_offer_matches_a_remote_seeker_anywhere() -> None:
    found = match(offer(commune=PARIS, work_mode="remote"), seeker(remote_ok=True, cities=()))
    assert found is not None and found.distance_km is None and found.score == 100


def test_ranking_best_first_ties_by_distance() -> None:
    near, far = offer("near", commune=VILLEURBANNE), offer("far", commune=LYON)
    ranked = offers_for(seeker(), [far, near, offer("paris", commune=PARIS)])
    assert [m.offer_id for m in ranked] == ["near", "far"]
    people = seekers_for(offer(), [seeker("a", available_from=date(2026, 9, 20)), seeker("b"),
                                   seeker("c", functions=("commercial",))])
    assert [m.seeker_id for m in people] == ["b", "a"]
