"""The map of France by region: a choropleth of the 13 metropolitan regions with the five overseas regions as
insets (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte), inline SVG like :mod:`charte.reports.charts` (no
script, no CDN: the page opens offline).

The outlines are vendored from the npm package ``@gouvfr/dsfr-chart`` 2.0.4 (MIT, DINUM; ``data/NOTICE.md``),
keyed by INSEE region code (Code officiel géographique), and drawn as the package projected them: metropolitan
France in one frame, each overseas region in its own inset at its own scale.

Each region is one ``<path>`` carrying a ``<title>`` (its name and figure, announced on hover and read by tools
that walk the SVG); the chart as a whole has its title and a legend naming each colour class, the hatching of a
cell withheld by statistical secret — whose title says ``(s)`` or ``(c)`` and never a value — and the regions
where nothing was declared. The page gives the same figures as a table (the chart is ``role="img"``: screen
readers read its title and then the table).

Colour classes split the published values above zero into at most four classes holding as many regions each as
possible (quantiles), so that the few large regions do not wash the others out; a published zero has its own
class.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from itertools import count

from charte.domain import formats

WIDTH, HEIGHT, METROPOLE = 760, 566, 560
COLUMN_X, SWATCH_ROW, INSET_W, INSET_H, GAP = 584, 18, 84, 74, 4
#: Sequential blues from the lowest class to the highest; a published zero; a region with nothing declared.
CLASS_FILLS = ("#c6d7ee", "#8fb0dc", "#4f7cc0", "#16325c")
ZERO_FILL, ABSENT_FILL, STROKE = "#eef2f8", "#ffffff", "#8a94a6"
WORDS = {"withheld": "secret statistique", "absent": "aucun site déclaré"}
_ids = count(1)


@dataclass(frozen=True)
class Region:
    """One region's outline: INSEE and ISO 3166-2 codes, name, the frame its path is drawn in, the path."""

    insee: str
    iso: str
    name: str
    frame: tuple[float, float, float, float]
    path: str

    @property
    def overseas(self) -> bool:
        return self.iso.startswith("FR-97")


@cache
def regions() -> tuple[Region, ...]:
    """The 18 regions of the vendored map, by INSEE code."""
    doc = json.loads(resources.files("charte.reports").joinpath("data", "france_regions.json")
                     .read_text(encoding="utf-8"))
    out = []
    for r in doc["regions"]:
        x, y, w, h = (float(v) for v in r["frame"].split())
        out.append(Region(r["insee"], r["iso"], r["name"], (x, y, w, h), r["path"]))
    return tuple(out)


def class_bounds(values: Sequence[float], classes: int = len(CLASS_FILLS)) -> list[float]:
    """Upper bounds of at most ``classes`` quantile classes of the positive ``values`` (the last is their maximum).

    Class ``i`` holds the values in (bound ``i-1``, bound ``i``]; fewer distinct values give fewer classes."""
    positive = sorted({v for v in values if v > 0})
    k = min(classes, len(positive))
    if k == 0:
        return []
    return [positive[-(-(i * len(positive)) // k) - 1] for i in range(1, k + 1)]


def class_fills(classes: int) -> tuple[str, ...]:
    """The colours of ``classes`` classes, spread over the scale so that the highest class is always the darkest."""
    last = len(CLASS_FILLS) - 1
    if classes <= 1:
        return CLASS_FILLS[last:] if classes else ()
    return tuple(CLASS_FILLS[round(i * last / (classes - 1))] for i in range(classes))


def _fill(value: float, bounds: Sequence[float]) -> str:
    if value <= 0:
        return ZERO_FILL
    fills = class_fills(len(bounds))
    return next(fills[i] for i, b in enumerate(bounds) if value <= b)


def region_map(cells: Mapping[str, tuple[float | None, str]], title: str, *, lang: str = "fr",
               words: Mapping[str, str] | None = None, decimals: int = 0) -> str:
    """The choropleth of ``cells`` — INSEE region code → (published value, or ``None`` when withheld; its mark,
    ``(s)`` or ``(c)``). A region not in ``cells`` is drawn as "nothing declared"; an unknown code is refused."""
    by_code = {r.insee: r for r in regions()}
    if unknown := sorted(set(cells) - set(by_code)):
        raise ValueError(f"not an INSEE region code of the map: {', '.join(unknown)}")
    w_ = {**WORDS, **(words or {})}
    bounds = class_bounds([v for v, _ in cells.values() if v is not None])
    ident = next(_ids)
    hatch = f"hatch-map-{ident}"

    def number(v: float) -> str:
        return formats.number(v, decimals, lang)

    def shape(region: Region) -> str:
        value, mark = cells.get(region.insee, (None, ""))
        if region.insee not in cells:
            fill, status, said = ABSENT_FILL, "absent", w_["absent"]
        elif value is None:
            fill, status, said = f"url(#{hatch})", "withheld", f"{mark} {w_['withheld']}"
        else:
            fill, status, said = _fill(value, bounds), "published", number(value)
        return (f'<path d="{region.path}" fill="{fill}" stroke="{STROKE}" stroke-width="1" '
                f'vector-effect="non-scaling-stroke" class="region" data-insee="{region.insee}" '
                f'data-status="{status}"><title>{escape(region.name)} : {escape(said)}</title></path>')

    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-map-{ident}" '
             f'class="chart region-map"><title id="chart-map-{ident}">{escape(title)}</title>',
             f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
             f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
             f'<line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2"/></pattern></defs>']
    scale = METROPOLE / 1010
    parts.append(f'<g class="metropole" transform="scale({scale:.5f})">')
    parts.extend(shape(r) for r in regions() if not r.overseas)
    parts.append("</g>")
    # the legend, top of the right-hand column: one swatch per class, then zero, withheld and nothing declared
    entries: list[tuple[str, str]] = []
    low = min((v for v, _ in cells.values() if v is not None and v > 0), default=0.0)
    for fill, upper, i in zip(class_fills(len(bounds)), bounds, count(), strict=False):
        lower = low if i == 0 else bounds[i - 1] + (1 if decimals == 0 else 10 ** -decimals)
        entries.append((fill, number(upper) if lower >= upper else f"{number(lower)} – {number(upper)}"))
    if any(v is not None and v <= 0 for v, _ in cells.values()):
        entries.append((ZERO_FILL, number(0)))
    entries.append((f"url(#{hatch})", f"(s) (c) {w_['withheld']}"))
    entries.append((ABSENT_FILL, w_["absent"]))
    parts.append(f'<g class="legend" transform="translate({COLUMN_X},4)">')
    for i, (fill, name) in enumerate(entries):
        y = i * SWATCH_ROW
        parts.append(f'<rect x="0" y="{y}" width="16" height="12" fill="{fill}" stroke="{STROKE}"/>'
                     f'<text x="22" y="{y + 10}">{escape(name)}</text>')
    parts.append("</g>")
    # the overseas insets, two per row under the legend, each at its own scale in a frame with its name
    top = 4 + len(entries) * SWATCH_ROW + 12
    for i, region in enumerate(r for r in regions() if r.overseas):
        x, y = COLUMN_X + (i % 2) * (INSET_W + GAP), top + (i // 2) * (INSET_H + GAP)
        _, _, fw, fh = region.frame
        k = min((INSET_W - 8) / fw, (INSET_H - 22) / fh)
        dx, dy = (INSET_W - fw * k) / 2, 16 + (INSET_H - 18 - fh * k) / 2
        parts.append(f'<g class="inset" transform="translate({x},{y})">'
                     f'<rect width="{INSET_W}" height="{INSET_H}" fill="none" stroke="#d0d5dd"/>'
                     f'<text x="4" y="12" class="label">{escape(region.name)}</text>'
                     f'<g transform="translate({dx:.1f},{dy:.1f}) scale({k:.4f})">{shape(region)}</g></g>')
    parts.append("</svg>")
    return "".join(parts)
