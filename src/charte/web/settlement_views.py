"""What the settlement page shows: the stored settlement formatted in the reader's language, the evidence
it rests on, and charts (inline SVG, :mod:`charte.reports.charts`) of volume against forecast with its
tolerance band and of the daily service level against its target, drawn from the files of the register
the settlement names (its evidence block).

The page computes no amount: every figure comes from the settlement JSON the engine wrote.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.demo.daily import daily
from charte.domain.calendar import Month
from charte.io.contract_yaml import loads_contract
from charte.io.evidence import EvidenceObjects
from charte.reports.charts import bars_with_band, line_with_target
from charte.web.i18n import Language


def lines_view(document: dict[str, Any], lang: Language) -> list[dict[str, Any]]:
    return [{
        "number": line["number"], "label": line["label"], "clause": line["clause"], "unit": line["unit"],
        "quantity": lang.number(line["quantity"]), "unit_price": lang.number(line["unit_price"], 4),
        "amount": lang.money(line["amount"]), "negative": str(line["amount"]).startswith("-"),
        "explanation": line["explanation_fr"] if lang.code == "fr" else line["explanation_en"],
    } for line in document.get("lines", [])]


def totals_view(document: dict[str, Any], lang: Language) -> dict[str, str]:
    totals = document.get("totals", {})
    return {"excluding_vat": lang.money(totals.get("excluding_vat")), "vat": lang.money(totals.get("vat")),
            "vat_rate": lang.percent(totals.get("vat_rate"), 1),
            "including_vat": lang.money(totals.get("including_vat"))}


def results_view(document: dict[str, Any], lang: Language) -> list[dict[str, Any]]:
    def show(value: Any, metric: str) -> str:
        if value is None:
            return "—"
        return f"{lang.number(value, 1)} s" if metric == "asa" else lang.percent(value)

    return [{
        "commitment": r.get("commitment"), "activity": r.get("activity"), "metric": r.get("metric"),
        "target": show(r.get("target"), r.get("metric", "")), "raw": show(r.get("raw"), r.get("metric", "")),
        "fair": show(r.get("fair"), r.get("metric", "")), "result": show(r.get("result"), r.get("metric", "")),
        "met": r.get("met"), "status": r.get("status"), "evaluation": r.get("evaluation"),
        "excluded_intervals": r.get("excluded_intervals"), "adjusted_count": r.get("adjusted_count"),
    } for r in document.get("service_results", [])]


def evidence_view(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The files the settlement rests on (kind, version, hash, who, when), as its evidence block names them."""
    return [{**item, "short": str(item.get("sha256", ""))[:12]}
            for item in document.get("evidence", {}).get("inputs", [])]


def _tables(objects: EvidenceObjects, evidence: dict[str, Any]) -> tuple[pa.Table, pa.Table, pa.Table] | None:
    """Interval report, forecasts (every version named, the latest issue of each period kept) and staffing."""
    inputs = evidence.get("inputs", [])
    by_kind: dict[str, list[pa.Table]] = {}
    for item in sorted(inputs, key=lambda i: str(i.get("submitted_at", ""))):
        path = objects.path(str(item["sha256"]))
        if item.get("kind") in ("interval_report", "forecasts", "staffing") and path.is_file():
            name = str(item.get("file_name", ""))
            table = pq.read_table(path) if name.endswith(".parquet") else pacsv.read_csv(path)
            by_kind.setdefault(str(item["kind"]), []).append(table)
    if any(k not in by_kind for k in ("interval_report", "forecasts", "staffing")):
        return None
    forecasts = pa.concat_tables([t.select(_FORECAST_COLUMNS) for t in by_kind["forecasts"]],
                                 promote_options="default")
    keys = list(zip(*(forecasts.column(c).to_pylist() for c in ("activity", "horizon", "period_start")), strict=True))
    last = {key: i for i, key in enumerate(keys)}  # versions in order of submission: the latest wins
    forecasts = forecasts.take(sorted(last.values()))
    return by_kind["interval_report"][-1], forecasts, by_kind["staffing"][-1]


_FORECAST_COLUMNS = ["activity", "horizon", "issued_on", "granularity", "period_start", "volume", "aht_seconds"]


@lru_cache(maxsize=64)
def _charts(root: str, evidence: str, yaml_text: str, period: str, lang: str) -> tuple[tuple[str, str, str], ...]:
    tables = _tables(EvidenceObjects(Path(root) / "objects"), json.loads(evidence))
    if tables is None:
        return ()
    report, forecasts, staffing = tables
    month = Month.parse(period)
    contract = loads_contract(yaml_text).as_of(month.first_day)
    band = contract.forecasts.band if contract.forecasts else None
    under, over = (float(band.under), float(band.over)) if band else (0.1, 0.1)
    out = []
    for activity in sorted(set(report.column("activity").to_pylist())):
        commitment = next((c for c in contract.service_commitments
                           if c.activity == activity and c.metric == "service_level"), None)
        threshold = int(commitment.threshold_seconds) if commitment and commitment.threshold_seconds else 20
        target = float(commitment.target) if commitment else 0.8

        def only(table: pa.Table, name: str = activity) -> pa.Table:
            return table.filter(pc.equal(table.column("activity"), name))

        days = [d for d in daily(only(report), only(forecasts), only(staffing), threshold)
                if (d.day.year, d.day.month) == (month.year, month.month)]
        labels = [f"{d.day:%d/%m}" for d in days]
        volume = bars_with_band(labels, [float(d.offered) for d in days], [float(d.forecast_m1) for d in days],
                                under, over, f"{activity}: volume / forecast")
        service = line_with_target(labels, [d.service_level for d in days], target, f"{activity}: service level")
        out.append((activity, volume, service))
    return tuple(out)


def charts(register_root: Path, document: dict[str, Any], yaml_text: str, period: str,
           lang: Language) -> list[tuple[str, str, str]]:
    """(activity, volume-vs-forecast SVG, service-level SVG) per activity; empty when the facts do not allow it."""
    evidence = json.dumps(document.get("evidence", {}), sort_keys=True)
    try:
        return list(_charts(str(register_root), evidence, yaml_text, period, lang.code))
    except (KeyError, ValueError, TypeError, AttributeError, pa.ArrowException, OSError):
        return []
