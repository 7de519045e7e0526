"""Outbound campaigns audited against the telephone-selling rules, call by call.

Hours and days, at most 4 calls per 30 days and 60 days of silence after a refusal (Code de la
consommation D. 223-9, the single article décret 2022-1313 inserted), the Bloctel opposition list (L223-1),
prior consent from 11 August 2026 (loi 2025-594), automated-message calls (CPCE L34-5) and
the 2010 charter's commitment to stop automated prospecting dialers. Rules are dated data
(:mod:`charte.telesales.rules`); the audit runs as relational expressions on DuckDB
(:mod:`charte.telesales.audit`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charte.telesales.attempts import AuditInputError
    from charte.telesales.audit import (
        SCORECARD_VERDICT,
        AuditResult,
        AuditSettings,
        DialModeShare,
        Finding,
        Verdict,
        audit_files,
        audit_table,
        run_audit,
        settings_for_policy,
    )
    from charte.telesales.bloctel import (
        BloctelList,
        hash_number,
        load_bloctel_list,
        normalize_number,
        save_hashed_list,
    )
    from charte.telesales.consumer_zones import ConsumerZone, consumer_zone
    from charte.telesales.rules import RULES, Exemptions, Rule, RuleVersion

# Each name is imported from its module when first used (PEP 562): the rules alone — which the 2010 charter's
# scorecard and the web application read — do not load the audit's DuckDB/Ibis stack (seconds at start-up).
_HOME = {
    "AuditInputError": "attempts",
    **dict.fromkeys(("SCORECARD_VERDICT", "AuditResult", "AuditSettings", "DialModeShare", "Finding", "Verdict",
                     "audit_files", "audit_table", "run_audit", "settings_for_policy"), "audit"),
    **dict.fromkeys(("BloctelList", "hash_number", "load_bloctel_list", "normalize_number", "save_hashed_list"),
                    "bloctel"),
    **dict.fromkeys(("ConsumerZone", "consumer_zone"), "consumer_zones"),
    **dict.fromkeys(("RULES", "Exemptions", "Rule", "RuleVersion"), "rules"),
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'charte.telesales' has no attribute {name!r}")
    return getattr(importlib.import_module(f"charte.telesales.{module}"), name)


__all__ = [
    "RULES", "SCORECARD_VERDICT", "AuditInputError", "AuditResult", "AuditSettings", "BloctelList", "ConsumerZone",
    "DialModeShare",
    "Exemptions", "Finding", "Rule", "RuleVersion", "Verdict", "audit_files", "audit_table", "consumer_zone",
    "hash_number", "load_bloctel_list", "normalize_number", "run_audit", "save_hashed_list", "settings_for_policy",
]
