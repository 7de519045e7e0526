"""Statistical checks of the demo generator against its own stated process.

The generator is deterministic for a seed, so each check is a fixed computation; the bounds
are the usual 4-sigma (or p > 0.001) limits a correct generator passes with high probability
for any seed, and a wrong rate, shape or queue fails by far.
"""

from datetime import date

import numpy as np
import pyarrow.compute as pc
import pytest
from scipy import stats

from charte.demo.month import Assumptions, generate_month
from charte.domain.calendar import PARIS, Month
from charte.domain.opening_hours import OpeningHours

HOURS = OpeningHours.parse("Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off")
OCTOBER = Month(2026, 10)
SMALL = Assumptions(monthly_calls=12_000)


@pytest.fixture(scope="module")
def october():
    return generate_month("service-inbound", HOURS, OCTOBER, seed=7, assumptions=SMALL)


def test_counts_per_interval_are_poisson_at_the_intended_rate(october):
    offered = october.interval_report["offered"].to_numpy()
    lam = october.expected_calls
    open_ = lam > 0
    assert offered[~open_].sum() == 0  # nobody arrives while closed
    n, m = offered[open_], lam[open_]
    k = n.size
    dispersion = float(((n - m) ** 2 / m).sum())  # Pearson statistic, ~ chi2(k) under Poisson(m)
    assert abs(dispersion - k) < 4 * np.sqrt(2 * k), (dispersion, k)
    assert abs((n - m).sum()) < 4 * np.sqrt(m.sum())


def test_intraday_shape_follows_the_real_profile(october):
    from charte.demo.arrival_profile import embedded

    report = october.interval_report
    local = [t.astimezone(PARIS) for t in report["interval_start"].to_pylist()]
    offered = report["offered"].to_numpy()
    slot = np.array([(t.hour * 60 + t.minute - 8 * 60) // 30 for t in local])
    weekday = np.array([t.weekday() for t in local]) < 5
    by_slot = np.array([offered[weekday & (slot == s)].sum() for s in range(24)], dtype=float)
    p = embedded().intraday.mean(axis=0)
    ref = np.array([p[(8 * 60 + 30 * s - 7 * 60) // 5:(8 * 60 + 30 * s - 7 * 60) // 5 + 6].sum() for s in range(24)])
    assert np.corrcoef(by_slot, ref)[0, 1] > 0.97


def test_handle_times_are_lognormal_with_the_stated_mean(october):
    rec = october.records
    answered = pc.equal(rec["outcome"], "answered").to_numpy(zero_copy_only=False)
    handle = rec["handle_seconds"].to_numpy()[answered]
    start, end = october.incidents[0].start, october.incidents[0].end
    arrived = np.array([t.timestamp() for t in rec["arrived_at"].to_pylist()])[answered]
    outside = (arrived < start.timestamp()) | (arrived >= end.timestamp())
    handle = handle[outside]
    a = SMALL
    sigma = np.sqrt(np.log1p(a.handle_cv**2))
    mu = np.log(a.aht_seconds) - sigma**2 / 2
    assert abs(handle.mean() - a.aht_seconds) < 4 * a.aht_seconds * a.handle_cv / np.sqrt(handle.size)
    assert stats.kstest(np.log(handle), "norm", args=(mu, sigma)).pvalue > 0.001


def test_parts_add_up(october):
    rep = october.interval_report
    assert (rep["handled"].to_numpy() + rep["abandoned"].to_numpy() == rep["offered"].to_numpy()).all()
    rec = october.records
    answered = pc.equal(rec["outcome"], "answered").to_numpy(zero_copy_only=False)
    parts = sum(rec[c].to_numpy()[answered] for c in ("talk_seconds", "hold_seconds", "wrap_seconds"))
    assert np.allclose(parts, rec["handle_seconds"].to_numpy()[answered])
    assert (rec["handle_seconds"].to_numpy()[~answered] == 0).all()
    assert rec.num_rows == rep["offered"].to_numpy().sum()
    assert len(set(rec["contact_id"].to_pylist())) == rec.num_rows


def test_abandonment_rises_when_agents_are_cut():
    def run(factor: float) -> tuple[float, float]:
        m = generate_month("x", HOURS, OCTOBER, seed=11,
                           assumptions=Assumptions(monthly_calls=8_000, staffing_factor=factor))
        s = m.summary()
        return s["abandoned"] / s["offered"], s["service_level"]

    (ab_low, sl_low), (ab_mid, sl_mid), (ab_high, sl_high) = run(0.7), run(1.0), run(1.3)
    assert ab_low > ab_mid > ab_high
    assert sl_low < sl_mid < sl_high


def test_same_seed_same_month_other_seed_other_month():
    a = generate_month("x", HOURS, Month(2026, 2), seed=3, assumptions=Assumptions(monthly_calls=3_000))
    b = generate_month("x", HOURS, Month(2026, 2), seed=3, assumptions=Assumptions(monthly_calls=3_000))
    c = generate_month("x", HOURS, Month(2026, 2), seed=4, assumptions=Assumptions(monthly_calls=3_000))
    assert a.records.equals(b.records) and a.forecasts.equals(b.forecasts)
    assert not a.records.equals(c.records)


def test_forecasts_miss_the_unannounced_mailing(october):
    f = october.forecasts
    m1 = f.filter(pc.equal(f["horizon"], "M-1"))
    open_days = [d for d in OCTOBER.days() if HOURS.is_open_on(d)]
    assert m1.num_rows == len(open_days)
    w1 = f.filter(pc.equal(f["horizon"], "W-1"))
    assert w1["granularity"].unique().to_pylist() == ["30min"]
    # the W-1 forecast is issued before the week it covers
    starts = [t.astimezone(PARIS).date() for t in w1["period_start"].to_pylist()]
    assert all(i < s for i, s in zip(w1["issued_on"].to_pylist(), starts, strict=True))


def test_round_the_clock_activity_on_the_25_hour_day():
    m = generate_month("nuit", OpeningHours.parse("24/7"), OCTOBER, seed=5,
                       assumptions=Assumptions(monthly_calls=5_000))
    starts = [t.astimezone(PARIS) for t in m.interval_report["interval_start"].to_pylist()]
    assert m.interval_report.num_rows == 31 * 48 + 2
    assert sum(1 for t in starts if t.date() == date(2026, 10, 25)) == 50
    assert m.expected_calls[[t.date() == date(2026, 10, 25) for t in starts]].min() > 0
