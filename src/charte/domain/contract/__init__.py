"""The contract model: every clause of an outsourcing contract under the SP2C charters, typed and frozen.

Public names: :class:`Contract`, :class:`Activity`, :class:`Function`, the clause types of each
charter axis, and :class:`Finding` for the problems a contract document can have.
"""

from charte.domain.contract.activities import Activity, Function
from charte.domain.contract.amendments import Amendment, apply_patch
from charte.domain.contract.bonus_malus import BonusMalus, BonusRule, Grid, MalusRule, OverallCap
from charte.domain.contract.charter_2010 import (
    Certification,
    Charter2010,
    HeldCertification,
    IvrPolicy,
    OutboundDialing,
)
from charte.domain.contract.exit import Exit, RampDown
from charte.domain.contract.forecast_commitments import (
    FairEvaluation,
    ForecastCommitments,
    Horizon,
    IntervalBand,
    MinimumBilling,
    VolumeBand,
)
from charte.domain.contract.indexation import Indexation, RevisionFormula
from charte.domain.contract.liability import Liability
from charte.domain.contract.model import Contract
from charte.domain.contract.parties import Party, Provider, Site, Term
from charte.domain.contract.payment_terms import LatePenalty, PaymentTerms
from charte.domain.contract.price_floor import PriceFloor
from charte.domain.contract.pricing import (
    FixedMonthly,
    PerHandledContact,
    PerMinute,
    PerProductiveHour,
    Pricing,
    SuccessFee,
    Tier,
)
from charte.domain.contract.problems import Finding
from charte.domain.contract.quantities import CalendarSpanValue, MonthDay
from charte.domain.contract.service_commitments import (
    Abandonment,
    AnswerRate,
    AverageSpeedOfAnswer,
    Conversion,
    Evaluation,
    Exclusion,
    FirstContactResolution,
    QualityScore,
    ResponseTime,
    ServiceCommitment,
    ServiceLevel,
)
from charte.domain.contract.validation import Validation, validate_document

__all__ = [
    "Abandonment", "Activity", "Amendment", "AnswerRate", "AverageSpeedOfAnswer", "BonusMalus", "BonusRule",
    "CalendarSpanValue", "Certification", "Charter2010", "Contract", "Conversion", "Evaluation", "Exclusion", "Exit",
    "FairEvaluation",
    "Finding", "FirstContactResolution", "FixedMonthly", "ForecastCommitments", "Function", "Grid", "HeldCertification",
    "Horizon", "Indexation", "IntervalBand", "IvrPolicy", "LatePenalty", "Liability", "MalusRule", "MinimumBilling",
    "MonthDay",
    "OutboundDialing", "OverallCap", "Party", "PaymentTerms", "PerHandledContact", "PerMinute", "PerProductiveHour",
    "PriceFloor", "Pricing", "Provider", "QualityScore", "RampDown", "ResponseTime", "RevisionFormula",
    "ServiceCommitment", "ServiceLevel", "Site", "SuccessFee", "Term", "Tier", "Validation", "VolumeBand",
    "apply_patch", "validate_document",
]
