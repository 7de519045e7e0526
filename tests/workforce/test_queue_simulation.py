"""The FCFS queue simulator: hand-worked timelines, then agreement with Erlang A statistically."""

from __future__ import annotations

import math

import numpy as np
import pytest

from charte.workforce import WorkforceInputError, erlang_a_metrics, simulate_queue

INF = math.inf


def run(arrivals, service, patience, change_times=(0.0,), agent_counts=(1,)):
    return simulate_queue(
        np.asarray(arrivals, float), np.asarray(service, float), np.asarray(patience, float),
        np.asarray(change_times, float), np.asarray(agent_counts, np.int64),
    )


def test_one_agent_serves_in_arrival_order() -> None:
    out = run([0, 1, 2], [10, 10, 10], [INF] * 3)
    assert out.answer_time.tolist() == [0, 10, 20]
    assert out.wait.tolist() == [0, 9, 18]
    assert out.answered.all()
    assert out.agent.tolist() == [0, 0, 0]


def test_impatient_caller_leaves_and_frees_the_place_in_line() -> None:
    out = run([0, 1, 2], [10, 10, 10], [INF, 5, INF])
    assert out.answered.tolist() == [True, False, True]
    assert out.wait.tolist() == [0, 5, 8]  # caller 1 hangs up at 6; caller 2 answered at 10
    assert math.isnan(out.answer_time[1])
    assert out.agent.tolist() == [0, -1, 0]


def test_caller_answered_exactly_at_its_patience_counts_as_answered() -> None:
    out = run([0, 1], [10, 5], [INF, 9])
    assert out.answered.tolist() == [True, True]
    assert out.wait[1] == 9


def test_two_agents_take_the_lowest_free_number() -> None:
    out = run([0, 0, 1, 15], [10, 20, 3, 1], [INF] * 4, agent_counts=(2,))
    assert out.answer_time.tolist() == [0, 0, 10, 15]
    assert out.agent.tolist() == [0, 1, 0, 0]


def test_count_drop_lets_busy_agents_finish_and_blocks_new_calls() -> None:
    # From t=5 only one agent is scheduled: the two busy agents finish (ends 10 and 20) and
    # nobody is answered until fewer than one agent is busy, i.e. at 20.
    out = run([0, 0, 1, 2], [10, 20, 1, 1], [INF] * 4, change_times=(0, 5), agent_counts=(2, 1))
    assert out.answer_time.tolist() == [0, 0, 20, 21]
    assert out.agent.tolist() == [0, 1, 0, 0]


def test_count_rise_answers_a_waiting_caller_at_the_change() -> None:
    out = run([0, 1], [100, 1], [INF, INF], change_times=(0, 5), agent_counts=(1, 2))
    assert out.answer_time.tolist() == [0, 5]
    assert out.agent.tolist() == [0, 1]


def test_closed_queue_opens_later_or_callers_give_up() -> None:
    assert run([10], [5], [INF], change_times=(0, 100), agent_counts=(0, 1)).answer_time.tolist() == [100]
    gave_up = run([10], [5], [50], change_times=(0, 100), agent_counts=(0, 1))
    assert not gave_up.answered[0] and gave_up.wait[0] == 50
    never = run([10], [5], [INF], agent_counts=(0,))
    assert not never.answered[0] and never.wait[0] == INF and never.agent[0] == -1


def test_empty_input_gives_empty_outcome() -> None:
    out = run([], [], [])
    assert out.wait.size == 0 and out.agent.dtype == np.int64


@pytest.mark.parametrize(
    ("kwargs", "argument", "code"),
    [
        ({"arrivals": [2.0, 1.0]}, "arrivals", "not_sorted"),
        ({"service": [1.0, 0.0]}, "service", "not_positive"),
        ({"service": [1.0, float("nan")]}, "service", "not_a_number"),
        ({"patience": [1.0, -1.0]}, "patience", "negative_value"),
        ({"service": [1.0]}, "service", "length_mismatch"),
        ({"change_times": [5.0]}, "change_times", "schedule_starts_late"),
        ({"agent_counts": [-1]}, "agent_counts", "not_whole_agents"),
        ({"agent_counts": [1, 2]}, "agent_counts", "length_mismatch"),
    ],
)
def test_bad_input_names_the_argument(kwargs: dict[str, list[float]], argument: str, code: str) -> None:
    base: dict[str, list[float]] = {
        "arrivals": [1.0, 2.0], "service": [1.0, 1.0], "patience": [INF, INF], "change_times": [0.0],
        "agent_counts": [1],
    }
    base.update(kwargs)
    with pytest.raises(WorkforceInputError) as caught:
        simulate_queue(*(np.asarray(base[k]) for k in base))
    assert caught.value.argument == argument
    assert caught.value.code == code
    assert f"`{argument}`" in str(caught.value)


@pytest.mark.slow
def test_simulation_agrees_with_erlang_a_within_its_confidence_interval() -> None:
    """M/M/14+M at 10 Erlangs (AHT 180 s, patience 300 s): 40 batches of 5,000 callers.

    Batch means give a standard error; the exact Erlang A figure must lie within 4 standard
    errors (two-sided, about 1 in 15,000 by chance; the seed is fixed, so the test is stable).
    """
    rng = np.random.default_rng(20191029)
    callers, batches = 200_000, 40
    arrivals = np.cumsum(rng.exponential(18.0, callers))
    service = rng.exponential(180.0, callers)
    patience = rng.exponential(300.0, callers)
    out = simulate_queue(arrivals, service, patience, np.array([0.0]), np.array([14]))
    exact = erlang_a_metrics(10.0, 14, 180.0, 300.0, 20.0)
    warm = callers // batches  # the first batch is the warm-up from an empty system
    samples = {
        "service_level": (out.answered & (out.wait <= 20.0))[warm:],
        "abandonment": ~out.answered[warm:],
        "probability_of_waiting": (out.wait > 0)[warm:],
        "mean_wait_seconds": out.wait[warm:],
    }
    for name, values in samples.items():
        means = values.astype(float).reshape(batches - 1, -1).mean(axis=1)
        centre, error = means.mean(), means.std(ddof=1) / math.sqrt(means.size)
        expected = float(getattr(exact, name))
        assert abs(centre - expected) <= 4 * error, (name, centre, expected, error)
    answered_wait = out.wait[warm:][out.answered[warm:]]
    assert abs(answered_wait.mean() - float(exact.asa_seconds)) < 0.05 * float(exact.asa_seconds)
