"""Each invoice line's explanation in words, French or English, from the figures it carries.

Renderers never recompute: every number printed here is a figure of the line's
:class:`~charte.settle.lines.Explanation` (or the line's own quantity and prices).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

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


def _n(value: Any, lang: Language, places: int = 2) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    text = f"{number:,f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _pct(value: Any, lang: Language, places: int = 2) -> str:
    if value is None:
        return "—"
    return _n(Decimal(str(value)) * 100, lang, places) + ("\u00a0%" if lang == "fr" else "%")


def _eur(value: Any, lang: Language) -> str:
    return _n(value, lang) + ("\u00a0€" if lang == "fr" else " EUR")


def _index(f: Mapping[str, Any], lang: Language) -> str:
    if not f or f.get("revised_on") is None:
        later = f.get("next_revision") if f else None
        if lang == "fr":
            return "prix de base, pas encore de révision (indexation)" + (
                f" ; première révision le {later}" if later else "")
        return "base price, no revision due yet (indexation)" + (f"; first revision on {later}" if later else "")
    bounded = f.get("bounded_by")
    words = {"fr": {"floor": " (plancher appliqué)", "cap": " (plafond appliqué)"},
             "en": {"floor": " (floor applied)", "cap": " (cap applied)"}}[lang].get(bounded or "", "")
    if lang == "fr":
        return (f"révision du {f['revised_on']} : {f['formula']} avec I = {f['index']} {f['index_month']} "
                f"({f['index_value']}), I0 = {f['base_month']} ({f['base_value']}), coefficient "
                f"{_n(f['coefficient'], lang, 6)}{words}")
    return (f"revision of {f['revised_on']}: {f['formula']} with I = {f['index']} {f['index_month']} "
            f"({f['index_value']}), I0 = {f['base_month']} ({f['base_value']}), coefficient "
            f"{_n(f['coefficient'], lang, 6)}{words}")


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


def _fixed(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    index = _index(f.get("indexation", {}), lang)
    if f.get("segment_from") is None:
        return ("Forfait mensuel ; " if lang == "fr" else "Fixed monthly fee; ") + index
    days, month = f["segment_days"], f["month_days"]
    if lang == "fr":
        return (f"Forfait mensuel {_eur(f['monthly_amount'], lang)} × {days}/{month} jours{_segment(f, lang)} ; "
                f"{index}")
    return f"Fixed monthly fee {_eur(f['monthly_amount'], lang)} × {days}/{month} days{_segment(f, lang)}; {index}"


def _service(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    band = ""
    if f.get("band_from") is not None:
        upper = "∞" if f.get("band_to") is None else _n(f["band_to"], lang, 0)
        band = (f"; tranche {_n(f['band_from'], lang, 0)}–{upper} ({f['tiering']})" if lang == "fr"
                else f"; band {_n(f['band_from'], lang, 0)}–{upper} ({f['tiering']})")
    return (f"{_n(line.quantity, lang)} {line.unit} × {_n(line.unit_price, lang, 4)} "
            f"({'prix de base' if lang == 'fr' else 'base price'} {_n(line.base_unit_price, lang, 4)}; "
            f"{_index(f.get('indexation', {}), lang)}){band}{_segment(f, lang)}")


def _minimum(line: InvoiceLine, f: Mapping[str, Any], lang: Language) -> str:
    rule = RULE[lang][f["rule"]]
    if lang == "fr":
        return (f"Volume réel {_n(f['actual_volume'], lang, 0)} sous la bande de la prévision {f['horizon']} "
                f"({_n(f['forecast_volume'], lang, 1)}) sur {f['periods_under']} période(s) ({f['period']}) ; "
                f"minimum = {_pct(f['floor'], lang, 0)} × {rule} ({_n(f['basis'], lang)} {line.unit}) ; "
                f"facturé {_n(f['billed'], lang)} {line.unit} ; complément {_n(f['top_up'], lang)} {line.unit} "
                f"× {_n(line.unit_price, lang, 4)}.")
    return (f"Actual volume {_n(f['actual_volume'], lang, 0)} fell below the band of the {f['horizon']} forecast "
            f"({_n(f['forecast_volume'], lang, 1)}) in {f['periods_under']} period(s) ({f['period']}); "
            f"minimum = {_pct(f['floor'], lang, 0)} × {rule} ({_n(f['basis'], lang)} {line.unit}); "
            f"billed {_n(f['billed'], lang)} {line.unit}; top-up {_n(f['top_up'], lang)} {line.unit} "
            f"× {_n(line.unit_price, lang, 4)}.")


MODELS = {
    "fr": {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "declared_staffing": "effectifs déclarés, Erlang A"},
    "en": {"erlang_c": "Erlang C", "erlang_a": "Erlang A", "declared_staffing": "declared staffing, Erlang A"},
}
PATIENCE = {
    "fr": {"contract": "patience du contrat", "measured": "patience mesurée", "default": "patience par défaut"},
    "en": {"contract": "contract's patience", "measured": "measured patience", "default": "default patience"},
}


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
        return _n(v, lang, 1) + " s" if asa else _pct(v, lang)

    evaluation = EVALUATION[lang][f["evaluation"]] + _planning(f.get("planning"), lang)
    capped = f["capped"]
    formula = f.get("formula_fr" if lang == "fr" else "formula")
    measured = f" [{formula}]" if formula else ""
    if lang == "fr":
        text = (f"{f['commitment']}{measured} : résultat {value(f['result'])} ({evaluation} ; brut {value(f['raw'])}) "
                f"pour un seuil de {value(f['threshold'])} (objectif {value(f['target'])}) : "
                f"{_n(f['points'], lang)} point(s) × {_pct(f['per_point'], lang)} = {_pct(f['rate_uncapped'], lang)} "
                f"de la base {_eur(f['base'], lang)}")
        if capped:
            text += (f", plafonné à {_pct(f['cap'], lang)} (montant non plafonné "
                     f"{_eur(f['amount_uncapped'], lang)})")
        if f.get("adjusted_intervals"):
            text += f" ; {f['adjusted_intervals']} intervalle(s) ajusté(s) hors bande"
        return text + "."
    text = (f"{f['commitment']}{measured}: result {value(f['result'])} ({evaluation}; raw {value(f['raw'])}) against "
            f"a threshold of {value(f['threshold'])} (target {value(f['target'])}): {_n(f['points'], lang)} point(s) "
            f"× {_pct(f['per_point'], lang)} = {_pct(f['rate_uncapped'], lang)} of the base {_eur(f['base'], lang)}")
    if capped:
        text += f", capped at {_pct(f['cap'], lang)} (uncapped amount {_eur(f['amount_uncapped'], lang)})"
    if f.get("adjusted_intervals"):
        text += f"; {f['adjusted_intervals']} out-of-band interval(s) adjusted"
    return text + "."


def _cap(f: Mapping[str, Any], lang: Language) -> str:
    names = {"fr": {"overall_malus": "plafond global des malus", "overall_bonus": "plafond global des bonus",
                    "penalties": "plafond des pénalités (responsabilité, axe 8)"},
             "en": {"overall_malus": "overall malus cap", "overall_bonus": "overall bonus cap",
                    "penalties": "penalties cap (liability, axis 8)"}}[lang]
    kind = next(k for k in names if f.get("cap") == k)
    if lang == "fr":
        return (f"{names[kind]} : {_pct(f['cap_share'], lang)} de {_eur(f['base'], lang)} = "
                f"{_eur(f['limit'], lang)} ; montant avant plafond {_eur(f['uncapped'], lang)}, "
                f"excédent rendu {_eur(f['excess'], lang)}.")
    return (f"{names[kind]}: {_pct(f['cap_share'], lang)} of {_eur(f['base'], lang)} = {_eur(f['limit'], lang)}; "
            f"amount before the cap {_eur(f['uncapped'], lang)}, excess given back {_eur(f['excess'], lang)}.")


def explain(line: InvoiceLine, lang: Language = "fr") -> str:
    """The line's explanation in ``lang`` (``"fr"`` or ``"en"``)."""
    f = line.explanation.figures
    kind = line.explanation.kind
    if kind == "service":
        return _service(line, f, lang)
    if kind == "fixed_fee":
        return _fixed(line, f, lang)
    if kind == "success_fee":
        return (f"{f['count']} × {f['event']} × {_n(line.unit_price, lang, 4)} ; {_index(f['indexation'], lang)}"
                if lang == "fr" else
                f"{f['count']} × {f['event']} × {_n(line.unit_price, lang, 4)}; {_index(f['indexation'], lang)}")
    if kind == "success_fee_share":
        return f"{_pct(f['share'], lang)} × {_eur(f['value_sold'], lang)} ({f['count']} × {f['event']})"
    if kind == "minimum_billing":
        return _minimum(line, f, lang)
    if kind in ("bonus", "malus"):
        return _bonus_malus(line, f, lang)
    if kind.startswith("cap_"):
        return _cap(f, lang)
    raise ValueError(f"no wording for explanation kind {kind!r}")
