"""Small inline SVG charts, so a page or a report is one file that opens offline (no script, no CDN).

Each chart carries its title (``<title>``, announced by screen readers), a legend naming each mark, axes whose
labels never run together (at most one label per 44 pixels) and figures written for the reader's language
(:mod:`charte.domain.formats`). :func:`data_table` gives the same figures as a table, for those who cannot see the
chart and for those who want the numbers. Text defaults to French; callers pass ``words`` in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from itertools import count

from charte.domain import formats

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 760, 240, 56, 12, 34, 34
MIN_LABEL_PX = 44
_ids = count(1)

BAND_WORDS = {"actual": "volume réel", "forecast": "prévision", "band": "tolérance", "out": "hors tolérance"}
TARGET_WORDS = {"value": "résultat", "target": "objectif", "miss": "sous l'objectif"}


def _scale(lo: float, hi: float, size: float, flip: bool = False) -> Callable[[float], float]:
    span = (hi - lo) or 1.0

    def f(v: float) -> float:
        x = (v - lo) / span * size
        return size - x if flip else x

    return f


def _open(title: str) -> list[str]:
    ident = f"chart-{next(_ids)}"
    return [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}" class="chart">'
            f'<title id="{ident}">{escape(title)}</title>']


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    """Swatches and names along the top of the chart: (css class of the mark, name)."""
    parts, x = ['<g class="legend" transform="translate(56,8)">'], 0.0
    for css, name in entries:
        if css in ("forecast", "target"):
            parts.append(f'<line x1="{x:.0f}" x2="{x + 18:.0f}" y1="7" y2="7" class="{css}"/>')
        else:
            parts.append(f'<rect x="{x:.0f}" y="1" width="18" height="12" class="{css}"/>')
        parts.append(f'<text x="{x + 23:.0f}" y="11">{escape(name)}</text>')
        x += 23 + 6.5 * len(name) + 18
    parts.append("</g>")
    return "".join(parts)


def bars_with_band(labels: Sequence[str], actual: Sequence[float], forecast: Sequence[float], under: float,
                   over: float, title: str, *, lang: str = "fr", words: Mapping[str, str] | None = None) -> str:
    """Bars of actual volume, the forecast as a line and its tolerance band shaded (bars out of it coloured)."""
    n = len(labels)
    if n == 0:
        return ""
    w_ = {**BAND_WORDS, **(words or {})}
    top = max([*actual, *(f * (1 + over) for f in forecast), 1.0]) * 1.05
    w = WIDTH - PAD_L - PAD_R
    h = HEIGHT - PAD_T - PAD_B
    y = _scale(0, top, h, flip=True)
    step = w / n
    parts = _open(title)
    parts.append(_legend([("bar", w_["actual"]), ("bar out", w_["out"]), ("forecast", w_["forecast"]),
                          ("band", w_["band"])]))
    parts.append(f'<g transform="translate({PAD_L},{PAD_T})">')
    band_top = [(i * step + step / 2, y(f * (1 + over))) for i, f in enumerate(forecast)]
    band_bot = [(i * step + step / 2, y(f * (1 - under))) for i, f in enumerate(forecast)]
    poly = " ".join(f"{x:.1f},{v:.1f}" for x, v in band_top + band_bot[::-1])
    parts.append(f'<polygon points="{poly}" class="band"/>')
    for i, (label, value, fc) in enumerate(zip(labels, actual, forecast, strict=True)):
        x = i * step + step * 0.15
        cls = "bar out" if fc and not (fc * (1 - under) <= value <= fc * (1 + over)) else "bar"
        parts.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h - y(value):.1f}" class="{cls}"><title>{escape(label)} : '
                     f'{formats.number(value, 0, lang)} ({escape(w_["forecast"])} {formats.number(fc, 0, lang)})'
                     f'</title></rect>')
    line = " ".join(f"{i * step + step / 2:.1f},{y(f):.1f}" for i, f in enumerate(forecast))
    parts.append(f'<polyline points="{line}" class="forecast"/>')
    parts.extend(_axes(labels, step, h, top, y, lang))
    parts.append("</g></svg>")
    return "".join(parts)


def line_with_target(labels: Sequence[str], values: Sequence[float | None], target: float, title: str, *,
                     lang: str = "fr", words: Mapping[str, str] | None = None) -> str:
    """A series of ratios (0–1) against its target line (points under the target coloured)."""
    n = len(labels)
    if n == 0:
        return ""
    w_ = {**TARGET_WORDS, **(words or {})}
    w = WIDTH - PAD_L - PAD_R
    h = HEIGHT - PAD_T - PAD_B
    y = _scale(0, 1.0, h, flip=True)
    step = w / n
    parts = _open(title)
    parts.append(_legend([("dot", w_["value"]), ("dot miss", w_["miss"]),
                          ("target", f"{w_['target']} {formats.percent(target, 0, lang)}")]))
    parts.append(f'<g transform="translate({PAD_L},{PAD_T})">'
                 f'<line x1="0" x2="{w}" y1="{y(target):.1f}" y2="{y(target):.1f}" class="target"/>')
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        if v is None:
            continue
        cls = "dot miss" if v < target else "dot"
        parts.append(f'<circle cx="{i * step + step / 2:.1f}" cy="{y(v):.1f}" r="4" class="{cls}">'
                     f"<title>{escape(label)} : {formats.percent(v, 1, lang)}</title></circle>")
    parts.extend(_axes(labels, step, h, 1.0, y, lang, percent=True))
    parts.append("</g></svg>")
    return "".join(parts)


def data_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], summary: str) -> str:
    """The chart's figures as a table inside a disclosure (``summary`` is its label), escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="num">{escape(c)}</td>' if i else f"<th>{escape(c)}</th>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f'<details class="chart-data"><summary>{escape(summary)}</summary><table><caption>{escape(caption)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>")


def _axes(labels: Sequence[str], step: float, h: float, top: float, y: Callable[[float], float], lang: str,
          percent: bool = False) -> list[str]:
    out = [f'<line x1="0" x2="{step * len(labels):.1f}" y1="{h}" y2="{h}" class="axis"/>']
    every = max(1, -(-MIN_LABEL_PX // max(int(step), 1)))
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(f'<text x="{i * step + step / 2:.1f}" y="{h + 16}" class="tick">{escape(label)}</text>')
    for k in range(5):
        v = top * k / 4
        text = formats.percent(v, 0, lang) if percent else formats.number(v, 0, lang)
        out.append(f'<line x1="0" x2="{step * len(labels):.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                   f'<text x="-6" y="{y(v) + 4:.1f}" class="ytick">{text}</text>')
    return out


def waterfall(steps: Sequence[tuple[str, float]], total_label: str, title: str, *, lang: str = "fr",
              words: Mapping[str, str] | None = None) -> str:
    """From the base amount to the total: each step a floating bar (up green, down red), the total a full bar.

    ``steps`` are (label, amount) in the order the settlement applies them (the base first)."""
    if not steps:
        return ""
    w_ = {"up": "hausse", "down": "baisse", "total": total_label, **(words or {})}
    running, tops = 0.0, []
    for _, amount in steps:
        tops.append((running, running + amount))
        running += amount
    bars = [*tops, (0.0, running)]
    labels = [label for label, _ in steps] + [total_label]
    top = max(max(a, b) for a, b in bars) * 1.08 or 1.0
    low = min(0.0, *(min(a, b) for a, b in bars))
    w = WIDTH - PAD_L - PAD_R
    h = HEIGHT - PAD_T - PAD_B
    y = _scale(low, top, h, flip=True)
    step = w / len(bars)
    parts = _open(title)
    parts.append(_legend([("bar", w_["total"]), ("bar up", w_["up"]), ("bar down", w_["down"])]))
    parts.append(f'<g transform="translate({PAD_L},{PAD_T})">')
    for i, ((a, b), label) in enumerate(zip(bars, labels, strict=True)):
        last = i == len(bars) - 1
        cls = "bar" if last or i == 0 else ("bar up" if b >= a else "bar down")
        amount = b - a if not last else b
        parts.append(f'<rect x="{i * step + step * 0.15:.1f}" y="{y(max(a, b)):.1f}" width="{step * 0.7:.1f}" '
                     f'height="{max(abs(y(a) - y(b)), 1):.1f}" class="{cls}"><title>{escape(label)} : '
                     f'{formats.money(f"{amount:.2f}", lang)}</title></rect>')
        if not last:
            parts.append(f'<line x1="{i * step + step * 0.85:.1f}" x2="{(i + 1) * step + step * 0.15:.1f}" '
                         f'y1="{y(b):.1f}" y2="{y(b):.1f}" class="axis"/>')
    out = [f'<line x1="0" x2="{w:.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="axis"/>']
    for i, label in enumerate(labels):
        short = label if len(label) * 6 < step else label[: max(int(step / 6) - 1, 3)] + "…"
        out.append(f'<text x="{i * step + step / 2:.1f}" y="{h + 16}" class="tick">{escape(short)}</text>')
    for k in range(5):
        v = low + (top - low) * k / 4
        out.append(f'<text x="-6" y="{y(v) + 4:.1f}" class="ytick">{formats.number(v, 0, lang)}</text>')
    parts.extend(out)
    parts.append("</g></svg>")
    return "".join(parts)


def hbars(rows: Sequence[tuple[str, float | None, str]], title: str, *, lang: str = "fr",
          words: Mapping[str, str] | None = None, decimals: int = 0, scale_max: float | None = None) -> str:
    """One horizontal bar per row; a withheld value (statistical secret) drawn as a hatched stub with its mark.

    ``rows`` are (label, value or None when withheld, mark such as ``(s)``); values are written with ``decimals``
    and the bars drawn against ``scale_max`` when given (a score out of 100), else against the largest value. The
    legend names the hatching only where a row is withheld."""
    if not rows:
        return ""
    w_ = {"value": "valeur publiée", "withheld": "secret statistique", **(words or {})}
    left, width, bar_h, gap = 190, WIDTH, 18, 6
    height = PAD_T + len(rows) * (bar_h + gap) + 20
    top = scale_max or max([v for _, v, _ in rows if v is not None] + [1.0]) * 1.1
    span = width - left - 70
    withheld = any(v is None for _, v, _ in rows)
    ident = f"chart-{next(_ids)}"
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}" class="chart">'
             f'<title id="{ident}">{escape(title)}</title>']
    if withheld:
        parts.append('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                     'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
                     '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/></pattern></defs>')
    parts.append(_legend([("bar", w_["value"]), *((("withheld", w_["withheld"]),) if withheld else ())]))
    for i, (label, value, mark) in enumerate(rows):
        y0 = PAD_T + i * (bar_h + gap)
        parts.append(f'<text x="{left - 8}" y="{y0 + 13}" class="ytick">{escape(label)}</text>')
        if value is None:
            parts.append(f'<rect x="{left}" y="{y0}" width="40" height="{bar_h}" class="withheld">'
                         f'<title>{escape(label)} : {escape(mark)}</title></rect>'
                         f'<text x="{left + 46}" y="{y0 + 13}" class="label">{escape(mark)}</text>')
            continue
        length = value / top * span
        parts.append(f'<rect x="{left}" y="{y0}" width="{max(length, 1):.1f}" height="{bar_h}" class="bar">'
                     f'<title>{escape(label)} : {formats.number(value, decimals, lang)}</title></rect>'
                     f'<text x="{left + length + 6:.1f}" y="{y0 + 13}" class="label">'
                     f'{formats.number(value, decimals, lang)}</text>')
    parts.append("</svg>")
    return "".join(parts)
