"""The charter follow-up barometer by hand: shares per axis, a withheld fail count protected by subtraction,
a semester withheld whole, the failing points, a member's position; sharing refused without opt-in;
publications frozen once per period, a leaving member, tampering detected; the demo scorecards."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from charte.charter import AXES
from charte.observatory import Declaration, DeclarationLine, DeclarationStore, Member, MemberRegistry
from charte.observatory.charter_followup import (
    SharedScorecard,
    build_charter_barometer,
    member_position,
    share_scorecards,
)
from charte.observatory.demo_scorecards import demo_scorecards
from charte.observatory.publications import (
    PublicationError,
    charter_published,
    employment_rows,
    load_publications,
    publish_charter,
    publish_employment,
)

SIRENS = {"a": "552100554", "b": "732829320", "c": "542065479", "d": "443061841"}


def _card(member: str, n: int, semester: str, **verdicts: str) -> SharedScorecard:
    every = dict.fromkeys(AXES, "pass")
    failing = []
    for axis, verdict in verdicts.items():
        key = axis.removeprefix("axis")
        every[key] = verdict
        if verdict == "fail":
            failing.append({"1": "1:minimum_billing_clause", "3": "3:symmetry"}[key])
    return SharedScorecard(siren=SIRENS[member], contract=f"{member}{n}", semester=semester, verdicts=every,
                           failing=tuple(failing))


def _cards() -> list[SharedScorecard]:
    s1 = [_card("a", 1, "2025-S1", axis3="fail", axis1="fail"), _card("a", 2, "2025-S1", axis3="fail"),
          _card("b", 1, "2025-S1", axis1="fail"), _card("b", 2, "2025-S1"),
          _card("c", 1, "2025-S1", axis1="fail"), _card("c", 2, "2025-S1"), _card("d", 1, "2025-S1")]
    s2 = [_card("a", 1, "2025-S2"), _card("b", 1, "2025-S2", axis3="fail")]
    return s1 + s2


def test_charter_followup_by_hand() -> None:
    barometer = build_charter_barometer(_cards())
    s1 = "2025-S1"
    # 7 contracts from 4 members (largest 2 of 7 = 29% ≤ 80%): published.
    assert barometer.cell(s1, "1", "total")["value"] == "7"
    # Axis 1: 3 failing contracts of a, b, c (one each) — 3/7 = 0.429; 4 passing = 0.571.
    assert barometer.share(s1, "1", "fail") == Decimal("0.429")
    assert barometer.share(s1, "1", "pass") == Decimal("0.571")
    # Axis 3: the 2 failing contracts are both a's (1 member): withheld (s). With the total 7 public and warn and
    # not-enough-data published as 0, pass = 5 would give fail = 7 − 5 − 0 − 0: pass is withheld too (c).
    assert barometer.cell(s1, "3", "fail")["flag"] == "s" and barometer.cell(s1, "3", "fail")["value"] == ""
    assert barometer.cell(s1, "3", "pass")["flag"] == "c" and barometer.cell(s1, "3", "pass")["value"] == ""
    assert barometer.cell(s1, "3", "warn")["value"] == "0"
    # Every other axis: all 7 pass.
    assert barometer.share(s1, "5", "pass") == Decimal("1.000")
    # The failing points: "no minimum billing" rests on 3 members → listed (3/7); "malus without bonus" on 1 → not.
    assert [(f["item"], f["share"]) for f in barometer.findings if f["semester"] == s1] == \
        [("minimum_billing_clause", "0.429")]
    # 2025-S2: 2 members share scorecards (fewer than 3): the whole semester is withheld, nothing is recoverable.
    assert {r["flag"] for r in barometer.rows if r["semester"] == "2025-S2"} == {"s"}
    assert {r["value"] for r in barometer.rows if r["semester"] == "2025-S2"} == {""}
    assert barometer.cell("2025-S2", "1", "pass")["change"] == ""
    # a's own position: its 2 contracts, both failing axis 3.
    assert member_position(_cards(), SIRENS["a"], s1)["3"] == {"pass": 0, "warn": 0, "fail": 2, "not_enough_data": 0}


def test_charter_followup_trend_between_published_semesters() -> None:
    later = [_card(m, n, "2025-S2") for m, n in (("a", 1), ("b", 1), ("c", 1), ("d", 1))]
    barometer = build_charter_barometer([c for c in _cards() if c.semester == "2025-S1"] + later)
    # Axis 1 pass share 4/7 = 0.571 in S1, 4/4 = 1.000 in S2: +0.429.
    assert barometer.cell("2025-S2", "1", "pass")["change"] == "0.429"


def _folder(tmp_path: Path, **changes: object) -> Path:
    members = tuple(Member(company=f"Membre {k}", siren=s, scorecards_opt_in=k != "d", member_since=date(2010, 1, 1))
                    for k, s in SIRENS.items())
    MemberRegistry(members).save(tmp_path)
    return tmp_path


def test_sharing_needs_the_opt_in_and_complete_verdicts(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    bad = _cards()[6].model_copy(update={"verdicts": {"1": "pass"}})           # d has not opted in, axes missing
    stored, problems = share_scorecards(folder, [_cards()[0], bad])
    assert stored == []
    assert [(p.line, p.code) for p in problems] == [(2, "not_opted_in"), (2, "incomplete_scorecard")]
    stored, problems = share_scorecards(folder, _cards()[:6])
    assert problems == [] and len(stored) == 6


def _declaration(siren: str, period: str, head: int) -> Declaration:
    line = DeclarationLine(site="Brest", country="FR", region="Bretagne", function="service", category="employee",
                           headcount=head, hires=1, work_study=0, training_hours=Decimal(0))
    return Declaration(siren=siren, period=period, lines=(line,))


def test_publications_are_frozen_once_per_period_and_a_leaver_leaves_only_the_future(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    store = DeclarationStore(folder)
    for k, (siren, head) in enumerate(zip(SIRENS.values(), (100, 110, 120, 130), strict=True)):
        store.record(_declaration(siren, "2025-S1", head))
        store.record(_declaration(siren, "2025-S2", head + k))
    first = publish_employment(folder, datetime(2026, 1, 15, tzinfo=UTC), periods=("2025-S1",))
    total = {r["period"]: r["value"] for r in employment_rows(folder)
             if r["table"] == "period" and r["column"] == "total" and r["measure"] == "headcount"}
    assert total == {"2025-S1": "460"}                                         # 100 + 110 + 120 + 130
    with pytest.raises(PublicationError, match="period_already_published"):
        publish_employment(folder, datetime(2026, 2, 1, tzinfo=UTC), periods=("2025-S1",))
    registry = MemberRegistry.load(folder)
    leaver = registry.get(SIRENS["d"])
    assert leaver is not None
    registry.with_member(leaver.model_copy(update={"left_on": date(2026, 2, 1)})).save(folder)
    publish_employment(folder, datetime(2026, 3, 1, tzinfo=UTC))                # only 2025-S2, without d
    total = {r["period"]: r["value"] for r in employment_rows(folder)
             if r["table"] == "period" and r["column"] == "total" and r["measure"] == "headcount"}
    assert total == {"2025-S1": "460", "2025-S2": "333"}                       # 100 + 111 + 122, d gone
    assert load_publications(folder, "employment")[0] == first                  # the past stays as published
    published = next((folder / "publications").glob("employment-2025-S1_*"))
    doc = json.loads(published.read_text(encoding="utf-8"))
    assert "130" not in json.dumps([r for r in doc["content"]["rows"] if r["flag"]])  # withheld: no value kept
    doc["content"]["rows"][0]["value"] = "999"
    published.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PublicationError, match="publication_altered"):
        load_publications(folder)


def test_charter_publication_counts_only_members_still_sharing(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    share_scorecards(folder, [c for c in _cards() if c.siren != SIRENS["d"]])
    publication = publish_charter(folder, datetime(2026, 1, 15, tzinfo=UTC))
    assert publication.periods == ("2025-S1", "2025-S2") and publication.members == 3
    barometer = charter_published(folder)
    # Without d (not opted in), 2025-S1 has 6 contracts: a's 2 fail axis 3, b's and c's 4 pass it. a, knowing
    # its own 2 and the public 6, would learn that b and c passed axis 3 at most 4 times — exactly their count —
    # and no other count can hide that while the 6 is public: the semester is withheld whole.
    assert {r["flag"] for r in barometer.rows if r["semester"] == "2025-S1"} == {"s"}
    with pytest.raises(PublicationError, match="nothing_to_publish"):
        publish_charter(folder, datetime(2026, 2, 1, tzinfo=UTC))


def test_demo_scorecards_come_from_varied_contracts_scored_for_real() -> None:
    members = [Member(company=f"M{i}", siren=s, scorecards_opt_in=True, sites=())
               for i, s in enumerate(SIRENS.values())]
    cards = demo_scorecards(members, seed=7)
    assert cards and {c.siren for c in cards} == set(SIRENS.values())
    assert all(set(c.verdicts) == set(AXES) for c in cards)
    failing = {f for c in cards for f in c.failing}
    # Points the varied clauses must produce through the real scorecard (see demo_scorecards.CHANGES).
    assert failing <= {"1:minimum_billing_clause", "3:symmetry", "4:price_floor", "5:indexation_clause",
                       "7:notice", "7:ramp_down", "8:liability_cap", "2010:certifications"}
    assert demo_scorecards(members, seed=7) == cards


def _interval(target: list[int], equations: list[tuple[dict[int, float], float]], lower: dict[int, float],
              size: int) -> tuple[float, float]:
    A = np.zeros((len(equations), size))
    b = np.zeros(len(equations))
    for i, (coefficients, value) in enumerate(equations):
        for col, coefficient in coefficients.items():
            A[i, col] = coefficient
        b[i] = value
    c = np.zeros(size)
    c[target] = 1
    bounds = [(lower.get(i, 0.0), None) for i in range(size)]
    low = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    high = linprog(-c, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    assert low.status == 0
    return low.fun, (np.inf if high.status == 3 else -high.fun)


followup_population = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from(["pass", "warn", "fail", "not_enough_data"]),
              st.sampled_from(["pass", "fail"])), min_size=1, max_size=14)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(followup_population)
def test_followup_attacker_over_every_axis_cannot_recover_a_withheld_count(
        contracts: list[tuple[str, str, str]]) -> None:
    """An attacker that knows each axis's counts add up to the same number of contracts (whether the total is
    shown or not), and an insider its own contracts, bounds each withheld count (s) no closer than ±20 %."""
    cards = [SharedScorecard(siren=SIRENS[m], contract=f"{m}{n}", semester="2025-S1",
                             verdicts={**dict.fromkeys(AXES, "pass"), "1": v1, "3": v3})
             for n, (m, v1, v3) in enumerate(contracts)]
    barometer = build_charter_barometer(cards)
    verdicts = ("pass", "warn", "fail", "not_enough_data")
    columns = {(axis, v): i for i, (axis, v) in enumerate((a, v) for a in ("1", "3") for v in verdicts)}
    # Every axis adds up to the same number of contracts, published or not; each published count is known.
    equations = [({**{columns[("1", v)]: 1.0 for v in verdicts}, **{columns[("3", v)]: -1.0 for v in verdicts}}, 0.0)]
    total = barometer.cell("2025-S1", "1", "total")["value"]
    if total:
        equations.append(({columns[("1", v)]: 1.0 for v in verdicts}, float(total)))
    rows = [r for r in barometer.rows if r["axis"] in ("1", "3") and r["verdict"] != "total"]
    equations += [({columns[(r["axis"], r["verdict"])]: 1.0}, float(r["value"])) for r in rows if r["value"] != ""]
    truth = {k: sum(1 for c in cards if c.verdicts[k[0]] == k[1]) for k in columns}
    for r in rows:
        if r["flag"] != "s":
            continue
        key = (r["axis"], r["verdict"])
        for insider in [None, *sorted({c.siren for c in cards})]:
            own = {columns[k]: float(sum(1 for c in cards if c.siren == insider and c.verdicts[k[0]] == k[1]))
                   for k in columns} if insider else {}
            mine = own.get(columns[key], 0.0)
            rest = truth[key] - mine
            if rest <= 0:
                continue
            lo, hi = _interval([columns[key]], equations, own, len(columns))
            assert lo <= mine + 0.8 * rest + 1e-6 and hi >= mine + 1.2 * rest - 1e-6, (r, insider, lo, hi)
