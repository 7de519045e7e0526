"""Disclosure control: primary rules, complementary suppression, and an attacker who must fail.

The attacker is written here, independently of ``charte.observatory.disclosure``: it reads only the
published rows (the CSV export), rebuilds which finest cells (period, geography, function) each
published figure sums from the table's meaning, adds what it knows of its own figures (an insider
member) and bounds every withheld cell by linear programming (scipy ``linprog``). The stated
protection: for every cell withheld by the primary rule, the interval the attacker can prove must
reach 20% below and 20% above the part of the cell that is not its own (the target member's
figure is at most that part).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from charte.observatory import CellSpec, Declaration, DeclarationLine, DisclosureRules, build_barometer, protect
from charte.observatory.barometer import export_rows
from charte.observatory.disclosure import feasible_interval, primary_reason

FUNCTIONS = ("service", "commercial", "support")
GEOS = {"Bretagne": ("FR", "Bretagne"), "Normandie": ("FR", "Normandie"), "MA": ("MA", None)}
PROTECTION = 0.2


def test_observatory_primary_rule_by_hand() -> None:
    rules = DisclosureRules(min_members=3, dominance=0.8)
    assert primary_reason({"a": 5, "b": 5}, rules) is not None                     # 2 members < 3
    assert primary_reason({"a": 81, "b": 10, "c": 9}, rules) is not None           # 81% > 80%
    assert primary_reason({"a": 80, "b": 10, "c": 10}, rules) is None              # 80% is allowed
    assert primary_reason({"a": 0, "b": 0}, rules) is None                         # empty cell: nothing to protect
    assert primary_reason({"a": 10, "b": 10, "c": 10, "d": 0}, rules) is None


def _table_2x2() -> tuple[list[CellSpec], dict[tuple[str, tuple[str, ...]], int]]:
    """Rows A, B × columns x, y with margins; (A, x) has one member, every other interior cell three."""
    specs = []
    for r in ("A", "B", "T"):
        for c in ("x", "y", "T"):
            rows, cols = (("A", "B") if r == "T" else (r,)), (("x", "y") if c == "T" else (c,))
            specs.append(CellSpec((r, c), frozenset((i, j) for i in rows for j in cols)))
    data = {("m1", ("A", "x")): 10}
    for (r, c), v in {("A", "y"): 50, ("B", "x"): 40, ("B", "y"): 60}.items():
        for m, share in (("m2", 0.4), ("m3", 0.3), ("m4", 0.3)):
            data[(m, (r, c))] = round(v * share)
    return specs, data


def test_observatory_complementary_suppression_by_hand() -> None:
    specs, data = _table_2x2()
    release = protect(specs, data)
    status = {k: c.status for k, c in release.cells.items()}
    # By hand: (A,x) alone is recovered from row A or column x; suppressing (A,y) or (B,x) alone still
    # leaves it recovered through the other line; the rectangle of the four interior cells is needed.
    assert status[("A", "x")] == "primary"
    assert {k for k, s in status.items() if s == "complementary"} == {("A", "y"), ("B", "x"), ("B", "y")}
    assert all(status[k] == "published" for k in [("A", "T"), ("B", "T"), ("T", "x"), ("T", "y"), ("T", "T")])
    # With margins A=60, B=100, x=50, y=110: a + b = 60, a + c = 50, c + d = 100, b, c, d ≥ 0 → a ∈ [0, 50].
    published = [(specs_by_key.atoms, release.cells[specs_by_key.key].value) for specs_by_key in specs
                 if release.cells[specs_by_key.key].published is not None]
    lo, hi = feasible_interval(frozenset({("A", "x")}), published)
    assert (round(lo, 6), round(hi, 6)) == (0, 50)
    assert release.cells[("A", "x")].mark == "(s)"
    assert release.cells[("A", "y")].mark == "(c)"


def _attacker_interval(target: frozenset[tuple[str, ...]], published: list[tuple[frozenset, int]],
                       known_lower: dict[tuple[str, ...], int]) -> tuple[float, float]:
    atoms = sorted({a for s, _ in published for a in s} | set(target))
    col = {a: i for i, a in enumerate(atoms)}
    A = np.zeros((max(1, len(published)), len(atoms)))
    b = np.zeros(max(1, len(published)))
    for i, (s, v) in enumerate(published):
        A[i, [col[a] for a in s]] = 1
        b[i] = v
    c = np.zeros(len(atoms))
    c[[col[a] for a in target]] = 1
    bounds = [(known_lower.get(a, 0), None) for a in atoms]
    low = linprog(c, A_eq=A, b_eq=b, bounds=bounds)
    high = linprog(-c, A_eq=A, b_eq=b, bounds=bounds)
    assert low.status == 0
    return low.fun, (np.inf if high.status == 3 else -high.fun)


def _atoms_of(row: dict[str, str], periods: list[str], geos: list[str]) -> frozenset[tuple[str, str, str]]:
    """Which (period, geography, function) a published row sums, read from the table's meaning."""
    def france(g: str) -> bool:
        return len(g) != 2                      # abroad geographies are ISO country codes
    ps = [row["period"]]
    if row["table"] == "function":
        fs = FUNCTIONS if row["row"] == "total" else (row["row"],)
        gs = [g for g in geos if row["column"] == "total" or france(g) == (row["column"] == "France")]
    elif row["table"] == "region":
        gs = geos if row["row"] == "total" else [row["row"]]
        fs = FUNCTIONS if row["column"] == "total" else (row["column"],)
    else:
        fs = FUNCTIONS
        gs = [g for g in geos if row["column"] == "total" or france(g) == (row["column"] == "France")]
    assert ps[0] in periods
    return frozenset((p, g, f) for p in ps for g in gs for f in fs)


population = st.dictionaries(
    keys=st.sampled_from(["m1", "m2", "m3", "m4", "m5"]),
    values=st.dictionaries(keys=st.tuples(st.sampled_from(["2025-S1", "2025-S2"]), st.sampled_from(sorted(GEOS)),
                                          st.sampled_from(FUNCTIONS)),
                           values=st.integers(min_value=1, max_value=60), min_size=1, max_size=6),
    min_size=1, max_size=5)


def _declarations(pop: dict[str, dict[tuple[str, str, str], int]]) -> list[Declaration]:
    out = []
    sirens = {"m1": "552100554", "m2": "732829320", "m3": "542065479", "m4": "443061841", "m5": "383474814"}
    for member, cells in pop.items():
        by_period: dict[str, list[DeclarationLine]] = defaultdict(list)
        for (period, geo, function), head in cells.items():
            country, region = GEOS[geo]
            by_period[period].append(DeclarationLine(site=geo, country=country, region=region, function=function,
                                                     category="employee", headcount=head, hires=0, work_study=0,
                                                     training_hours=Decimal(0)))
        out.extend(Declaration(siren=sirens[member], period=p, lines=tuple(lines)) for p, lines in by_period.items())
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population)
def test_observatory_attacker_cannot_recover_a_member(pop: dict[str, dict[tuple[str, str, str], int]]) -> None:
    declarations = _declarations(pop)
    barometer = build_barometer(declarations, DisclosureRules(3, 0.8, PROTECTION))
    rows = [r for r in export_rows(barometer) if r["measure"] == "headcount" and r["column"] != "share_france"]
    periods = sorted({r["period"] for r in rows})
    geos = sorted({r["row"] for r in rows if r["table"] == "region" and r["row"] != "total"})
    # What each member knows of itself, and the truth the test checks against.
    own: dict[str, dict[tuple[str, str, str], int]] = {d.siren: {} for d in declarations}
    for d in declarations:
        for line in d.lines:
            own[d.siren][(d.period, line.geography, line.function)] = line.headcount
    truth: dict[tuple[str, str, str], int] = defaultdict(int)
    for mine in own.values():
        for atom, v in mine.items():
            truth[atom] += v
    published = [(_atoms_of(r, periods, geos), int(r["value"])) for r in rows if r["value"] != ""]
    for atoms, value in published:                                         # published figures are the truth
        assert value == sum(truth.get(a, 0) for a in atoms)
        contributors = {m: sum(mine.get(a, 0) for a in atoms) for m, mine in own.items()}
        assert primary_reason(contributors, barometer.rules) is None     # and pass the primary rule
    for r in rows:                                                      # a (c) cell is never computable
        if r["flag"] == "c":
            lo, hi = _attacker_interval(_atoms_of(r, periods, geos), published, {})
            assert hi - lo >= 1 - 1e-6, (r, lo, hi)
    for r in rows:
        if r["flag"] != "s":
            continue
        atoms = _atoms_of(r, periods, geos)
        value = sum(truth.get(a, 0) for a in atoms)
        for attacker in [None, *own]:
            knows = own[attacker] if attacker else {}
            mine = sum(knows.get(a, 0) for a in atoms)
            rest = value - mine
            if rest == 0:
                continue
            lo, hi = _attacker_interval(atoms, published, knows)
            assert lo <= mine + (1 - PROTECTION) * rest + 1e-6, (r, attacker, lo, hi, value)
            assert hi >= mine + (1 + PROTECTION) * rest - 1e-6, (r, attacker, lo, hi, value)


def test_observatory_attacker_would_win_without_complementary_suppression() -> None:
    """The attacker test can fail: publishing every cell the primary rule allows gives (A, x) away."""
    specs, data = _table_2x2()
    published = [(s.atoms, sum(v for (m, a), v in data.items() if a in s.atoms)) for s in specs
                 if s.key != ("A", "x")]
    lo, hi = _attacker_interval(frozenset({("A", "x")}), published, {})
    assert round(lo, 6) == round(hi, 6) == 10


def test_observatory_insider_cannot_subtract_its_own_cell() -> None:
    """Two single-member cells in one published total: each member would recover the other's by subtraction."""
    specs = [CellSpec((n,), frozenset({(n,)})) for n in ("A", "B", "C")]
    specs.append(CellSpec(("T",), frozenset({("A",), ("B",), ("C",)})))
    data = {("m1", ("A",)): 10, ("m2", ("B",)): 20, ("m3", ("C",)): 40, ("m4", ("C",)): 30, ("m5", ("C",)): 30}
    release = protect(specs, data)
    status = {k[0]: c.status for k, c in release.cells.items()}
    # The outsider only learns A + B = 130 - 100 = 30 (A in [0, 30], wide enough); m2, knowing B = 20, would
    # learn A = 10 exactly. Withholding C as well leaves m2 with A + C = 110: A in [0, 110].
    assert status == {"A": "primary", "B": "primary", "C": "complementary", "T": "published"}
    lo, hi = _attacker_interval(frozenset({("A",)}), [(frozenset({("A",), ("B",), ("C",)}), 130)], {("B",): 20})
    assert (round(lo, 6), round(hi, 6)) == (0, 110)
