"""The settlement's HTML page: each invoice line with its explanation (French and English), totals, results.

The page only renders figures the settlement carries (:mod:`charte.settle.explain`); it computes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from charte.settle import Settlement
from charte.settle.explain import explain


def _eur(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.2f}".replace(".", ",") + "\u00a0%"


def _qty(value: Decimal) -> str:
    """Significant decimals (2 to 6): the line's quantity × unit price is its amount."""
    places = min(6, max(2, -value.normalize().as_tuple().exponent))  # type: ignore[operator]
    return f"{value:,.{places}f}".replace(",", "\u202f").replace(".", ",")


def _result_view(r: Any) -> dict[str, Any]:
    is_asa = r.metric == "asa"

    def show(v: Decimal | None) -> str:
        return "—" if v is None else (f"{v:.1f} s" if is_asa else _pct(v))

    return {
        "commitment": r.commitment, "activity": r.activity, "metric": r.metric, "formula": r.formula,
        "evaluation": r.evaluation, "target": show(r.target), "raw": show(r.raw),
        "band_neutralised": show(r.band_neutralised), "fair": show(r.fair), "result": show(r.result),
        "met": r.met, "status": r.status, "excluded": r.excluded, "excluded_intervals": r.excluded_intervals,
        "out_of_band": r.out_of_band_intervals, "adjusted": r.adjusted[:200], "adjusted_count": r.adjusted_count,
        "patience": r.patience_seconds, "patience_source": r.patience_source, "horizon": r.horizon,
    }


def render_settlement_report(settlement: Settlement, path: Path, *, contract_name: str = "", client: str = "",
                             provider: str = "") -> Path:
    """Write the settlement page to ``path`` and return it."""
    env = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape())
    lines = [{
        "number": line.number, "kind": str(line.kind), "label": line.label, "clause": line.clause,
        "quantity": _qty(line.quantity), "unit": line.unit, "base_unit_price": _qty(line.base_unit_price),
        "unit_price": _qty(line.unit_price), "amount": _eur(line.amount), "negative": line.amount < 0,
        "fr": explain(line, "fr"), "en": explain(line, "en"),
    } for line in settlement.lines]
    html = env.get_template("settlement.html").render(
        s=settlement, contract_name=contract_name or settlement.contract, client=client, provider=provider,
        lines=lines, total=_eur(settlement.total_excluding_vat), vat=_eur(settlement.vat),
        vat_rate=_pct(settlement.vat_rate), total_ttc=_eur(settlement.total_including_vat),
        results=[_result_view(r) for r in settlement.service_results],
        accuracy=[a.as_dict() for a in settlement.forecast_accuracy], pct=_pct,
        indexation=settlement.indexation.figures(),
    )
    path.write_text(html, encoding="utf-8")
    return path
