"""Each invoice line's explanation in words, French or English, from the figures it carries.

Renderers never recompute: every number printed here is a figure of the line's
:class:`~charte.settle.lines.Explanation` (or the line's own quantity and prices), printed
**exactly** (no figure is rounded for display except the amounts, which are cents). Each
explanation ends with its calculation — ``calcul : 252 000 ÷ 3 600 × 30,00 = 2 100,00 €`` —
whose operands are the line's figures: anyone can redo it by hand, round half up to the cent,
and find the line's amount (a test does so for every pricing model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from charte.domain.money import round_cents
from charte.settle.lines import InvoiceLine

Language = Literal["fr", "en"]

EVALUATION = {
    "fr": {"raw": "brut", "band_neutralised": "hors périodes sortant de la bande", "fair": "évaluation équitable"},
    "en": {"raw": "raw", "band_neutralised": "out-of-band periods set aside", "fair": "fair evaluation"},
}
RULE = {
    "fr": {"forecast_volume": "volume prévu", "forecast_workload": "charge prévue (heures requises)",
           "staffed_hours_for_forecast": "heures planifiées pour la prévision"},
    "en": {"forecast_volume": "forecast volume", "forecast_workload": "forecast workload (hours required)",
           "staffed_hours_for_forecast": "hours staffed for the forecast"},
}
POINTS = {
    "fr": {"pro_rata": "au prorata", "full_points": "par point entier", "started_points": "tout point commencé dû"},
    "en": {"pro_rata": "pro rata", "full_points": "whole points only", "started_points": "a started point counts"},
}
TRIGGER = {"fr": {"offered": "appels offerts", "handled": "appels traités"},
           "en": {"offered": "offered contacts", "handled": "handled contacts"}}
MODELS = {
    "fr": {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "declared_staffing": "effectifs déclarés, Erlang A"},
    "en": {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "declared_staffing": "declared staffing, Erlang A"},
}
PATIENCE = {
    "fr": {"contract": "patience du contrat", "measured": "patience mesurée", "default": "patience par défaut"},
    "en": {"contract": "contract's patience", "measured": "measured patience", "default": "default patience"},
}
DIVIDED = {"fr": {3600: "s ÷ 3 600", 60: "s ÷ 60"}, "en": {3600: "s ÷ 3,600", 60: "s ÷ 60"}}


def _group(text: str, lang: Language) -> str:
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _x(value: Any, lang: Language, min_places: int = 0) -> str:
    """A figure printed exactly: every significant decimal, at least ``min_places``."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    places = max(min_places, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return _group(f"{number.quantize(Decimal(1).scaleb(-places)):,f}", lang)


def _r(value: Any, lang: Language) -> str:
    """A derived figure for reading (hours from seconds, a coefficient): exact up to 6 decimals, else ``≈``."""
    number = Decimal(str(value))
    if -number.normalize().as_tuple().exponent <= 6:  # type: ignore[operator]
        return _x(number, lang)
    return "≈\u00a0" + _group(f"{number.quantize(Decimal('0.000001')):,f}", lang)


def _n(value: Any, lang: Language, places: int = 2) -> str:
    """A figure rounded for reading (counts, volumes); never an operand of the calculation."""
    if value is None:
        return "—"
    return _group(f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places)):,f}", lang)


def _pct(value: Any, lang: Language) -> str:
    """A share as an exact percentage: 0.024493 → 2,4493 %."""
    if value is None:
        return "—"
    return _x(Decimal(str(value)) * 100, lang) + ("\u00a0%" if lang == "fr" else "%")


def _eur(value: Any, lang: Language) -> str:
    return _x(value, lang, 2) + ("\u00a0€" if lang == "fr" else " EUR")


def _money(value: Any, lang: Language) -> str:
    """An amount for reading, to the cent (half up)."""
    return _n(round_cents(Decimal(str(value))), lang) + ("\u00a0€" if lang == "fr" else " EUR")


def _calc(expression: str, line: InvoiceLine, lang: Language) -> str:
    """The closing calculation: the expression of exact figures and the line's amount."""
    word = "calcul : " if lang == "fr" else "calculation: "
    return f"{word}{expression} = {_eur(line.amount, lang)}"


def _index(f: Mapping[str, Any], lang: Language) -> str:
    if not f or f.get("revised_on") is None:
        later = f.get("next_revision") if f else None
        if lang == "fr":
            return "pas encore de révision (indexation)" + (
                f" ; première révision le {later}" if later else "")
        return "no revision due yet (indexation)" + (f"; first revision on {later}" if later else "")
    bounded = f.get("bounded_by")
    words = {"fr": {"floor": " (plancher appliqué)", "cap": " (plafond appliqué)"},
             "en": {"floor": " (floor applied)", "cap": " (cap applied)"}}[lang].get(bounded or "", "")
    rounding = {"fr": {"cent": "prix révisé arrondi au centime", "none": "prix révisé exact, non arrondi"},
                "en": {"cent": "revised price rounded to the cent", "none": "revised price kept exact"}}[lang]
    rounded = rounding.get(f.get("price_rounding") or "cent", "")
    if lang == "fr":
        return (f"révision du {f['revised_on']} : {f['formula']} avec I = {f['index']} {f['index_month']} "
                f"({f['index_value']}), I0 = {f['base_month']} ({f['base_value']}), coefficient "
                f"{_r(f['coefficient'], lang)}{words}, {rounded}")
    return (f"revision of {f['revised_on']}: {f['formula']} with I = {f['index']} {f['index_month']} "
            f"({f['index_value']}), I0 = {f['base_month']} ({f['base_value']}), coefficient "
            f"{_r(f['coefficient'], lang)}{words}, {rounded}")


def _segment(f: Mapping[str, Any], lang: Language) -> str:
    """The part of a month cut by an avenant that the line covers (empty for a whole month)."""
    if f.get("segment_from") is None:
        return ""
    by = f.get("amendment") or ("contrat initial" if lang == "fr" else "contract as signed")
    if lang == "fr":
        basis = ("quantités mesurées sur la période" if f.get("prorata_basis") == "measured_in_segment"
                 else "au prorata des jours calendaires")
        return f" ; du {f['segment_from']} au {f['segment_to']} ({by}), {basis}"
    basis = ("quantities measured in the period" if f.get("prorata_basis") == "measured_in_segment"
             else "pro rata of calendar days")
    return f"; {f['segment_from']} to {f['segment_to']} ({by}), {basis}"


def _measured(measured: Any, divisor: int, lang: Language) -> str:
    """A measured quantity in the calculation: ``252 000 ÷ 3 600`` (seconds to hours) or ``1 500`` (contacts)."""
    if divisor == 1:
        return _x(measured, lang)
    return f"{_x(measured, lang)} ÷ {_x(divisor, lang)}"


def _fixed(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    index = _index(f.get("indexation", {}), lang)
    if f.get("segment_from") is None:
        head = "Forfait mensuel ; " if lang == "fr" else "Fixed monthly fee; "
        return f"{head}{index} ; {_calc(_x(line.unit_price, lang, 2), line, lang)}"
    days, month = f["segment_days"], f["month_days"]
    expression = f"{_x(f['monthly_amount'], lang, 2)} × {days} ÷ {month}"
    if lang == "fr":
        return (f"Forfait mensuel {_eur(f['monthly_amount'], lang)} pour {days} jours sur {month}"
                f"{_segment(f, lang)} ; {index} ; {_calc(expression, line, lang)}")
    return (f"Fixed monthly fee {_eur(f['monthly_amount'], lang)} for {days} of {month} days{_segment(f, lang)}; "
            f"{index}; {_calc(expression, line, lang)}")


def _service(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    band = ""
    if f.get("band_from") is not None:
        upper = "∞" if f.get("band_to") is None else _x(f["band_to"], lang)
        band = (f" ; tranche {_x(f['band_from'], lang)}–{upper} ({f['tiering']})" if lang == "fr"
                else f"; band {_x(f['band_from'], lang)}–{upper} ({f['tiering']})")
    divisor = int(f.get("divisor") or 1)
    measured = f.get("measured", line.quantity)
    seconds = f" ({_x(measured, lang)} {DIVIDED[lang][divisor]})" if divisor != 1 else ""
    base = "prix de base" if lang == "fr" else "base price"
    sep = " ; " if lang == "fr" else "; "
    expression = f"{_measured(measured, divisor, lang)} × {_x(line.unit_price, lang, 2)}"
    return (f"{_r(line.quantity, lang)} {line.unit}{seconds} × {_x(line.unit_price, lang, 2)} ({base} "
            f"{_x(line.base_unit_price, lang, 2)}{sep}{_index(f.get('indexation', {}), lang)}){band}"
            f"{_segment(f, lang)}{sep}{_calc(expression, line, lang)}")


def _terms(terms: Sequence[Sequence[Any]], divisor: int, lang: Language) -> str:
    parts = []
    for i, (sign, measured, price) in enumerate(terms):
        term = f"{_measured(measured, divisor, lang)} × {_x(price, lang, 2)}"
        parts.append(term if i == 0 and int(sign) > 0 else f"{'+' if int(sign) > 0 else '−'} {term}")
    return " ".join(parts)


def _minimum(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    rule = RULE[lang][f["rule"]]
    divisor = int(f.get("divisor") or 1)
    billed = _measured(f.get("billed_measured", f["billed"]), divisor, lang)
    trigger = TRIGGER[lang][f.get("triggered_on") or "offered"]
    excluded = f.get("days_excluded") or []
    terms = f.get("calc_terms") or [[1, f["top_up"], line.unit_price]]
    expression = _terms(terms, divisor, lang)
    if lang == "fr":
        text = (f"{trigger.capitalize()} {_n(f['actual_volume'], lang, 0)} sous la bande de la prévision "
                f"{f['horizon']} ({_x(f['forecast_volume'], lang)}) sur {f['periods_under']} période(s) "
                f"({f['period']}) ; minimum = {_pct(f['floor'], lang)} × {rule} ({_x(f['basis'], lang)} {line.unit})"
                f" ; facturé {billed} = {_r(f['billed'], lang)} {line.unit} ; complément "
                f"{_r(f['top_up'], lang)} {line.unit}")
        if excluded:
            text += f" ; jours fermés côté prestataire hors calcul : {', '.join(excluded)}"
        return f"{text} ; {_calc(expression, line, lang)}"
    text = (f"{trigger.capitalize()} {_n(f['actual_volume'], lang, 0)} fell below the band of the {f['horizon']} "
            f"forecast ({_x(f['forecast_volume'], lang)}) in {f['periods_under']} period(s) ({f['period']}); "
            f"minimum = {_pct(f['floor'], lang)} × {rule} ({_x(f['basis'], lang)} {line.unit}); billed {billed} = "
            f"{_r(f['billed'], lang)} {line.unit}; top-up {_r(f['top_up'], lang)} {line.unit}")
    if excluded:
        text += f"; days closed on the provider's side left out: {', '.join(excluded)}"
    return f"{text}; {_calc(expression, line, lang)}"


def _planning(p: Mapping[str, Any] | None, lang: Language) -> str:
    """The planning model of fair evaluation, as applied."""
    if not p:
        return ""
    text = MODELS[lang][p["model"]]
    if p.get("patience_seconds") is not None:
        text += f", {PATIENCE[lang][p['patience_source']]} {_n(p['patience_seconds'], lang, 1)} s"
    if p.get("staffing_horizon") and p["model"] != "declared_staffing":
        text += (f", effectifs pour la prévision {p['staffing_horizon']}" if lang == "fr"
                 else f", staffing for the {p['staffing_horizon']} forecast")
    if not p.get("stated_in_contract"):
        text += (" — modèle par défaut, non écrit au contrat" if lang == "fr"
                 else " — default model, not in the contract")
    return f" [{text}]"


def _bonus_malus(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    asa = f["metric"] == "asa"

    def value(v: Any) -> str:
        return _x(v, lang) + " s" if asa else _pct(v, lang)

    evaluation = EVALUATION[lang][f["evaluation"]] + _planning(f.get("planning"), lang)
    formula = f.get("formula_fr" if lang == "fr" else "formula")
    measured = f" [{formula}]" if formula else ""
    rule = POINTS[lang][f.get("points_rule") or "pro_rata"]
    sign = "−" if line.kind == "malus" else ""
    rate = f.get("rate", f.get("rate_uncapped"))  # settlements written before the rate was recorded
    gap = f.get("gap_points", f["points"])
    expression = f"{sign}({_pct(rate, lang)} × {_x(f['base'], lang, 2)})"
    if lang == "fr":
        text = (f"{f['commitment']}{measured} : résultat {value(f['result'])} ({evaluation} ; brut {value(f['raw'])})"
                f" pour un seuil de {value(f['threshold'])} (objectif {value(f['target'])}) : écart "
                f"{_x(gap, lang)} point(s), compté(s) {rule} : {_x(f['points'], lang)} × "
                f"{_pct(f['per_point'], lang)} = {_pct(f['rate_uncapped'], lang)} de la base "
                f"{_eur(f['base'], lang)}")
        if f.get("capped"):
            text += f", plafonné à {_pct(f['cap'], lang)} (non plafonné : {_money(f['amount_uncapped'], lang)})"
        if f.get("adjusted_intervals"):
            text += f" ; {f['adjusted_intervals']} intervalle(s) ajusté(s) hors bande"
        return f"{text} ; {_calc(expression, line, lang)}"
    text = (f"{f['commitment']}{measured}: result {value(f['result'])} ({evaluation}; raw {value(f['raw'])}) against "
            f"a threshold of {value(f['threshold'])} (target {value(f['target'])}): gap {_x(gap, lang)} "
            f"point(s), counted {rule}: {_x(f['points'], lang)} × {_pct(f['per_point'], lang)} = "
            f"{_pct(f['rate_uncapped'], lang)} of the base {_eur(f['base'], lang)}")
    if f.get("capped"):
        text += f", capped at {_pct(f['cap'], lang)} (uncapped: {_money(f['amount_uncapped'], lang)})"
    if f.get("adjusted_intervals"):
        text += f"; {f['adjusted_intervals']} out-of-band interval(s) adjusted"
    return f"{text}; {_calc(expression, line, lang)}"


def _cap(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    names = {"fr": {"overall_malus": "plafond global des malus", "overall_bonus": "plafond global des bonus",
                    "penalties": "plafond des pénalités (responsabilité, axe 8)"},
             "en": {"overall_malus": "overall malus cap", "overall_bonus": "overall bonus cap",
                    "penalties": "penalties cap (liability, axis 8)"}}[lang]
    kind = next(k for k in names if f.get("cap") == k)
    difference = f"{_x(f['uncapped'], lang, 2)} − {_x(f['limit'], lang, 2)}"
    expression = difference if line.amount >= 0 else f"−({difference})"
    if lang == "fr":
        return (f"{names[kind]} : {_pct(f['cap_share'], lang)} de {_eur(f['base'], lang)} = "
                f"{_eur(f['limit'], lang)} ; montant avant plafond {_eur(f['uncapped'], lang)}, excédent rendu ; "
                f"{_calc(expression, line, lang)}")
    return (f"{names[kind]}: {_pct(f['cap_share'], lang)} of {_eur(f['base'], lang)} = {_eur(f['limit'], lang)}; "
            f"amount before the cap {_eur(f['uncapped'], lang)}, excess given back; {_calc(expression, line, lang)}")


def _success(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    sep = " ; " if lang == "fr" else "; "
    if line.explanation.kind == "success_fee_share":
        share = _pct(f["share"], lang)
        sold = _x(f["value_sold"], lang, 2)
        return (f"{share} × {_eur(f['value_sold'], lang)} ({f['count']} × {f['event']}){sep}"
                f"{_calc(f'{share} × {sold}', line, lang)}")
    expression = f"{f['count']} × {_x(line.unit_price, lang, 2)}"
    return (f"{f['count']} × {f['event']} × {_eur(line.unit_price, lang)}{sep}{_index(f['indexation'], lang)}{sep}"
            f"{_calc(expression, line, lang)}")


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
