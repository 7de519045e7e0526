"""Small inline SVG charts, so a report is one file that opens offline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 760, 220, 48, 12, 14, 34


def _scale(lo: float, hi: float, size: float, flip: bool = False) -> Callable[[float], float]:
    span = (hi - lo) or 1.0

    def f(v: float) -> float:
        x = (v - lo) / span * size
        return size - x if flip else x

    return f


def bars_with_band(
    labels: Sequence[str],
    actual: Sequence[float],
    forecast: Sequence[float],
    under: float,
    over: float,
    title: str,
) -> str:
    """Bars of actual volume, the forecast as a line and its tolerance band shaded."""
    n = len(labels)
    if n == 0:
        return ""
    top = max([*actual, *(f * (1 + over) for f in forecast), 1.0]) * 1.05
    w = WIDTH - PAD_L - PAD_R
    h = HEIGHT - PAD_T - PAD_B
    y = _scale(0, top, h, flip=True)
    step = w / n
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<g transform="translate({PAD_L},{PAD_T})">']
    band_top = [(i * step + step / 2, y(f * (1 + over))) for i, f in enumerate(forecast)]
    band_bot = [(i * step + step / 2, y(f * (1 - under))) for i, f in enumerate(forecast)]
    poly = " ".join(f"{x:.1f},{v:.1f}" for x, v in band_top + band_bot[::-1])
    parts.append(f'<polygon points="{poly}" class="band"/>')
    for i, (label, value, fc) in enumerate(zip(labels, actual, forecast, strict=True)):
        x = i * step + step * 0.15
        cls = "bar out" if fc and not (fc * (1 - under) <= value <= fc * (1 + over)) else "bar"
        parts.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h - y(value):.1f}" class="{cls}"><title>{escape(label)}: {value:,.0f} '
                     f'(forecast {fc:,.0f})</title></rect>')
    line = " ".join(f"{i * step + step / 2:.1f},{y(f):.1f}" for i, f in enumerate(forecast))
    parts.append(f'<polyline points="{line}" class="forecast"/>')
    parts.extend(_axes(labels, step, h, top, y))
    parts.append("</g></svg>")
    return "".join(parts)


def line_with_target(labels: Sequence[str], values: Sequence[float | None], target: float, title: str) -> str:
    """A series of ratios (0–1) against its target line."""
    n = len(labels)
    if n == 0:
        return ""
    w = WIDTH - PAD_L - PAD_R
    h = HEIGHT - PAD_T - PAD_B
    y = _scale(0, 1.0, h, flip=True)
    step = w / n
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<g transform="translate({PAD_L},{PAD_T})">',
             f'<line x1="0" x2="{w}" y1="{y(target):.1f}" y2="{y(target):.1f}" class="target"/>']
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        if v is None:
            continue
        cls = "dot miss" if v < target else "dot"
        parts.append(f'<circle cx="{i * step + step / 2:.1f}" cy="{y(v):.1f}" r="4" class="{cls}">'
                     f"<title>{escape(label)}: {v:.1%}</title></circle>")
    parts.extend(_axes(labels, step, h, 1.0, y, percent=True))
    parts.append("</g></svg>")
    return "".join(parts)


def _axes(
    labels: Sequence[str], step: float, h: float, top: float, y: Callable[[float], float], percent: bool = False
) -> list[str]:
    out = [f'<line x1="0" x2="{step * len(labels):.1f}" y1="{h}" y2="{h}" class="axis"/>']
    every = max(1, len(labels) // 16)
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{i * step + step / 2:.1f}" y="{h + 14}" class="tick">{escape(label)}</text>')
    for k in range(5):
        v = top * k / 4
        text = f"{v:.0%}" if percent else f"{v:,.0f}".replace(",", "\u202f")
        out.append(f'<text x="-6" y="{y(v) + 4:.1f}" class="ytick">{text}</text>')
    return out
