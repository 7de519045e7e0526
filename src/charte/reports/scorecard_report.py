"""The charter scorecard's HTML page, in one language (French by default, or English): each axis with its verdict
and findings, small charts.

Charts (inline SVG, :mod:`charte.reports.charts`): the months' actual volume against the reference
forecast and its band (axis 1), each measured commitment's result against its target (axis 2), and
the cost floor's components against the price per productive hour (axis 4). The page renders the
scorecard's figures; it computes nothing but the drawing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.charter import Scorecard
from charte.charter.findings import AXES
from charte.domain.formats import day, money
from charte.domain.messages import N_, gettext
from charte.reports.charts import bars_with_band, line_with_target

FLOOR_WORDS = {"agent": "salaire chargé", "supervision": "encadrement", "overheads": "frais de structure",
               "margin": "marge", "floor": "plancher / h prod.", "title": "plancher de coût",
               "per_hour": "€ / h"}


def forecast_chart(card: Scorecard, contract_band: tuple[float, float] | None, horizon: str | None, *,
                   lang: str = "fr", title: str | None = None, words: Mapping[str, str] | None = None) -> str:
    """The months' actual volume against the reference forecast and its band (axis 1)."""
    if contract_band is None or horizon is None:
        return ""
    labels, actual, forecast = [], [], []
    for month in card.history:
        rows = [a for a in month.accuracy if a.horizon == horizon]
        if rows:
            labels.append(month.period)
            actual.append(float(sum(a.actual_volume for a in rows)))
            forecast.append(float(sum((a.forecast_volume for a in rows), Decimal(0))))
    return bars_with_band(labels, actual, forecast, contract_band[0], contract_band[1],
                          title or f"Volume réel et prévision {horizon} par mois", lang=lang,
                          words=words) if labels else ""


def service_charts(card: Scorecard, *, lang: str = "fr", title: str = "{commitment} par mois",
                   words: Mapping[str, str] | None = None) -> list[str]:
    """Each measured commitment's monthly result against its target (axis 2)."""
    charts = []
    commitments = sorted({(r.commitment, r.metric) for m in card.history for r in m.results if r.result is not None})
    for commitment, metric in commitments:
        if metric == "asa":
            continue
        rows = {m.period: next((r for r in m.results if r.commitment == commitment), None) for m in card.history}
        values = [float(r.result) if r is not None and r.result is not None else None for r in rows.values()]
        target = next(float(r.target) for r in rows.values() if r is not None)
        charts.append(line_with_target(list(rows), values, target, title.format(commitment=commitment), lang=lang,
                                       words=words))
    return charts


def floor_prices(card: Scorecard) -> list[tuple[str, float]]:
    """(activity, price per productive hour) of each activity the floor check of axis 4 priced."""
    return [(f.item.removeprefix("price_floor[").removesuffix("]"), float(f.figures["price_per_productive_hour"]))
            for f in card.of_axis("4") if "price_per_productive_hour" in f.figures]


def floor_chart(card: Scorecard, prices: list[tuple[str, float]], *, lang: str = "fr",
                words: Mapping[str, str] | None = None) -> str:
    """The cost floor's components stacked, and each activity's price per productive hour against it (axis 4)."""
    w_ = {**FLOOR_WORDS, **(words or {})}
    floor = card.floor
    if floor is None:
        return ""
    agent, supervision = float(floor.agent_cost), float(floor.supervision)
    overheads = float(floor.cost_floor) - agent - supervision
    margin = float(floor.responsible_price) - float(floor.cost_floor)
    top = max([float(floor.responsible_price), *(p for _, p in prices)]) * 1.1
    width, height, left = 760, 90 + 26 * len(prices), 150

    def x(v: float) -> float:
        return left + v / top * (width - left - 20)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(w_["title"])}">'
             f'<title>{escape(w_["title"])}</title>']
    start = 0.0
    for key, value, color in (("agent", agent, "#8fb3e8"), ("supervision", supervision, "#b2ccff"),
                              ("overheads", overheads, "#d0d5dd"), ("margin", margin, "#d1fadf")):
        parts.append(f'<rect x="{x(start):.1f}" y="20" width="{x(start + value) - x(start):.1f}" height="28" '
                     f'fill="{color}"><title>{escape(w_[key])} : {money(Decimal(str(round(value, 2))), lang)}</title>'
                     f'</rect>')
        if x(start + value) - x(start) > 8 * len(w_[key]):
            parts.append(f'<text x="{x(start) + 4:.1f}" y="38" class="label">{escape(w_[key])}</text>')
        start += value
    parts.append(f'<text x="4" y="39" class="label">{escape(w_["floor"])}</text>')
    parts.append(f'<line x1="{x(float(floor.cost_floor)):.1f}" x2="{x(float(floor.cost_floor)):.1f}" y1="12" '
                 f'y2="{height - 8}" class="target"/>')
    for i, (activity, price) in enumerate(prices):
        y = 64 + 26 * i
        cls = "bar out" if price < float(floor.cost_floor) else "bar"
        parts.append(f'<text x="4" y="{y + 14}" class="label">{escape(activity)}</text>'
                     f'<rect x="{left}" y="{y}" width="{x(price) - left:.1f}" height="18" class="{cls}">'
                     f'<title>{escape(activity)} : {money(Decimal(str(round(price, 2))), lang)} / h</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


#: Each verdict in words (the same messages as the web's scorecard).
VERDICTS = {"pass": N_("pass"), "warn": N_("warn"), "fail": N_("fail"), "not_enough_data": N_("not enough data")}


def render_scorecard_report(card: Scorecard, path: Path, *, band: tuple[float, float] | None = None,
                            horizon: str | None = None, lang: str = "fr") -> Path:
    """Write the scorecard page in ``lang`` to ``path`` and return it (``band``/``horizon``: the contract's, for
    the chart)."""
    env = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape())
    _ = gettext(lang)
    code: Literal["fr", "en"] = "en" if lang == "en" else "fr"
    axes: list[dict[str, Any]] = []
    for axis, (fr, en) in AXES.items():
        verdict = card.verdict(axis)
        axes.append({"axis": axis, "name": fr if code == "fr" else en, "verdict": verdict,
                     "title": _("Axis %s") % axis if axis != "2010" else _("2010 charter"),
                     "words": _(VERDICTS[verdict]),
                     "findings": [{"item": f.item, "verdict": f.verdict, "words": _(VERDICTS[f.verdict]),
                                   "reason": f.reason(code), "reference": f.reference} for f in card.of_axis(axis)]})
    chart_words = {"actual": _("actual volume"), "forecast": _("reference forecast"), "band": _("tolerance band"),
                   "out": _("out of the band")}
    html = env.get_template("scorecard.html").render(
        _=_, lang=code, card=card, today=day(card.today, code), axes=axes,
        floor=card.floor.as_dict() if card.floor else None,
        forecast_chart=forecast_chart(card, band, horizon, lang=code, words=chart_words,
                                      title=_("Actual volume and the %s forecast, per month") % (horizon or "")),
        service_charts=service_charts(card, lang=code, title=_("%s per month") % "{commitment}",
                                      words={"value": _("result"), "target": _("target"),
                                             "miss": _("under the target")}),
        floor_chart=floor_chart(card, floor_prices(card), lang=code, words={
            "agent": _("loaded wage"), "supervision": _("supervision"), "overheads": _("overheads"),
            "margin": _("margin"), "floor": _("floor per productive hour"),
            "title": _("Price per productive hour against the responsible floor and its components"),
            "per_hour": _("€ per hour")}),
    )
    path.write_text(html, encoding="utf-8")
    return path
