"""What the settlement page shows: the stored settlement formatted in the reader's language, the evidence
it rests on, and charts (inline SVG, :mod:`charte.reports.charts`) of volume against forecast with its
tolerance band and of the daily service level against its target, drawn from the files of the register
the settlement names (its evidence block).

The page computes no amount: every figure comes from the settlement JSON the engine wrote.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from charte.demo.daily import daily
from charte.domain.calendar import Month
from charte.domain.formats import short_day
from charte.io.contract_yaml import loads_contract
from charte.io.evidence import EvidenceObjects
from charte.reports.charts import bars_with_band, data_table, line_with_target, waterfall
from charte.web.i18n import N_, Language, language
from charte.web.phrases import phrase

#: What each metric of a service commitment measures, in words (the contract's ``metric``).
METRICS = {"service_level": N_("Service level"), "answer_rate": N_("Answer rate"), "asa": N_("Average speed of answer"),
           "abandonment": N_("Abandonment rate"), "response_time": N_("Response time"),
           "quality_score": N_("Quality score"), "fcr": N_("First-contact resolution"),
           "conversion": N_("Conversion rate")}
#: How the result was judged (the commitment's ``evaluation``).
EVALUATIONS = {"raw": N_("as measured"), "fair": N_("fair evaluation (intervals out of the forecast band set aside)"),
               "achievable": N_("against what the staffing could achieve")}


def lines_view(document: dict[str, Any], lang: Language) -> list[dict[str, Any]]:
    return [{
        "number": line["number"], "label": line["label"], "clause": line["clause"],
        "unit": phrase(line["unit"], lang),
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
        "metric_name": lang.gettext(METRICS.get(r.get("metric", ""), "commitment")),
        "evaluation_name": lang.gettext(EVALUATIONS.get(r.get("evaluation", ""), "as measured")),
        "target": show(r.get("target"), r.get("metric", "")), "raw": show(r.get("raw"), r.get("metric", "")),
        "fair": show(r.get("fair"), r.get("metric", "")), "result": show(r.get("result"), r.get("metric", "")),
        "met": r.get("met"), "status": r.get("status"), "evaluation": r.get("evaluation"),
        "excluded_intervals": r.get("excluded_intervals"), "adjusted_count": r.get("adjusted_count"),
    } for r in document.get("service_results", [])]


STEP_NAMES = {"service": N_("services"), "fixed_fee": N_("fixed fees"), "success_fee": N_("success fees"),
              "minimum_billing": N_("minimum billing"), "malus": N_("maluses"), "bonus": N_("bonuses"),
              "cap_adjustment": N_("caps")}


def waterfall_view(document: dict[str, Any], lang: Language) -> str:
    """From the base (services and fees) to the total excluding VAT, one step per kind of line in the order the
    settlement applies them, with the same figures as a table. Sums the settlement's own amounts (exact cents)."""
    _ = lang.gettext
    sums: dict[str, Decimal] = {}
    for line in document.get("lines", []):
        kind = str(line.get("kind", "service"))
        kind = kind if kind in STEP_NAMES else "service"
        sums[kind] = sums.get(kind, Decimal(0)) + Decimal(str(line["amount"]))
    if len(sums) < 2:
        return ""
    steps = [(_(STEP_NAMES[k]), sums[k]) for k in STEP_NAMES if k in sums]
    total = sum((a for _k, a in steps), Decimal(0))
    title = _("From the base amount to the total excluding VAT")
    svg = waterfall([(label, float(a)) for label, a in steps], _("total excluding VAT"), title, lang=lang.code,
                    words={"up": _("increase"), "down": _("decrease")})
    table = data_table(title, [_("Step"), _("Amount")],
                       [[label, lang.money(a)] for label, a in steps] + [[_("total excluding VAT"), lang.money(total)]],
                       _("The figures of the chart"))
    return svg + table


@lru_cache(maxsize=64)
def bank_view(yaml_text: str) -> tuple[str, str] | None:
    """The provider's bank account the invoice is paid on (IBAN grouped by four, BIC), from the contract: both were
    checked by python-stdnum when the contract was read (:mod:`charte.domain.contract.parties`)."""
    from stdnum import iban

    try:
        provider = loads_contract(yaml_text).provider
    except (ValueError, TypeError, KeyError):
        return None
    if not provider.iban:
        return None
    return str(iban.format(provider.iban)), provider.bic or ""


def notes_view(document: dict[str, Any], lang: Language) -> list[str]:
    """The settlement's notes as sentences in the reader's language (:mod:`charte.web.phrases`)."""
    return [phrase(str(note), lang) for note in document.get("notes", [])]


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
def _charts(root: str, evidence: str, yaml_text: str, period: str, code: str) -> tuple[tuple[str, str, str], ...]:
    tables = _tables(EvidenceObjects(Path(root) / "objects"), json.loads(evidence))
    if tables is None:
        return ()
    report, forecasts, staffing = tables
    month = Month.parse(period)
    lang = language(code)
    _ = lang.gettext
    contract = loads_contract(yaml_text).as_of(month.first_day)
    band = contract.forecasts.band if contract.forecasts else None
    under, over = (float(band.under), float(band.over)) if band else (0.1, 0.1)
    band_words = {"actual": _("volume offered"), "forecast": _("M-1 forecast"), "band": _("tolerance band"),
                  "out": _("out of the band")}
    target_words = {"value": _("service level"), "target": _("target"), "miss": _("under the target")}
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
        labels = [short_day(d.day, code) for d in days]
        volume_title = _("%s: volume offered per day and the M-1 forecast with its tolerance band") % activity
        volume = bars_with_band(labels, [float(d.offered) for d in days], [float(d.forecast_m1) for d in days],
                                under, over, volume_title, lang=code, words=band_words) + data_table(
            volume_title, [_("Day"), _("volume offered"), _("M-1 forecast"), _("band low"), _("band high")],
            [[lang.day(d.day), lang.number(d.offered, 0), lang.number(d.forecast_m1, 0),
              lang.number(float(d.forecast_m1) * (1 - under), 0), lang.number(float(d.forecast_m1) * (1 + over), 0)]
             for d in days], _("The figures of the chart"))
        service_title = _("%s: service level per day against the target") % activity
        service = line_with_target(labels, [d.service_level for d in days], target, service_title, lang=code,
                                   words=target_words) + data_table(
            service_title, [_("Day"), _("service level"), _("target")],
            [[lang.day(d.day), "—" if d.service_level is None else lang.percent(d.service_level, 1),
              lang.percent(target, 1)] for d in days], _("The figures of the chart"))
        out.append((activity, volume, service))
    return tuple(out)


def charts(register_root: Path, document: dict[str, Any], yaml_text: str, period: str,
           lang: Language) -> list[tuple[str, str, str]]:
    """(activity, volume-vs-forecast chart, service-level chart) per activity, each SVG followed by its figures as a
    table, from the files the settlement's evidence block names in the register; empty when the facts do not allow
    it."""
    evidence = json.dumps(document.get("evidence", {}), sort_keys=True)
    try:
        return list(_charts(str(register_root), evidence, yaml_text, period, lang.code))
    except (KeyError, ValueError, TypeError, AttributeError, pa.ArrowException, OSError):
        return []
