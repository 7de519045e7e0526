"""Disputes and mediation: contest an invoice, recompute what-ifs, bring in a mediator, settle with a credit note.

"A dispute is settled by recomputing, not by arguing": a what-if re-settles the issued month
from the same evidence with stated changes and shows, line by line, what would differ
(:mod:`~charte.disputes.whatif`); the dispute's thread of immutable steps and its rules
(:mod:`~charte.disputes.thread`); the correcting document an agreement produces
(:mod:`~charte.disputes.correction`); what stays payable while a part is disputed
(:mod:`~charte.disputes.undisputed`). Pure: no I/O, no clock.
"""

from charte.disputes.changes import (
    CHANGE_KINDS,
    Change,
    CorrectedIntervalReport,
    EvaluationMode,
    ExcludeIncident,
    IncludeIncident,
    IndexValueChange,
    UseForecastVersion,
    VolumeBandChange,
    apply_changes,
    change_as_dict,
    parse_changes,
)
from charte.disputes.correction import correcting_document
from charte.disputes.evidence import ForecastVersionId, IntervalReportVersion, MonthEvidence, incident_id, incident_ids
from charte.disputes.thread import (
    IN_DISPUTE,
    REASON_AXIS,
    REFUSED,
    Actor,
    Claim,
    Entry,
    Kind,
    Pending,
    Reason,
    Scope,
    State,
    Status,
    broken_links,
    chain,
    check_claim,
    check_step,
    pending_answers,
    recipients,
    state,
)
from charte.disputes.undisputed import DisputedStatement, disputed_statement
from charte.disputes.whatif import (
    FigureChange,
    IssuedSettlement,
    LineDifference,
    Totals,
    VerdictDifference,
    WhatIf,
    line_differences,
    whatif,
)

__all__ = [
    "CHANGE_KINDS", "IN_DISPUTE", "REASON_AXIS", "REFUSED", "Actor", "Change", "Claim", "CorrectedIntervalReport",
    "DisputedStatement", "Entry", "EvaluationMode", "ExcludeIncident", "FigureChange", "ForecastVersionId",
    "IncludeIncident", "IndexValueChange", "IntervalReportVersion", "IssuedSettlement", "Kind", "LineDifference",
    "MonthEvidence", "Pending", "Reason", "Scope", "State", "Status", "Totals", "UseForecastVersion",
    "VerdictDifference", "VolumeBandChange", "WhatIf", "apply_changes", "broken_links", "chain", "change_as_dict",
    "check_claim", "check_step", "correcting_document", "disputed_statement", "incident_id", "incident_ids",
    "line_differences", "parse_changes", "pending_answers", "recipients", "state", "whatif",
]
