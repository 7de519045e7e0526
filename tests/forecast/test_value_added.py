import numpy as np
import pytest

from charte.forecast.value_added import ValueAddedError, forecast_value_added, value_added_by_horizon

ACTUAL = np.array([100.0, 200.0, 100.0, np.nan])
CLIENT = np.array([110.0, 190.0, 100.0, 80.0])  # |e| = 10, 10, 0  → WAPE 20/400 = 5 %
BASELINE = np.array([80.0, 220.0, 130.0, 90.0])  # |e| = 20, 20, 30 → WAPE 70/400 = 17.5 %


def test_value_added_is_the_baseline_wape_minus_the_committed_wape_on_common_periods() -> None:
    fva = forecast_value_added(ACTUAL, CLIENT, BASELINE, horizon="W-1")
    assert fva.committed.wape == pytest.approx(0.05)
    assert fva.baseline.wape == pytest.approx(0.175)
    assert fva.value_added == pytest.approx(0.125)
    assert fva.relative_value_added == pytest.approx(1 - 0.05 / 0.175)
    assert fva.committed.bias == pytest.approx(0.0) and fva.baseline.bias == pytest.approx(30 / 400)
    assert (fva.periods_scored, fva.periods_left_out, fva.verdict) == (3, 1, "client_better")
    assert "W-1: the committed forecast (WAPE 5.0%) was better than" in fva.explanation()


def test_a_period_missing_on_either_side_is_scored_for_neither() -> None:
    client = CLIENT.copy()
    client[2] = np.nan  # the client did not forecast period 3: the baseline's 30-call miss there is not counted
    fva = forecast_value_added(ACTUAL, client, BASELINE, horizon="M-1")
    assert fva.baseline.wape == pytest.approx(40 / 300)
    assert fva.committed.wape == pytest.approx(20 / 300)


def test_worse_and_equal_verdicts() -> None:
    assert forecast_value_added(ACTUAL, BASELINE, CLIENT, horizon="h").verdict == "baseline_better"
    assert forecast_value_added(ACTUAL, CLIENT, CLIENT, horizon="h").verdict == "equal"
    assert forecast_value_added(ACTUAL, CLIENT, BASELINE, horizon="h", tolerance=0.2).verdict == "equal"


def test_horizons_are_scored_separately_and_a_missing_baseline_is_an_error() -> None:
    results = value_added_by_horizon(ACTUAL, {"M-1": BASELINE, "W-1": CLIENT}, {"M-1": BASELINE, "W-1": BASELINE})
    assert [(r.horizon, r.verdict) for r in results] == [("M-1", "equal"), ("W-1", "client_better")]
    with pytest.raises(ValueAddedError, match="fva_missing_baseline"):
        value_added_by_horizon(ACTUAL, {"W-1": CLIENT}, {})
    with pytest.raises(ValueAddedError, match="fva_shape_mismatch"):
        forecast_value_added(ACTUAL, CLIENT[:2], BASELINE, horizon="W-1")
