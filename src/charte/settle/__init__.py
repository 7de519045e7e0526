"""The settlement engine (SP2C 2019 charter, axes 1, 2, 3, 5): what the provider bills for a month, and why.

``settle(contract, period, facts) -> Settlement`` is a pure function (:mod:`charte.settle.engine`);
facts are typed and validated at the edge (:mod:`charte.settle.facts`); each line carries its
explanation as data, rendered in French and English by :mod:`charte.settle.explain`.
"""

from charte.settle.engine import ENGINE_VERSION, Settlement, inputs_digest, settle
from charte.settle.facts import (
    Facts,
    ForecastSeries,
    Incident,
    IndexValue,
    IntervalBlock,
    MeasuredKpi,
    Problem,
    ReferenceStamp,
    SettlementError,
    StaffingBlock,
    Successes,
    interval_block,
)
from charte.settle.lines import Explanation, InvoiceLine, LineKind

__all__ = [
    "ENGINE_VERSION", "Explanation", "Facts", "ForecastSeries", "Incident", "IndexValue", "IntervalBlock",
    "InvoiceLine", "LineKind", "MeasuredKpi", "Problem", "ReferenceStamp", "Settlement", "SettlementError",
    "StaffingBlock", "Successes", "inputs_digest", "interval_block", "settle",
]
