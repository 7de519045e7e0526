"""The charter scorecard page: one card per axis with its verdict, the findings as sentences in the reader's
language, the evidence charts where they help (forecast accuracy over the months, each commitment against its
target, the price against the responsible floor and its components), and the codes and references of each finding
in a "details / references" disclosure. The page judges nothing: :func:`charte.charter.scorecard` does."""

from __future__ import annotations

from typing import Any

from charte.charter.findings import AXES
from charte.reports.scorecard_report import floor_chart, floor_prices, forecast_chart, service_charts
from charte.web.i18n import N_, Language
from charte.web.workflows import ScorecardView

VERDICTS = {"pass": N_("pass"), "warn": N_("warn"), "fail": N_("fail"), "not_enough_data": N_("not enough data")}
#: The floor's steps, in the order of the computation (charte.charter.price_floor).
FLOOR_STEPS = (("wage", N_("Hourly wage retained (the highest of the wage, the SMIC and the classification minimum)"),
                4), ("loaded_hour", N_("Loaded hour (wage with the employer's contributions)"), 4),
               ("paid_per_productive_hour", N_("Paid hours per productive hour (absence and training)"), 4),
               ("agent_cost", N_("Agent cost per productive hour"), 4),
               ("supervision", N_("Supervision per productive hour"), 4),
               ("cost_floor", N_("Cost floor per productive hour (with overheads)"), 4),
               ("responsible_price", N_("Responsible price per productive hour (with margin)"), 4))


def scorecard_context(view: ScorecardView, lang: Language) -> dict[str, Any]:
    _ = lang.gettext
    card = view.card
    axes = []
    for axis, (fr, en) in AXES.items():
        verdict = card.verdict(axis)
        axes.append({
            "axis": axis, "name": fr if lang.code == "fr" else en, "verdict": verdict,
            "verdict_name": _(VERDICTS[verdict]),
            "title": _("Axis %s") % axis if axis != "2010" else _("2010 charter"),
            "findings": [{"item": f.item, "verdict": f.verdict, "verdict_name": _(VERDICTS[f.verdict]),
                          "reason": f.reason(lang.code if lang.code in ("fr", "en") else "fr"),  # type: ignore[arg-type]
                          "reference": f.reference} for f in card.of_axis(axis)]})
    charts: dict[str, list[str]] = {"1": [], "2": [], "4": []}
    band_words = {"actual": _("actual volume"), "forecast": _("reference forecast"), "band": _("tolerance band"),
                  "out": _("out of the band")}
    chart = forecast_chart(card, view.band, view.horizon, lang=lang.code, words=band_words,
                           title=_("Actual volume and the %s forecast, per month") % (view.horizon or ""))
    if chart:
        charts["1"].append(chart)
    charts["2"] = service_charts(card, lang=lang.code, title=_("%s per month") % "{commitment}",
                                 words={"value": _("result"), "target": _("target"), "miss": _("under the target")})
    prices = floor_prices(card)
    if card.floor is not None:
        charts["4"].append(floor_chart(card, prices, lang=lang.code, words={
            "agent": _("loaded wage"), "supervision": _("supervision"), "overheads": _("overheads"),
            "margin": _("margin"), "floor": _("floor per productive hour"),
            "title": _("Price per productive hour against the responsible floor and its components"),
            "per_hour": _("€ per hour")}))
    floor = None
    if card.floor is not None:
        floor = [(_(label), lang.money(getattr(card.floor, key)) if key != "paid_per_productive_hour"
                  else lang.number(getattr(card.floor, key), places)) for key, label, places in FLOOR_STEPS]
    return {"card": card, "axes": axes, "charts": charts, "floor": floor, "floor_on": card.floor.on if card.floor
            else None, "prices": [(name, lang.money(f"{price:.2f}")) for name, price in prices],
            "parameters": card.floor.parameters if card.floor else ()}
