"""Grouped horizontal bars (one group per city, one bar per series) as inline SVG with a title, a legend and a
``<title>`` on each bar; the page puts the same figures in a table beside it for readers who cannot see it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, LABEL_W, BAR_H, GAP, PAD_T, LEGEND_H = 760, 170, 11, 10, 30, 22
CLASSES = ("series-a", "series-b", "series-c", "series-d")


def grouped_bars(title: str, groups: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 chart_id: str) -> str:
    """``series``: (name, one value per group). Empty when there is nothing to draw."""
    if not groups or not series:
        return ""
    top = max([1, *(v for _, values in series for v in values)])
    group_h = BAR_H * len(series) + GAP
    height = PAD_T + LEGEND_H + group_h * len(groups) + 10
    scale = (WIDTH - LABEL_W - 50) / top
    parts = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{chart_id}-title" '
             f'class="bars" data-testid="{chart_id}">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    x = LABEL_W
    for k, (name, _) in enumerate(series):
        parts.append(f'<rect x="{x}" y="{PAD_T - 4}" width="10" height="10" class="{CLASSES[k % 4]}"/>'
                     f'<text x="{x + 14}" y="{PAD_T + 5}">{escape(name)}</text>')
        x += 16 + 7 * len(name) + 20
    for g, group in enumerate(groups):
        y0 = PAD_T + LEGEND_H + g * group_h
        parts.append(f'<text x="{LABEL_W - 6}" y="{y0 + group_h / 2:.1f}" text-anchor="end">{escape(group)}</text>')
        for k, (name, values) in enumerate(series):
            value = values[g]
            y = y0 + k * BAR_H
            parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{value * scale:.1f}" height="{BAR_H - 2}" '
                         f'class="{CLASSES[k % 4]}"><title>{escape(group)} — {escape(name)}: {value}</title></rect>'
                         f'<text x="{LABEL_W + value * scale + 4:.1f}" y="{y + BAR_H - 3}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
