"""Each invoice line's explanation as a sentence a contract manager would write, in French or English.

"4 164,00 heures productives × 34,20 € — prix de base, première révision le 1er janvier 2027 ; calcul :
14 990 400 ÷ 3 600 × 34,20 = 142 408,80 €". The sentences are catalog messages (English in the code, French in
``charte/web/locale/fr``, read through :mod:`charte.domain.messages`); numbers, amounts, percentages and dates
are formatted by Babel for the language (:mod:`charte.domain.formats`). Clause paths and evaluation modes are
not written here: the pages show them in a "details / references" disclosure.

Renderers never recompute: every number printed is a figure of the line's
:class:`~charte.settle.lines.Explanation` (or the line's own quantity and prices), printed **exactly** (no figure
is rounded for display except the amounts, which are cents). Each explanation ends with its calculation —
``calcul : 252 000 ÷ 3 600 × 30,00 = 2 100,00 €`` — whose operands are the line's figures: anyone can redo it by
hand, round half up to the cent, and find the line's amount (a test does so for every pricing model).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from charte.domain import formats
from charte.domain.messages import N_, gettext
from charte.domain.money import round_cents
from charte.settle.lines import InvoiceLine

Language = Literal["fr", "en"]
Words = Callable[[str], str]

#: The pricing unit's name, singular and plural (the line's ``unit`` code → its words).
UNIT_WORDS = {
    "h": (N_("productive hour"), N_("productive hours")),
    "contact": (N_("handled contact"), N_("handled contacts")),
    "min": (N_("billed minute"), N_("billed minutes")),
    "day": (N_("day"), N_("days")),
}
PERIOD_WORDS = {"month": (N_("month"), N_("months")), "week": (N_("week"), N_("weeks")),
                "day": (N_("day"), N_("days")), "interval": (N_("interval"), N_("intervals"))}
EVALUATION = {"band_neutralised": N_("with the periods out of the forecast band set aside"),
              "fair": N_("by fair evaluation")}
RULE = {"forecast_volume": N_("forecast volume"), "forecast_workload": N_("forecast workload (hours required)"),
        "staffed_hours_for_forecast": N_("hours staffed for the forecast")}
POINTS = {"pro_rata": N_("pro rata"), "full_points": N_("whole points only"),
          "started_points": N_("a started point counts")}
TRIGGER = {"offered": (N_("offered call"), N_("offered calls")), "handled": (N_("handled call"), N_("handled calls"))}
METRIC = {"service_level": N_("Service level"), "answer_rate": N_("Answer rate"),
          "asa": N_("Average speed of answer")}
MODELS = {"erlang_c": N_("Erlang C"), "erlang_a": N_("Erlang A"),
          "declared_staffing": N_("declared staffing, Erlang A")}
PATIENCE = {"contract": N_("contract's patience"), "measured": N_("measured patience"),
            "default": N_("default patience")}
CAPS = {"overall_malus": N_("Overall malus cap"), "overall_bonus": N_("Overall bonus cap"),
        "penalties": N_("Penalties cap (liability, axis 8)")}


def _word(message: str, lang: Language) -> str:
    """A message chosen at run time (marked with ``N_`` where it is written) in ``lang``."""
    return gettext(lang)(message)


def _plural(pair: tuple[str, str], count: Any, lang: Language) -> str:
    """French: singular below 2 (« 1,5 heure »); English: singular for exactly 1."""
    number = abs(Decimal(str(count)))
    one = number < 2 if lang == "fr" else number == 1
    return gettext(lang)(pair[0] if one else pair[1])


def _x(value: Any, lang: Language, min_places: int = 0) -> str:
    """A figure printed exactly: every significant decimal, at least ``min_places``."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    places = max(min_places, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return formats.number(number.quantize(Decimal(1).scaleb(-places)), places, lang)


def _r(value: Any, lang: Language, min_places: int = 0) -> str:
    """A derived figure (hours from seconds, a coefficient): exact up to 6 decimals, else ``≈`` 6 decimals."""
    number = Decimal(str(value))
    if -number.normalize().as_tuple().exponent <= 6:  # type: ignore[operator]
        return _x(number, lang, min_places)
    return "≈\u00a0" + formats.number(number.quantize(Decimal("0.000001")), 6, lang)


def _n(value: Any, lang: Language, places: int = 2) -> str:
    """A figure rounded for reading (counts, patience); never an operand of the calculation."""
    if value is None:
        return "—"
    return formats.number(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)), places, lang)


def _pct(value: Any, lang: Language) -> str:
    """A share as an exact percentage: 0.024493 → 2,4493 %."""
    if value is None:
        return "—"
    return _x(Decimal(str(value)) * 100, lang) + ("\u00a0%" if lang == "fr" else "%")


def _eur(value: Any, lang: Language) -> str:
    """An amount or a price in euros, exact (at least the cents): ``29,123456 €`` / ``€29.123456``."""
    return formats.money(Decimal(str(value)), lang, exact=True)


def _money(value: Any, lang: Language) -> str:
    """An amount for reading, to the cent (half up)."""
    return formats.money(round_cents(Decimal(str(value))), lang)


def _date(value: Any, lang: Language) -> str:
    """``2027-01-01`` → ``1er janvier 2027`` / ``1 January 2027``."""
    day = date.fromisoformat(str(value))
    text = formats.day(day, lang)
    return "1er" + text[1:] if lang == "fr" and day.day == 1 else text


def _month(value: Any, lang: Language) -> str:
    """``2026-10`` → ``octobre 2026`` / ``October 2026``."""
    year, month = map(int, str(value).split("-")[:2])
    return formats.month(year, month, lang)


def _formula(text: str, lang: Language) -> str:
    """The contract's revision formula with its figures in the language's notation (``0,15 + 0,85 × I/I0``)."""
    return re.sub(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?", lambda m: _x(m.group(0), lang), text)


def _join(parts: Sequence[str], lang: Language) -> str:
    """Clauses of one sentence: ``a ; b`` in French, ``a; b`` in English."""
    return (" ; " if lang == "fr" else "; ").join(p for p in parts if p)


def _calc(expression: str, line: InvoiceLine, lang: Language) -> str:
    """The closing calculation: the expression of exact figures and the line's amount."""
    _ = gettext(lang)
    return _("calculation: {expression} = {amount}").format(expression=expression, amount=_eur(line.amount, lang))


def _price_basis(f: Mapping[str, Any], base: Any, lang: Language) -> str:
    """The price's origin: the base price, its revision (index, formula, coefficient) or the first one to come."""
    _ = gettext(lang)
    if not f or f.get("revised_on") is None:
        later = f.get("next_revision") if f else None
        if later:
            return _("base price, first revision on {date}").format(date=_date(later, lang))
        return _("base price, no revision")
    bound = {"floor": _(" (floor applied)"), "cap": _(" (cap applied)")}.get(f.get("bounded_by") or "", "")
    rounding = (_("revised price kept exact") if f.get("price_rounding") == "none"
                else _("revised price rounded to the cent"))
    return _("base price {base} revised on {date}: {index} index {value} ({month}) against {base_value} at the "
             "base ({base_month}), coefficient {coefficient} by the formula {formula}{bound}, {rounding}").format(
        base=_eur(base, lang), date=_date(f["revised_on"], lang), index=str(f["index"]).capitalize(),
        value=_x(f["index_value"], lang), month=_month(f["index_month"], lang), base_value=_x(f["base_value"], lang),
        base_month=_month(f["base_month"], lang), coefficient=_r(f["coefficient"], lang),
        formula=_formula(str(f["formula"]), lang), bound=bound, rounding=rounding)


def _segment(f: Mapping[str, Any], lang: Language) -> str:
    """The part of a month cut by an amendment that the line covers (empty for a whole month)."""
    if f.get("segment_from") is None:
        return ""
    _ = gettext(lang)
    by = (_("amendment {name}").format(name=f["amendment"]) if f.get("amendment")
          else _("the contract as signed"))
    message = (_("from {start} to {end} under {terms}, quantities measured in the period")
               if f.get("prorata_basis") == "measured_in_segment"
               else _("from {start} to {end} under {terms}, pro rata of calendar days"))
    return message.format(start=_date(f["segment_from"], lang), end=_date(f["segment_to"], lang), terms=by)


def _measured(measured: Any, divisor: int, lang: Language) -> str:
    """A measured quantity in the calculation: ``252 000 ÷ 3 600`` (seconds to hours) or ``1 500`` (contacts)."""
    if divisor == 1:
        return _x(measured, lang)
    return f"{_x(measured, lang)} ÷ {_x(divisor, lang)}"


def _band(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    if f.get("band_from") is None:
        return ""
    _ = gettext(lang)
    unit = _plural(UNIT_WORDS.get(line.unit, (line.unit, line.unit)), 2, lang)
    volume = f.get("tiering") == "volume"
    if f.get("band_to") is None:
        message = (_("band from {start} {unit} upward, reached: its price for the whole volume") if volume
                   else _("band from {start} {unit} upward (graduated tiers)"))
    else:
        message = (_("band from {start} to {end} {unit}, reached: its price for the whole volume") if volume
                   else _("band from {start} to {end} {unit} (graduated tiers)"))
    return message.format(start=_x(f["band_from"], lang), end=_x(f.get("band_to"), lang), unit=unit)


def _service(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    divisor = int(f.get("divisor") or 1)
    measured = f.get("measured", line.quantity)
    seconds = (" " + _("({seconds} seconds measured)").format(seconds=_x(measured, lang))) if divisor != 1 else ""
    head = _("{quantity} {unit}{measured} × {price} — {basis}").format(
        quantity=_r(line.quantity, lang, 2), unit=_plural(UNIT_WORDS.get(line.unit, (line.unit, line.unit)),
                                                          line.quantity, lang),
        measured=seconds, price=_eur(line.unit_price, lang),
        basis=_price_basis(f.get("indexation", {}), line.base_unit_price, lang))
    expression = f"{_measured(measured, divisor, lang)} × {_x(line.unit_price, lang, 2)}"
    return _join([head, _band(line, f, lang), _segment(f, lang), _calc(expression, line, lang)], lang)


def _fixed(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    base = line.base_unit_price
    if f.get("segment_from") is not None:  # a per-day price: the contract's monthly amount (cents) × the month's days
        base = round_cents(base * int(f["month_days"]))
    basis = _price_basis(f.get("indexation", {}), base, lang)
    if f.get("segment_from") is None:
        head = _("Fixed monthly fee of {amount} — {basis}").format(amount=_eur(line.unit_price, lang), basis=basis)
        return _join([head, _calc(_x(line.unit_price, lang, 2), line, lang)], lang)
    days, month = f["segment_days"], f["month_days"]
    head = _("Fixed monthly fee of {amount} for {days} days of {month_days} — {basis}").format(
        amount=_eur(f["monthly_amount"], lang), days=days, month_days=month, basis=basis)
    expression = f"{_x(f['monthly_amount'], lang, 2)} × {days} ÷ {month}"
    return _join([head, _segment(f, lang), _calc(expression, line, lang)], lang)


def _success(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    successes = _plural((N_("success"), N_("successes")), f["count"], lang)
    if line.explanation.kind == "success_fee_share":
        share = _pct(f["share"], lang)
        head = _("{share} of the value sold, {value}, over {count} {successes} ({event})").format(
            share=share, value=_eur(f["value_sold"], lang), count=f["count"], successes=successes, event=f["event"])
        return _join([head, _calc(f"{share} × {_x(f['value_sold'], lang, 2)}", line, lang)], lang)
    head = _("{count} {successes} ({event}) × {price} — {basis}").format(
        count=f["count"], successes=successes, event=f["event"], price=_eur(line.unit_price, lang),
        basis=_price_basis(f.get("indexation", {}), line.base_unit_price, lang))
    return _join([head, _calc(f"{f['count']} × {_x(line.unit_price, lang, 2)}", line, lang)], lang)


def _terms(terms: Sequence[Sequence[Any]], divisor: int, lang: Language) -> str:
    parts = []
    for i, (sign, measured, price) in enumerate(terms):
        term = f"{_measured(measured, divisor, lang)} × {_x(price, lang, 2)}"
        parts.append(term if i == 0 and int(sign) > 0 else f"{'+' if int(sign) > 0 else '−'} {term}")
    return " ".join(parts)


def _minimum(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    pair = UNIT_WORDS.get(line.unit, (line.unit, line.unit))
    period = PERIOD_WORDS.get(f.get("period") or "month", (str(f.get("period")),) * 2)
    one = f.get("periods", 1) == 1
    counted = f["periods_under"] if lang == "fr" else f.get("periods", 1)  # « 3 semaines sur 4 », "3 of 4 weeks"
    minimum = ("" if f.get("minimum") is None  # a line built without it (a test's document) says what it has
               else f" = {_r(f['minimum'], lang, 2)} {_plural(pair, f['minimum'], lang)}")
    head = (_("{actual} {trigger}, below the band of the {horizon} forecast ({forecast}): the minimum is "
              "{floor} × {rule} ({basis} {basis_unit}){minimum}") if one else
            _("{actual} {trigger}, below the band of the {horizon} forecast ({forecast}) in {under} of "
              "{periods} {period}: the minimum is {floor} × {rule} ({basis} {basis_unit}){minimum}")).format(
        actual=_n(f["actual_volume"], lang, 0), trigger=_plural(TRIGGER[f.get("triggered_on") or "offered"],
                                                                 f["actual_volume"], lang),
        horizon=f["horizon"], forecast=_x(f["forecast_volume"], lang), under=f["periods_under"],
        periods=f.get("periods", f["periods_under"]), period=_plural(period, counted, lang),
        floor=_pct(f["floor"], lang), rule=_word(RULE[f["rule"]], lang), basis=_r(f["basis"], lang, 2),
        basis_unit=_plural(pair, f["basis"], lang), minimum=minimum)
    terms = f.get("calc_terms") or [[1, f["top_up"], line.unit_price]]
    billed = (_("billed {billed} {billed_unit}, hence a top-up of {top_up} {top_up_unit} at {price}")
              if len(terms) == 1 else  # volume tiers: the minimum and the billed quantity each at their band's price
              _("billed {billed} {billed_unit}, hence a top-up of {top_up} {top_up_unit}, each quantity at its "
                "band's price")).format(
        billed=_r(f["billed"], lang, 2), billed_unit=_plural(pair, f["billed"], lang),
        top_up=_r(f["top_up"], lang, 2), top_up_unit=_plural(pair, f["top_up"], lang),
        price=_eur(line.unit_price, lang))
    excluded = f.get("days_excluded") or []
    closed = (_("days closed on the provider's side left out: {days}").format(
        days=", ".join(_date(d, lang) for d in excluded)) if excluded else "")
    expression = _terms(terms, int(f.get("divisor") or 1), lang)
    return _join([head, billed, closed, _calc(expression, line, lang)], lang)


def _planning(p: Mapping[str, Any] | None, lang: Language) -> str:
    """The planning model of fair evaluation, as applied."""
    if not p:
        return ""
    _ = gettext(lang)
    text = _word(MODELS[p["model"]], lang)
    if p.get("patience_seconds") is not None:
        text += f", {_word(PATIENCE[p['patience_source']], lang)} {_n(p['patience_seconds'], lang, 1)} s"
    if p.get("staffing_horizon") and p["model"] != "declared_staffing":
        text += ", " + _("staffing for the {horizon} forecast").format(horizon=p["staffing_horizon"])
    if not p.get("stated_in_contract"):
        text += _(" — default model, not in the contract")
    return f" [{text}]"


def _bonus_malus(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    asa = f["metric"] == "asa"

    def value(v: Any) -> str:
        return _x(v, lang) + " s" if asa else _pct(v, lang)

    if f["evaluation"] == "raw":
        evaluation = _("raw result")
    else:
        evaluation = _("{evaluation}{planning}, raw {raw}").format(
            evaluation=_word(EVALUATION[f["evaluation"]], lang), planning=_planning(f.get("planning"), lang),
            raw=value(f["raw"]))
    formula = f.get("formula_fr" if lang == "fr" else "formula")
    gap = f.get("gap_points", f["points"])
    message = (_("{metric} of {result} ({formula}; {evaluation}) short of the "
                 "threshold of {threshold} (target {target}): a gap of {gap} {points_word} counted {rule}, "
                 "{points} × {per_point} per point = {rate} of the base of {base}") if line.kind == "malus" else
               _("{metric} of {result} ({formula}; {evaluation}) beyond the "
                 "threshold of {threshold} (target {target}): a gap of {gap} {points_word} counted {rule}, "
                 "{points} × {per_point} per point = {rate} of the base of {base}"))
    text = message.format(
        metric=_word(METRIC.get(f["metric"], f["metric"]), lang), result=value(f["result"]), formula=formula or "—",
        evaluation=evaluation, threshold=value(f["threshold"]),
        target=value(f["target"]), gap=_x(gap, lang), points_word=_plural((N_("point"), N_("points")), gap, lang),
        rule=_word(POINTS[f.get("points_rule") or "pro_rata"], lang), points=_x(f["points"], lang),
        per_point=_pct(f["per_point"], lang), rate=_pct(f["rate_uncapped"], lang), base=_eur(f["base"], lang))
    if f.get("capped"):
        text += _(", capped at {cap} (uncapped: {uncapped})").format(cap=_pct(f["cap"], lang),
                                                                      uncapped=_money(f["amount_uncapped"], lang))
    adjusted = (_("{count} out-of-band interval(s) adjusted").format(count=f["adjusted_intervals"])
                if f.get("adjusted_intervals") else "")
    excluded = (_("{count} interval(s) set aside for incidents on the client's side").format(
        count=f["excluded_intervals"]) if f.get("excluded_intervals") else "")
    sign = "−" if line.kind == "malus" else ""
    rate = f.get("rate", f.get("rate_uncapped"))  # settlements written before the rate was recorded
    expression = f"{sign}({_pct(rate, lang)} × {_x(f['base'], lang, 2)})"
    return _join([text, excluded, adjusted, _calc(expression, line, lang)], lang)


def _cap(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    _ = gettext(lang)
    kind = next(k for k in CAPS if f.get("cap") == k)
    head = _("{cap}: {share} of {base} = {limit}; amount before the cap {uncapped}, the excess is given "
             "back").format(cap=_word(CAPS[kind], lang), share=_pct(f["cap_share"], lang), base=_eur(f["base"], lang),
                            limit=_eur(f["limit"], lang), uncapped=_eur(f["uncapped"], lang))
    difference = f"{_x(f['uncapped'], lang, 2)} − {_x(f['limit'], lang, 2)}"
    expression = difference if line.amount >= 0 else f"−({difference})"
    return _join([head, _calc(expression, line, lang)], lang)


def explain(line: InvoiceLine, lang: Language = "fr") -> str:
    """The line's explanation in ``lang`` (``"fr"`` or ``"en"``), ending with its calculation."""
    f = line.explanation.figures
    kind = line.explanation.kind
    if kind == "service":
        return _service(line, f, lang)
    if kind == "fixed_fee":
        return _fixed(line, f, lang)
    if kind in ("success_fee", "success_fee_share"):
        return _success(line, f, lang)
    if kind == "minimum_billing":
        return _minimum(line, f, lang)
    if kind in ("bonus", "malus"):
        return _bonus_malus(line, f, lang)
    if kind.startswith("cap_"):
        return _cap(line, f, lang)
    raise ValueError(f"no wording for explanation kind {kind!r}")
