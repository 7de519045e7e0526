"""Workforce math: Erlang B, C and A, staffing for targets, achievable service, queue simulation.

Pure numpy/scipy, vectorised over arrays of intervals, stable from 0.01 to beyond 20,000
Erlangs. See each module's docstring for its formulas and sources.
"""

from __future__ import annotations

from charte.workforce.abandonment import erlang_a_metrics
from charte.workforce.erlang import QueueMetrics, erlang_b, erlang_c, erlang_c_metrics, offered_load
from charte.workforce.queue_simulation import QueueOutcome, simulate_queue
from charte.workforce.staffing import StaffingTargets, required_agents
from charte.workforce.validation import WorkforceInputError

__all__ = [
    "QueueMetrics",
    "QueueOutcome",
    "StaffingTargets",
    "WorkforceInputError",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
    "required_agents",
    "simulate_queue",
]
