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
from charte.disputes.evidence import Evidence, ForecastVersionId, IntervalReportVersion, incident_id, incident_ids
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
    "CHANGE_KINDS", "Change", "CorrectedIntervalReport", "EvaluationMode", "Evidence", "ExcludeIncident",
    "FigureChange", "ForecastVersionId", "IncludeIncident", "IndexValueChange", "IntervalReportVersion",
    "IssuedSettlement", "LineDifference", "Totals", "UseForecastVersion", "VerdictDifference", "VolumeBandChange",
    "WhatIf", "apply_changes", "change_as_dict", "incident_id", "incident_ids", "line_differences", "parse_changes",
    "whatif",
]
