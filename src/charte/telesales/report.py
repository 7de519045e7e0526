"""The audit's report: findings as JSON, violations and totals as Parquet/CSV, a text summary.

Everything written here comes from :class:`~charte.telesales.audit.AuditResult` and carries
hashes only (``consumer_hash``, ``number_hash``): no phone number, no salt.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from charte.domain import formats
from charte.domain.cells import inert_row
from charte.domain.messages import N_, gettext
from charte.telesales.audit import AuditResult, AuditSettings, Verdict


def findings_payload(result: AuditResult, settings: AuditSettings | None = None) -> dict[str, Any]:
    """The audit as plain data: what the scorecard and ``--json`` consume."""
    settings = settings or AuditSettings()
    return {
        "attempts": result.attempts,
        "first_call": result.first_call.isoformat() if result.first_call else None,
        "last_call": result.last_call.isoformat() if result.last_call else None,
        "violations_found": any(f.verdict is Verdict.VIOLATION for f in result.findings),
        "not_checked": [f.rule.value for f in result.findings if f.verdict is Verdict.NOT_CHECKED],
        "findings": [
            {"rule": f.rule.value, "reference": f.reference, "summary": f.summary,
             "attempts_checked": f.attempts_checked, "violations": f.violations,
             "violation_rate": round(f.violation_rate, 6), "verdict": f.verdict.value, "note": f.note}
            for f in result.findings
        ],
        "dial_modes": [{"mode": m.mode, "attempts": m.attempts, "share": round(m.share, 6), "automated": m.automated}
                       for m in result.dial_modes],
        "automated_share": round(result.automated_share, 6),
        "campaigns": [{"campaign": c, "attempts": n, "automated_attempts": a,
                       "automated_share": round(a / n, 6) if n else 0.0} for c, n, a in result.campaigns],
        "bloctel_lists": [{"date": b.list_date.isoformat(), "numbers": len(b.hashes), "source": Path(b.source).name}
                          for b in settings.bloctel_lists],
        "exempt_when_contract_in_progress": sorted(r.value for r in settings.exemptions.contract_in_progress),
    }


def write_report(result: AuditResult, folder: str | Path, settings: AuditSettings | None = None,
                 violations_format: str = "parquet") -> list[Path]:
    """``findings.json``, ``violations.parquet`` (or ``.csv``) and ``totals.csv`` in ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    findings = out / "findings.json"
    findings.write_text(json.dumps(findings_payload(result, settings), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    violations = result.write_violations(out / f"violations.{'csv' if violations_format == 'csv' else 'parquet'}")
    totals = out / "totals.csv"
    table = result.totals()
    with totals.open("w", newline="", encoding="utf-8") as handle:  # campaign and team names made inert
        writer = csv.writer(handle)
        writer.writerow(table.column_names)
        writer.writerows(inert_row("" if v is None else v for v in row.values()) for row in table.to_pylist())
    return [findings, violations, totals]


#: Each rule in words (its code stays in the findings' JSON).
RULES = {
    "calling_hours": N_("calling hours"), "call_frequency": N_("calls per consumer"),
    "refusal_silence": N_("silence after a refusal"), "bloctel_opposition": N_("Bloctel opposition"),
    "bloctel_list_date": N_("age of the Bloctel list"), "prior_consent": N_("prior consent"),
    "automated_message_consent": N_("consent to recorded messages"), "automated_dialing": N_("automated dialing"),
}
VERDICTS = {"conform": N_("conform"), "violation": N_("violation"), "not_checked": N_("not checked")}
WEEKDAYS = {"Mon": N_("Mon"), "Tue": N_("Tue"), "Wed": N_("Wed"), "Thu": N_("Thu"), "Fri": N_("Fri"),
            "Sat": N_("Sat"), "Sun": N_("Sun")}
#: The sentences the audit writes (notes of rules not checked, reasons of violations), each shape with its
#: catalog message and the same named parts: a French report shows the French sentence with the same figures.
SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), m) for p, m in (
    (r"^no Bloctel list given \(--bloctel\)$", N_("no Bloctel list given (--bloctel)")),
    (r"^disabled by the audit settings$", N_("disabled by the audit settings")),
    (r"^column (?P<columns>.+) absent from the attempts$", N_("column {columns} absent from the attempts")),
    (r"^no attempt on or after (?P<day>\S+) \(rule not yet in force\)$",
     N_("no attempt on or after {day} (rule not yet in force)")),
    (r"^(?P<weekday>\w{3}) (?P<when>\S+ \S+ \S+): public holiday \((?P<holiday>.*)\)$",
     N_("{weekday} {when}: public holiday ({holiday})")),
    (r"^(?P<weekday>\w{3}) (?P<when>\S+ \S+ \S+): weekend$", N_("{weekday} {when}: weekend")),
    (r"^(?P<weekday>\w{3}) (?P<when>\S+ \S+ \S+): outside (?P<first>\S+) and (?P<second>\S+)$",
     N_("{weekday} {when}: outside {first} and {second}")),
    (r"^(?P<calls>\d+) or more calls to this consumer within (?P<days>\d+) days: (?P<earlier>\d+) earlier calls "
     r"since (?P<since>\S+) \(at most (?P<most>\d+)\)$",
     N_("{calls} or more calls to this consumer within {days} days: {earlier} earlier calls since {since} (at most "
        "{most})")),
    (r"^consumer refused on (?P<on>\S+), (?P<ago>-?\d+) day\(s\) earlier; no call for (?P<days>\d+) days$",
     N_("consumer refused on {on}, {ago} day(s) earlier; no call for {days} days")),
    (r"^number on the Bloctel list of (?P<on>\S+)$", N_("number on the Bloctel list of {on}")),
    (r"^no Bloctel list dated on or before the call \(first list: (?P<first>\S+)\)$",
     N_("no Bloctel list dated on or before the call (first list: {first})")),
    (r"^latest Bloctel list \((?P<on>\S+)\) is (?P<age>-?\d+) day\(s\) old at the call \(at most (?P<most>\d+)\)$",
     N_("latest Bloctel list ({on}) is {age} day(s) old at the call (at most {most})")),
    (r"^no consent reference and no contract in progress \(consent required from (?P<since>\S+)\)$",
     N_("no consent reference and no contract in progress (consent required from {since})")),
    (r"^recorded-message call without a consent reference$", N_("recorded-message call without a consent reference")),
    (r"^dialed in (?P<mode>\S+) mode$", N_("dialed in {mode} mode")),
))


def sentence(text: str, lang: str) -> str:
    """One of the audit's sentences in ``lang`` (as written when its shape is unknown)."""
    words = gettext(lang)
    for pattern, message in SENTENCES:
        found = pattern.match(text)
        if found:
            parts = found.groupdict()
            if "weekday" in parts:
                parts["weekday"] = words(WEEKDAYS.get(parts["weekday"], parts["weekday"]))
            return words(message).format(**parts)
    return text


def render_text(result: AuditResult, examples: int = 3, lang: str = "en") -> str:
    """A summary a compliance officer reads, in ``lang``: one line per rule, then a few violations of each."""
    _ = gettext(lang)
    first = formats.day(result.first_call, lang) if result.first_call else "—"
    last = formats.day(result.last_call, lang) if result.last_call else "—"
    lines = [_("{count} outbound attempts from {first} to {last}").format(
        count=formats.number(result.attempts, 0, lang), first=first, last=last)]
    names = {f.rule.value: _(RULES.get(f.rule.value, f.rule.value)) for f in result.findings}
    width = max(len(n) for n in names.values())
    for f in result.findings:
        detail = (_("{violations} of {checked} attempts").format(violations=formats.number(f.violations, 0, lang),
                                                                 checked=formats.number(f.attempts_checked, 0, lang))
                  if f.verdict is not Verdict.NOT_CHECKED else sentence(f.note, lang))
        verdict = _(VERDICTS.get(f.verdict.value, f.verdict.value))
        lines.append(f"  {names[f.rule.value]:<{width}}  {verdict:<11}  {detail}  [{f.reference}]")
    shares = ", ".join(f"{m.mode} {formats.percent(m.share, 1, lang)}" for m in result.dial_modes)
    lines.append(_("automated dialing (2010 charter): {share} of attempts ({modes})").format(
        share=formats.percent(result.automated_share, 1, lang), modes=shares))
    for f in result.findings:
        if f.violations and examples:
            for row in result.violations(f.rule, limit=examples).to_pylist():
                lines.append("  " + _("{rule}: {contact} consumer {consumer}… {reason}").format(
                    rule=names[f.rule.value], contact=row["contact_id"], consumer=str(row["consumer_hash"])[:12],
                    reason=sentence(str(row["reason"]), lang)))
    return "\n".join(lines)
