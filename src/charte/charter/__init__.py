"""The charter scorecard (SP2C 2019 charter's eight axes, 2010 charter): a contract and its history judged.

Public names: :func:`scorecard` and :class:`Scorecard`; :class:`Finding` (axis, verdict, reason in
French and English, figures, reference); the optional observations :class:`PaymentRecord` and
:class:`IvrObservation`; the axis-4 cost floor (:func:`floor_parameters`, :func:`cost_floor`).
"""

from charte.charter.evidence import IvrObservation, PaymentRecord
from charte.charter.findings import AXES, Finding, Verdict
from charte.charter.history import SettledMonth, month_of, read_history
from charte.charter.price_floor import FloorBreakdown, Parameter, PriceFloorError, cost_floor, floor_parameters
from charte.charter.scorecard import Scorecard, scorecard

__all__ = [
    "AXES", "Finding", "FloorBreakdown", "IvrObservation", "Parameter", "PaymentRecord", "PriceFloorError",
    "Scorecard", "SettledMonth", "Verdict", "cost_floor", "floor_parameters", "month_of", "read_history",
    "scorecard",
]
