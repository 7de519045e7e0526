"""A waterfall chart as inline SVG: from the invoiced amount, each line's difference, to the proposed amount.

The differences of a what-if are small beside a month's invoice (a 1,079 € malus on 142,409 €),
so the value axis starts near the smallest running total, not at zero — the chart says so in
its description and under the axis. The figures are the what-if's own (never recomputed); the
page shows the same numbers in a table beside the chart, for anyone who cannot read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 760, 300, 86, 12, 40, 70
COLOURS = {"total": "#4a5a7a", "up": "#2e7d4f", "down": "#b3261e"}


def waterfall(title: str, start: tuple[str, Decimal], steps: Sequence[tuple[str, Decimal]], end: tuple[str, Decimal],
              money: Callable[[Decimal], str], legend: tuple[str, str, str], axis_note: str) -> str:
    """SVG of ``start`` → each step (a signed difference) → ``end``; ``legend``: (totals, increase, decrease)."""
    running = [start[1]]
    for _, delta in steps:
        running.append(running[-1] + delta)
    values = [*running, end[1]]
    hi, lo = max(values), min(values)
    span = max(hi - lo, abs(hi) * Decimal("0.002"), Decimal(1))
    floor, top = lo - span * Decimal("0.6"), hi + span * Decimal("0.25")
    w, h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    bars = [(start[0], floor, start[1], "total")]
    bars += [(label, running[i], running[i + 1], "up" if delta > 0 else "down")
             for i, (label, delta) in enumerate(steps)]
    bars.append((end[0], floor, end[1], "total"))
    step = w / len(bars)

    def y(value: Decimal) -> float:
        return float((top - value) / (top - floor)) * h

    uid = "wf" + hashlib.sha256(f"{title}{start}{steps}{end}".encode()).hexdigest()[:10]
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{uid}-t {uid}-d" '
             f'class="waterfall" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{uid}-t">{escape(title)}</title>',
             f'<desc id="{uid}-d">{escape(_description(start, steps, end, money, axis_note))}</desc>',
             f'<text x="{PAD_L}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<g transform="translate({PAD_L},{PAD_T})" font-size="11">']
    for i, (label, a, b, kind) in enumerate(bars):
        x = i * step + step * 0.18
        top_y, bottom_y = min(y(a), y(b)), max(y(a), y(b))
        value = b if kind == "total" else b - a
        parts.append(f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{step * 0.64:.1f}" '
                     f'height="{max(bottom_y - top_y, 1.5):.1f}" fill="{COLOURS[kind]}">'
                     f"<title>{escape(label)} : {escape(money(value))}</title></rect>")
        sign = "+" if kind == "up" else ""
        parts.append(f'<text x="{i * step + step / 2:.1f}" y="{top_y - 4:.1f}" text-anchor="middle">'
                     f"{escape(sign + money(value))}</text>")
        parts.append(f'<text x="{i * step + step / 2:.1f}" y="{h + 16}" text-anchor="middle">'
                     f"{escape(_short(label))}<title>{escape(label)}</title></text>")
        if i > 0:
            previous = bars[i - 1][2]
            parts.append(f'<line x1="{(i - 1) * step + step * 0.82:.1f}" x2="{x:.1f}" y1="{y(previous):.1f}" '
                         f'y2="{y(previous):.1f}" stroke="#888" stroke-dasharray="3 2"/>')
    parts.append(f'<line x1="0" x2="{w}" y1="{h}" y2="{h}" stroke="#333"/>')
    for tick in (floor, (floor + top) / 2, top):
        parts.append(f'<text x="-6" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(money(tick))}</text>')
    parts.append(f'<text x="0" y="{h + 34}" font-style="italic">{escape(axis_note)}</text>')
    for i, (name, kind) in enumerate(zip(legend, ("total", "up", "down"), strict=True)):
        parts.append(f'<rect x="{i * 200}" y="{h + 44}" width="12" height="12" fill="{COLOURS[kind]}"/>'
                     f'<text x="{i * 200 + 18}" y="{h + 54}">{escape(name)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def _short(label: str, size: int = 22) -> str:
    return label if len(label) <= size else label[:size - 1] + "…"


def _description(start: tuple[str, Decimal], steps: Sequence[tuple[str, Decimal]], end: tuple[str, Decimal],
                 money: Callable[[Decimal], str], axis_note: str) -> str:
    moves = "; ".join(f"{label} {'+' if delta > 0 else ''}{money(delta)}" for label, delta in steps)
    return f"{start[0]} {money(start[1])}; {moves}; {end[0]} {money(end[1])}. {axis_note}"


__all__ = ["waterfall"]
