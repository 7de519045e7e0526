"""Charts and the PDF of the charter follow-up barometer (the committee's report).

The page itself is rendered by the caller in the reader's language; this module draws the inline SVG
charts — the share of contracts passing, warning, failing per axis (stacked bars) and the pass share per
axis over the semesters (lines) — from published shares only (a withheld share is drawn as a hatched gap,
never estimated), and prints the page to PDF with WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

WIDTH, ROW, PAD_L, PAD_R, PAD_T = 760, 22, 215, 20, 8
COLOURS = {"pass": "#2e7d32", "warn": "#e0a100", "fail": "#b3261e", "not_enough_data": "#9aa3b0"}
SERIES = ("#16325c", "#b3261e", "#2e7d32", "#e0a100", "#6a1b9a", "#00838f", "#5d4037", "#ad1457", "#455a64")

__all__ = ["pdf_of", "stacked_shares", "trend_lines"]


def stacked_shares(axes: Sequence[tuple[str, str]], shares: Mapping[tuple[str, str], Decimal | None],
                   names: Mapping[str, str], title: str) -> str:
    """One bar per axis (``axes``: key and label), its verdicts' shares stacked from 0 to 100 %."""
    height = PAD_T * 2 + ROW * len(axes) + 24
    w = WIDTH - PAD_L - PAD_R
    out = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" data-chart="stacked">']
    for i, (axis, label) in enumerate(axes):
        y = PAD_T + i * ROW
        out.append(f'<text x="{PAD_L - 6}" y="{y + 14}" text-anchor="end">{escape(label[:38])}</text>')
        x = 0.0
        for verdict, colour in COLOURS.items():
            share = shares.get((axis, verdict))
            if share is None:
                continue
            width = float(share) * w
            out.append(f'<rect x="{PAD_L + x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                       f'fill="{colour}"><title>{escape(label)} — {escape(names[verdict])}: '
                       f'{float(share):.1%}</title></rect>')
            x += width
        if x < w - 0.5:
            out.append(f'<rect x="{PAD_L + x:.1f}" y="{y + 3}" width="{w - x:.1f}" height="{ROW - 6}" fill="none" '
                       f'stroke="#9aa3b0" stroke-dasharray="3 2"><title>{escape(label)}: (s)/(c)</title></rect>')
    legend_y = PAD_T + len(axes) * ROW + 14
    for k, (verdict, colour) in enumerate(COLOURS.items()):
        out.append(f'<rect x="{PAD_L + k * 130}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{PAD_L + k * 130 + 14}" y="{legend_y}">{escape(names[verdict])}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_lines(semesters: Sequence[str], series: Mapping[str, Sequence[Decimal | None]], title: str) -> str:
    """The pass share of each axis (one line each) over the semesters; a withheld share breaks the line."""
    height, h, left = 240, 180, 60
    w = WIDTH - left - 180
    step = w / max(1, len(semesters) - 1)
    out = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" data-chart="trend">',
           f'<g transform="translate({left},10)">',
           f'<line x1="0" x2="{w}" y1="{h}" y2="{h}" class="axis"/>']
    for k in range(5):
        out.append(f'<text x="-6" y="{h - h * k / 4 + 4:.1f}" text-anchor="end">{k * 25}%</text>')
    for i, s in enumerate(semesters):
        out.append(f'<text x="{i * step:.1f}" y="{h + 16}" text-anchor="middle">{escape(s)}</text>')
    for n, (label, values) in enumerate(series.items()):
        colour = SERIES[n % len(SERIES)]
        points = [(i * step, h - float(v) * h) for i, v in enumerate(values) if v is not None]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((i * step, h - float(v) * h))
        for run in runs:
            if len(run) > 1:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="'
                           + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>')
        for x, y in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(label)}</title>'
                       "</circle>")
        out.append(f'<text x="{w + 4}" y="{12 + n * 12}" fill="{colour}" font-size="9">{escape(label[:24])}</text>')
    out.append("</g></svg>")
    return "".join(out)


def pdf_of(html: str) -> bytes:
    """The committee's report as PDF (WeasyPrint)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
