"""The attacker of issue 18: every public source at once, solved as one linear programme per target.

Written independently of ``charte.observatory.disclosure``. What the attacker reads:

- every published row of the barometer — all tables (function, region, period), all periods — as the
  CSV export gives them;
- the public ranking (rank, company, score) and the shipped weights: with the member's labels (public
  register) the certification criterion is known, so the score bounds the member's share of jobs in
  France: ``(S·W − w_c·c − Σ other weights) / w_f ≤ F/T ≤ (S·W − w_c·c) / w_f`` (score rounded to 0.1);
- the public register: where each member has sites (region in France, country abroad) and which of the
  three functions it operates — so a member's figure is 0 outside them.

Unknowns are each member's headcount per (period, geography, function), ≥ 0; the ranking's bounds are
linear (``F ≥ lo·T``, ``F ≤ hi·T``). An insider additionally knows its own figures exactly. The attacker
wins when it proves an interval narrower than ±20 % around a withheld cell's value (the part that is not
its own), or around one member's figure (its total, France or abroad headcount in the ranked period; a
member's headcount in one geography is a cell's part, covered by the cells' audit).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from charte.observatory import RankingWeights, build_barometer, public_ranking, score_members
from charte.observatory.barometer import export_rows
from charte.observatory.demo_population import demo_population
from charte.observatory.members import FRENCH_REGIONS

FUNCTIONS = ("service", "commercial", "support")
PROTECTION = 0.2
ON = date(2025, 12, 31)

Atom = tuple[str, str, str]   # (period, geography, function)


def _row_atoms(row: dict[str, str], geos: list[str]) -> set[tuple[str, str]]:
    """(geography, function) pairs a published row sums, read from the table's meaning (the row's period)."""
    def france(g: str) -> bool:
        return g in FRENCH_REGIONS
    if row["table"] == "function":
        fs = FUNCTIONS if row["row"] == "total" else (row["row"],)
        gs = [g for g in geos if row["column"] == "total" or france(g) == (row["column"] == "France")]
    elif row["table"] == "region":
        gs = geos if row["row"] == "total" else [row["row"]]
        fs = FUNCTIONS if row["column"] == "total" else (row["column"],)
    else:
        fs = FUNCTIONS
        gs = [g for g in geos if row["column"] == "total" or france(g) == (row["column"] == "France")]
    return {(g, f) for g in gs for f in fs}


class Attacker:
    """The linear system of everything public, with member-level unknowns."""

    def __init__(self, rows: list[dict[str, str]], register: dict[str, tuple[set[str], set[str]]],
                 share_bounds: dict[str, tuple[str, float, float]]) -> None:
        self.geos = sorted({r["row"] for r in rows if r["table"] == "region" and r["row"] != "total"})
        periods = sorted({r["period"] for r in rows})
        self.var: dict[tuple[str, Atom], int] = {}
        for member, (geos, functions) in sorted(register.items()):
            for p in periods:
                for g in sorted(geos):
                    for f in sorted(functions):
                        self.var[(member, (p, g, f))] = len(self.var)
        self.by_cell: dict[tuple[str, frozenset[tuple[str, str]]], list[int]] = {}
        eq_rows, eq_b = [], []
        for r in rows:
            if r["value"] == "":
                continue
            eq_rows.append(self.columns(r))
            eq_b.append(float(r["value"]))
        self.A_eq, self.b_eq = self._matrix(eq_rows, [[1.0] * len(c) for c in eq_rows]), np.array(eq_b)
        ub_rows, ub_coefs = [], []
        for member, (period, lo, hi) in share_bounds.items():
            cols = [(i, (p, g)) for (m, (p, g, _)), i in self.var.items() if m == member and p == period]
            fr = [g in FRENCH_REGIONS for _, (_, g) in cols]
            # lo·T − F ≤ 0 and F − hi·T ≤ 0, with T = F + abroad
            ub_rows += [[i for i, _ in cols], [i for i, _ in cols]]
            ub_coefs += [[(lo - 1 if f else lo) for f in fr], [(1 - hi if f else -hi) for f in fr]]
        self.A_ub = self._matrix(ub_rows, ub_coefs) if ub_rows else None
        self.b_ub = np.zeros(len(ub_rows)) if ub_rows else None

    def _matrix(self, rows: list[list[int]], coefs: list[list[float]]) -> csr_matrix:
        data, ri, ci = [], [], []
        for k, (cols, cs) in enumerate(zip(rows, coefs, strict=True)):
            data += cs
            ri += [k] * len(cols)
            ci += cols
        return csr_matrix((data, (ri, ci)), shape=(len(rows), len(self.var)))

    def columns(self, row: dict[str, str]) -> list[int]:
        pairs = _row_atoms(row, self.geos)
        return [i for (_, (p, g, f)), i in self.var.items() if p == row["period"] and (g, f) in pairs]

    def interval(self, target: list[int], known: dict[int, float]) -> tuple[float, float]:
        c = np.zeros(len(self.var))
        c[target] = 1.0
        bounds = [(known[i], known[i]) if i in known else (0, None) for i in range(len(self.var))]
        low = linprog(c, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq, bounds=bounds,
                      method="highs")
        high = linprog(-c, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq, bounds=bounds,
                       method="highs")
        assert low.status == 0, low.message                 # the truth is feasible: the attacker is consistent
        return float(low.fun), (np.inf if high.status == 3 else -float(high.fun))


def _protected(lo: float, hi: float, own: float, rest: float) -> bool:
    return lo <= own + (1 - PROTECTION) * rest + 1e-6 and hi >= own + (1 + PROTECTION) * rest - 1e-6


@pytest.mark.slow
def test_observatory_attacker_with_tables_periods_ranking_and_register_recovers_nothing() -> None:
    members, declarations, evidence = demo_population(seed=1, members=12, staff=6000)
    declarations = [d for d in declarations if d.period >= "2025-S1"]   # two periods: differencing across them
    barometer = build_barometer(declarations)
    rows = [r for r in export_rows(barometer) if r["measure"] == "headcount" and r["column"] != "share_france"]
    # The truth, per member, and what the register tells of each member.
    truth: dict[str, dict[Atom, float]] = defaultdict(lambda: defaultdict(float))
    for d in declarations:
        for line in d.lines:
            truth[d.siren][(d.period, line.geography, line.function)] += line.headcount
    register = {m.siren: ({s.geography for s in m.sites},
                          {f for (_, _, f), v in truth[m.siren].items() if v}) for m in members}
    # The ranking as published, turned into bounds on each opted-in member's share of jobs in France.
    weights = RankingWeights.load()
    breakdowns = {b.siren: b for b in score_members(members, declarations, evidence, ON, weights)}
    latest = max(d.period for d in declarations)
    by_name = {m.company: m for m in members}
    bounds: dict[str, tuple[str, float, float]] = {}
    for entry in public_ranking(list(breakdowns.values())):
        member = by_name[entry.company]
        known = {c.criterion: c for c in breakdowns[member.siren].criteria if c.score is not None}
        total_weight = float(sum(c.weight for c in known.values()))
        certifications = min(len(member.valid_labels(ON)), weights.certifications_target) / \
            weights.certifications_target
        fixed = float(weights.weights["certifications"]) * certifications
        others = sum(float(c.weight) for k, c in known.items() if k not in ("france_share", "certifications"))
        w_f = float(weights.weights["france_share"])
        if "france_share" not in known:
            continue
        top, bottom = (float(entry.score) + 0.05) * total_weight / 100, (float(entry.score) - 0.05) * total_weight / 100
        bounds[member.siren] = (latest, max(0.0, (bottom - fixed - others) / w_f), min(1.0, (top - fixed) / w_f))
    assert any(lo > 0.3 for _, lo, _ in bounds.values())    # the ranking does say something
    attacker = Attacker(rows, register, bounds)

    def knowledge(insider: str | None) -> dict[int, float]:
        if insider is None:
            return {}
        return {i: truth[insider].get(atom, 0.0) for (m, atom), i in attacker.var.items() if m == insider}

    insiders: list[str | None] = [None, *sorted(truth)]
    checked = 0
    for r in rows:                                       # every withheld cell, every attacker
        if r["flag"] not in ("s", "c"):
            continue
        cols = attacker.columns(r)
        value = sum(truth[m][a] for (m, a), i in attacker.var.items() if i in set(cols))
        for insider in insiders if r["flag"] == "s" else [None]:
            known = knowledge(insider)
            own = sum(known.get(i, 0.0) for i in cols)
            lo, hi = attacker.interval(cols, known)
            if r["flag"] == "c":
                assert hi - lo >= 1 - 1e-6, ("a (c) cell is computable", r, lo, hi)
            elif value - own > 0:
                assert _protected(lo, hi, own, value - own), (r, insider, lo, hi, value, own)
            checked += 1
    # Every member's figures in the period the ranking speaks of (earlier periods carry no member-level
    # information beyond the cells), by an outsider and by each competitor sharing one of its geographies.
    for member in sorted(truth):
        mine = truth[member]
        figures: dict[str, list[int]] = defaultdict(list)
        for (m, (p, g, _)), i in attacker.var.items():
            if m != member or p != latest:
                continue
            figures[f"{p} total"].append(i)
            figures[f"{p} {'France' if g in FRENCH_REGIONS else 'abroad'}"].append(i)
        rivals = [None, *[o for o in sorted(truth) if o != member and register[o][0] & register[member][0]]]
        for name, cols in figures.items():
            value = sum(mine.get(a, 0.0) for (m, a), i in attacker.var.items() if i in set(cols))
            if value == 0:
                continue
            for insider in rivals:
                lo, hi = attacker.interval(cols, knowledge(insider))
                assert _protected(lo, hi, 0.0, value), (member, name, insider, lo, hi, value)
                checked += 1
    assert checked > 500


def test_observatory_attacker_wins_with_the_old_ranking_output() -> None:
    """The attacker can fail: the breakdown once printed ("F of T jobs in France") pins a member's figures."""
    rows = [{"table": "region", "period": "2025-S2", "row": g, "column": "total", "value": v, "flag": f}
            for g, v, f in (("Bretagne", "", "s"), ("MA", "", "s"), ("total", "300", ""))]
    rows += [{"table": "function", "period": "2025-S2", "row": "total", "column": c, "value": v, "flag": ""}
             for c, v in (("France", "200"), ("abroad", "100"))]
    # Member a: Bretagne and MA, "120 of 150 jobs in France" — France share exactly 0.8.
    register = {"a": ({"Bretagne", "MA"}, {"service"}), "b": ({"Bretagne", "MA"}, {"service"})}
    attacker = Attacker(rows, register, {"a": ("2025-S2", 0.8, 0.8)})
    a_france = [i for (m, (_, g, _)), i in attacker.var.items() if m == "a" and g == "Bretagne"]
    b_abroad = [i for (m, (_, g, _)), i in attacker.var.items() if m == "b" and g == "MA"]
    known = dict.fromkeys(a_france, 120.0)                # insider a knows its own France figure…
    lo, hi = attacker.interval(b_abroad, known)
    # …then its abroad part is 30 (0.8 share), and b's abroad part = 100 − 30 = 70 exactly.
    assert (round(lo, 6), round(hi, 6)) == (70, 70)
    assert not _protected(lo, hi, 0.0, 70)

