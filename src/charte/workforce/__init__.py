"""Workforce math: Erlang B, C and A, staffing for targets, achievable service, queue simulation.

Pure numpy/scipy, vectorised over arrays of intervals, stable from 0.01 to beyond 20,000
Erlangs. See each module's docstring for its formulas and sources.
"""

from __future__ import annotations

from charte.workforce.abandonment import erlang_a_metrics
from charte.workforce.achievable import achievable_service
from charte.workforce.erlang import QueueMetrics, erlang_b, erlang_c, erlang_c_metrics, offered_load
from charte.workforce.queue_simulation import QueueOutcome, simulate_queue
from charte.workforce.staffing import (
    StaffingResult,
    StaffingTargets,
    TargetCheck,
    TargetLevels,
    chat_required_agents,
    required_agents,
    scheduled_fte,
    staff_for_targets,
    target_levels,
)
from charte.workforce.validation import WorkforceInputError

__all__ = [
    "QueueMetrics",
    "QueueOutcome",
    "StaffingResult",
    "StaffingTargets",
    "TargetCheck",
    "TargetLevels",
    "WorkforceInputError",
    "achievable_service",
    "chat_required_agents",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
    "required_agents",
    "scheduled_fte",
    "simulate_queue",
    "staff_for_targets",
    "target_levels",
]
