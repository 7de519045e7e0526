"""The demo month's HTML report: per activity, volumes against forecasts and service given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, PackageLoader, select_autoescape

from charte.reports.charts import bars_with_band, line_with_target


@dataclass(frozen=True)
class ActivityView:
    """What the report needs of one activity's month (filled by ``charte.demo.run``)."""

    id: str
    function: str
    channel: str
    hours: str
    target: float
    threshold_seconds: int
    band_under: float
    band_over: float
    summary: dict[str, float]
    days: Sequence[Any]  # charte.demo.daily.Day
    incidents: Sequence[str]


def _pct(v: float | None, digits: int = 1) -> str:
    if v is None:
        return "—"
    return format_percent(v, format="#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%", locale="fr_FR")


def _num(v: float | None, digits: int = 0) -> str:
    if v is None:
        return "—"
    return format_decimal(round(v, digits), format="#,##0" + ("." + "0" * digits if digits else ""), locale="fr_FR")


def _activity_context(act: ActivityView) -> dict[str, Any]:
    s = act.summary
    rows = []
    out_days = 0
    for d in act.days:
        gap = d.gap_to(d.forecast_m1)
        out = d.out_of_band(act.band_under, act.band_over)
        out_days += out
        rows.append({
            "label": format_date(d.day, "EEE d MMM", locale="fr_FR"), "offered": _num(d.offered),
            "m1": _num(d.forecast_m1), "gap": _pct(gap) if gap is not None else "—", "w1": _num(d.forecast_w1),
            "handled": _num(d.handled), "abandoned": _num(d.abandoned), "sl": _pct(d.service_level),
            "sl_miss": d.service_level is not None and d.service_level < act.target,
            "asa": _num(d.asa), "aht": _num(d.aht), "planned": _num(d.planned_agent_intervals),
            "on_duty": _num(d.on_duty_agent_intervals), "out": out,
        })
    labels = [format_date(d.day, "d", locale="fr_FR") for d in act.days]
    return {
        "id": act.id, "function": act.function, "channel": act.channel, "hours": act.hours,
        "target_text": f"{_pct(act.target, 0)} des appels décrochés en {act.threshold_seconds} s",
        "offered": _num(s["offered"]), "forecast_m1": _num(sum(d.forecast_m1 for d in act.days)),
        "service_level": _pct(s["service_level"]), "target": _pct(act.target, 0),
        "sl_ok": s["service_level"] >= act.target, "answer_rate": _pct(s["answer_rate"]),
        "abandoned": _num(s["abandoned"]), "asa": f"{_num(s['asa_seconds'])} s", "aht": f"{_num(s['aht_seconds'])} s",
        "productive_hours": _num(s["productive_hours"], 1), "days_out": out_days,
        "band": f"−{_pct(act.band_under, 0)} / +{_pct(act.band_over, 0)}",
        "volume_chart": bars_with_band(labels, [d.offered for d in act.days], [d.forecast_m1 for d in act.days],
                                       act.band_under, act.band_over, "Volume quotidien"),
        "sl_chart": line_with_target(labels, [d.service_level for d in act.days], act.target, "Niveau de service"),
        "days": rows, "incidents": list(act.incidents),
    }


def render_demo_report(
    path: Path, *, contract_id: str, contract_name: str, client: str, provider: str, month: str, month_label: str,
    activities: Sequence[ActivityView], files: Sequence[str], seed: int, assumptions: dict[str, Any],
    problems: Sequence[str] = (), dispute: dict[str, Any] | None = None,
) -> Path:
    env = Environment(loader=PackageLoader("charte.reports", "templates"), autoescape=select_autoescape())
    html = env.get_template("demo.html").render(
        contract_id=contract_id, contract_name=contract_name, client=client, provider=provider, month=month,
        month_label=month_label, activities=[_activity_context(a) for a in activities], files=files, seed=seed,
        assumptions=assumptions, problems=problems, dispute=dispute,
    )
    path.write_text(html, encoding="utf-8")
    return path
