"""The settlement's HTML page, in one language (French by default, or English): each invoice line with its
explanation in words, totals, results.

The page only renders figures the settlement carries (:mod:`charte.settle.explain`); it computes nothing. Its
words are catalog messages (:mod:`charte.domain.messages`), its figures formatted for the language.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.domain import formats
from charte.domain.messages import N_, gettext
from charte.settle import Settlement
from charte.settle.explain import Language, explain

#: How a commitment was judged (the settlement's ``evaluation``), in words.
EVALUATIONS = {"raw": N_("as measured"), "band_neutralised": N_("out-of-band intervals set aside"),
               "fair": N_("fair evaluation")}
#: The line's unit code in words (the others — h, min — are the same in both languages).
UNITS = {"contact": N_("contacts"), "% of base": N_("% of base"), "adjustment": N_("adjustment"),
         "month": N_("month"), "day": N_("days")}


def _result_view(r: Any, lang: Language) -> dict[str, Any]:
    is_asa = r.metric == "asa"
    words = gettext(lang)

    def show(v: Decimal | None) -> str:
        if v is None:
            return "—"
        return f"{formats.number(v, 1, lang)} s" if is_asa else formats.percent(v, 2, lang)

    return {
        "commitment": r.commitment, "activity": r.activity, "metric": r.metric,
        "formula": r.formula_fr if lang == "fr" else r.formula, "evaluation": r.evaluation,
        "evaluation_words": words(EVALUATIONS.get(r.evaluation, r.evaluation)), "target": show(r.target),
        "raw": show(r.raw),
        "band_neutralised": show(r.band_neutralised), "fair": show(r.fair), "result": show(r.result),
        "met": r.met, "status": r.status, "excluded": r.excluded, "excluded_intervals": r.excluded_intervals,
        "out_of_band": r.out_of_band_intervals, "adjusted": r.adjusted[:200], "adjusted_count": r.adjusted_count,
        "patience": r.patience_seconds, "patience_source": r.patience_source, "horizon": r.horizon,
    }


def render_settlement_report(settlement: Settlement, path: Path, *, contract_name: str = "", client: str = "",
                             provider: str = "", lang: Language = "fr", notes: Sequence[str] | None = None) -> Path:
    """Write the settlement page in ``lang`` to ``path`` and return it (``notes``: the settlement's notes as the
    caller words them in ``lang``; by default as the engine wrote them)."""
    env = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape())
    words = gettext(lang)

    def qty(value: Decimal) -> str:
        """Significant decimals (2 to 6): the line's quantity × unit price is its amount."""
        places = min(6, max(2, -value.normalize().as_tuple().exponent))  # type: ignore[operator]
        return formats.number(value, places, lang)

    def pct(value: Decimal | float | None) -> str:
        return "—" if value is None else formats.percent(Decimal(str(value)), 2, lang)

    lines = [{
        "number": line.number, "kind": str(line.kind), "label": line.label, "clause": line.clause,
        "quantity": qty(line.quantity), "unit": words(UNITS[line.unit]) if line.unit in UNITS else line.unit,
        "base_unit_price": qty(line.base_unit_price), "unit_price": qty(line.unit_price),
        "amount": formats.money(line.amount, lang), "negative": line.amount < 0, "explanation": explain(line, lang),
    } for line in settlement.lines]
    html = env.get_template("settlement.html").render(
        _=words, lang=lang, s=settlement, contract_name=contract_name or settlement.contract, client=client,
        provider=provider, lines=lines, total=formats.money(settlement.total_excluding_vat, lang),
        vat=formats.money(settlement.vat, lang), vat_rate=formats.percent(settlement.vat_rate, 1, lang),
        total_ttc=formats.money(settlement.total_including_vat, lang),
        results=[_result_view(r, lang) for r in settlement.service_results],
        accuracy=[a.as_dict() for a in settlement.forecast_accuracy], pct=pct,
        indexation=settlement.indexation.figures(), notes=list(settlement.notes if notes is None else notes),
    )
    path.write_text(html, encoding="utf-8")
    return path
