"""Achievable service: what given agents could deliver under a given (real) load.

The reverse of staffing. Settlement's fair evaluation (SP2C charter axis 2) asks: when the
client's volume left the agreed forecast band, what service could the staffing that the
forecast called for have given under the load that really came? That is
``achievable_service(actual_calls, period, actual_aht, agents=required_for_forecast, ...)``,
Erlang A when a patience is known, Erlang C otherwise; the provider is judged against it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from charte.workforce.abandonment import Convention, erlang_a_metrics
from charte.workforce.erlang import QueueMetrics, offered_load
from charte.workforce.validation import agent_numbers


def achievable_service(
    calls: ArrayLike,
    period_seconds: ArrayLike,
    aht_seconds: ArrayLike,
    agents: ArrayLike,
    *,
    sl_seconds: ArrayLike,
    patience_seconds: ArrayLike | None = None,
    convention: Convention = "offered",
    short_abandon_seconds: ArrayLike | None = None,
) -> QueueMetrics:
    """Service level, ASA, abandonment, occupancy that ``agents`` give for ``calls`` per period.

    Vectorised over intervals; fractional agents allowed. Overload gives defined figures
    (see :mod:`charte.workforce.erlang` and :mod:`charte.workforce.abandonment`).
    """
    load = offered_load(calls, period_seconds, aht_seconds)
    n = agent_numbers(agents, "agents", integral=False)
    patience = np.inf if patience_seconds is None else patience_seconds
    return erlang_a_metrics(
        load, n, aht_seconds, patience, sl_seconds, convention=convention, short_abandon_seconds=short_abandon_seconds
    )
