"""The audit's report: findings as JSON, violations and totals as Parquet/CSV, a text summary.

Everything written here comes from :class:`~charte.telesales.audit.AuditResult` and carries
hashes only (``consumer_hash``, ``number_hash``): no phone number, no salt.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from charte.domain.cells import inert_row
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


def render_text(result: AuditResult, examples: int = 3) -> str:
    """A summary a compliance officer reads: one line per rule, then a few violations of each."""
    lines = [f"{result.attempts:,} outbound attempts from {result.first_call:%Y-%m-%d} to {result.last_call:%Y-%m-%d}"]
    width = max(len(f.rule.value) for f in result.findings)
    for f in result.findings:
        detail = (f"{f.violations:,} of {f.attempts_checked:,} attempts" if f.verdict is not Verdict.NOT_CHECKED
                  else f.note)
        lines.append(f"  {f.rule.value:<{width}}  {f.verdict.value:<11}  {detail}  [{f.reference}]")
    shares = ", ".join(f"{m.mode} {m.share:.1%}" for m in result.dial_modes)
    lines.append(f"automated dialing (2010 charter): {result.automated_share:.1%} of attempts ({shares})")
    for f in result.findings:
        if f.violations and examples:
            for row in result.violations(f.rule, limit=examples).to_pylist():
                lines.append(f"  {f.rule.value}: {row['contact_id']} consumer {str(row['consumer_hash'])[:12]}… "
                             f"{row['reason']}")
    return "\n".join(lines)
