"""Disclosure control of the barometer's tables: no published figure lets anyone recover one member's.

Rules (statistical disclosure control as national statistical institutes apply it to business
tables — Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4; the threshold and
dominance values are the issue's defaults and are settings):

1. **Primary suppression.** A cell is not published when fewer than ``min_members`` members
   (default 3) contribute to it, or when one member holds more than ``dominance`` (default 80%)
   of it (the (1, k) dominance rule). A cell no member contributes to is published as empty (0).
2. **Complementary suppression.** Published cells are linked by sums (a row total, a national
   total, the same figure in another table or another period). Every table of a release is
   audited *jointly* as one linear system over the finest cells ("atoms", each ≥ 0): for each
   primarily suppressed cell of value ``v`` the attacker's feasible interval ``[lo, hi]`` — the
   minimum and maximum of the cell given every published cell, solved by linear programming
   (scipy HiGHS) — must reach ``lo ≤ v(1 − p)`` and ``hi ≥ v(1 + p)`` with ``p`` the protection
   level (default 20%). The audit is run for an outsider and for each insider member — one that
   knows its own figure in an atom linked to the cell and not published alone: its atoms' lower
   bounds rise and its target is the others' part, ``own + (v − own)(1 ± p)`` — first through a
   cheap certificate (a mix of the outsider's extreme point and the true figures), by linear
   programming when the certificate is inconclusive. When the interval is too narrow, a
   published sibling cell (disjoint from the cell, under a common published total) is withheld
   too — the first of the ``TRIALS`` smallest large enough to cover the gap that protects the cell
   on its own, else the smallest — and the audit repeats (greedy, not optimal; withholding more
   only widens intervals, so a cell's audit is final once passed).
3. **No pointless withholding.** A complementary cell that the published cells determine exactly
   (computable by subtraction across tables or periods) is published: it tells nobody anything new.

Not covered here: coalitions of two or more members pooling their figures. Differencing between
successive releases is prevented one level up: a period is published once and stays as published
(:mod:`charte.observatory.publications`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Atom = tuple[Hashable, ...]
CellKey = tuple[str, ...]
Status = Literal["published", "empty", "primary", "complementary"]

__all__ = ["CellSpec", "DisclosureRules", "ProtectedCell", "Release", "feasible_interval", "primary_reason", "protect"]


@dataclass(frozen=True)
class DisclosureRules:
    """The settings of disclosure control (see the module docstring)."""

    min_members: int = 3
    dominance: float = 0.8
    protection: float = 0.2


@dataclass(frozen=True)
class CellSpec:
    """A cell of a published table: its key (table, row, column…) and the atoms it sums."""

    key: CellKey
    atoms: frozenset[Atom]


@dataclass(frozen=True)
class ProtectedCell:
    """A cell after disclosure control: its true value, whether and why it is withheld."""

    key: CellKey
    value: int
    members: int
    status: Status
    reason: str | None = None

    @property
    def published(self) -> int | None:
        """The value as published: ``None`` for a suppressed cell."""
        return self.value if self.status in ("published", "empty") else None

    @property
    def mark(self) -> str:
        """How the cell is printed: its value, or ``(s)`` / ``(c)`` for a primary / complementary suppression."""
        return {"primary": "(s)", "complementary": "(c)"}.get(self.status, str(self.value))


@dataclass(frozen=True)
class Release:
    """Every cell of a release, in the order of the specs, with the counts of suppressed cells."""

    cells: dict[CellKey, ProtectedCell]
    specs: dict[CellKey, CellSpec] = field(repr=False)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.cells.values() if c.status == status)


def primary_reason(contributions: Mapping[str, int], rules: DisclosureRules) -> str | None:
    """Why a cell must not be published on its own (rule 1), or ``None``."""
    present = {m: v for m, v in contributions.items() if v > 0}
    if not present:
        return None
    if len(present) < rules.min_members:
        return f"{len(present)} member(s) contribute; at least {rules.min_members} required"
    total = sum(present.values())
    top = max(present.values())
    if top > rules.dominance * total:
        return f"one member holds {top / total:.0%} of the cell; at most {rules.dominance:.0%} allowed"
    return None


def feasible_interval(target: frozenset[Atom], published: Sequence[tuple[frozenset[Atom], int]],
                      lower: Mapping[Atom, int] | None = None) -> tuple[float, float]:
    """The smallest and largest value of ``target`` (a sum of atoms ≥ ``lower``, default 0) given published sums.

    Two linear programmes (HiGHS). ``hi`` is ``inf`` when nothing bounds the cell from above.
    """
    problem = _Problem(target, published, lower)
    return problem.solve(+1), problem.solve(-1)


class _Problem:
    """The attacker's linear system: atoms ≥ their known lower bounds, published cells as equalities."""

    def __init__(self, target: frozenset[Atom], published: Sequence[tuple[frozenset[Atom], int]],
                 lower: Mapping[Atom, int] | None) -> None:
        atoms = sorted(set(target) | {a for s, _ in published for a in s}, key=repr)
        self.atoms = atoms
        index = {a: i for i, a in enumerate(atoms)}
        self.c = np.zeros(len(atoms))
        self.c[[index[a] for a in target]] = 1.0
        A = np.zeros((len(published), len(atoms)))
        b = np.zeros(len(published))
        for row, (cell, value) in enumerate(published):
            A[row, [index[a] for a in cell]] = 1.0
            b[row] = value
        self.eq = {"A_eq": A, "b_eq": b} if len(published) else {}
        self.bounds = [(float((lower or {}).get(a, 0)), None) for a in atoms]

    def solve(self, sign: int) -> float:
        """The minimum (sign +1) or maximum (sign −1) of the target."""
        return self.extreme(sign)[0]

    def extreme(self, sign: int) -> tuple[float, np.ndarray | None]:
        """The minimum (sign +1) or maximum (sign −1) of the target and a point reaching it (None if unbounded)."""
        from scipy.optimize import linprog  # a second to import: only when a table is checked (issue 17)

        result = linprog(sign * self.c, bounds=self.bounds, method="highs", **self.eq)
        if result.status == 3 and sign < 0:
            return float("inf"), None
        if result.status != 0:
            raise ArithmeticError(f"published cells are inconsistent: {result.message}")
        return sign * float(result.fun), np.asarray(result.x, dtype=float)


#: Candidate complementary cells tried, smallest first, before taking the smallest one that leaves the cell exposed.
TRIALS = 6


class _Protector:
    def __init__(self, specs: Sequence[CellSpec], data: Mapping[tuple[str, Atom], int], rules: DisclosureRules):
        self.specs = {s.key: s for s in specs}
        self.rules = rules
        self.by_atom: dict[Atom, dict[str, int]] = defaultdict(dict)
        for (member, atom), value in data.items():
            if value:
                self.by_atom[atom][member] = self.by_atom[atom].get(member, 0) + value
        self.contrib = {s.key: self._contributions(s.atoms) for s in specs}
        self.value = {k: sum(v.values()) for k, v in self.contrib.items()}
        self.status: dict[CellKey, Status] = {}
        self.fixed: frozenset[CellKey] = frozenset()
        self._outsider: dict[CellKey, Any] = {}
        self.reason: dict[CellKey, str | None] = {}

    def _contributions(self, atoms: frozenset[Atom]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for atom in atoms:
            for member, value in self.by_atom.get(atom, {}).items():
                out[member] += value
        return dict(out)

    def own(self, member: str | None, atoms: frozenset[Atom]) -> int:
        if member is None:
            return 0
        return sum(self.by_atom.get(a, {}).get(member, 0) for a in atoms)

    def published(self) -> list[CellKey]:
        return [k for k, s in self.status.items() if s in ("published", "empty")]

    def audit(self, key: CellKey, attacker: str | None) -> tuple[bool, float]:
        """Whether the cell is protected from ``attacker`` (None: an outsider), and the upper gap to cover."""
        atoms = self.specs[key].atoms
        own = self.own(attacker, atoms)
        rest = self.value[key] - own
        if rest <= 0:
            return True, 0.0
        reach = self._reach(atoms)
        pub = [(self.specs[k].atoms, self.value[k]) for k in self.published() if self.specs[k].atoms & reach]
        p = self.rules.protection
        need_hi, need_lo = own + rest * (1 + p) - 1e-6, own + rest * (1 - p) + 1e-6
        if attacker is not None and self._certified(key, attacker, pub, need_hi, need_lo):
            return True, rest * p
        lower = {} if attacker is None else {a: m[attacker] for a, m in self.by_atom.items() if attacker in m}
        problem = _Problem(atoms, pub, lower)
        if problem.solve(-1) < need_hi:
            return False, rest * p
        return problem.solve(+1) <= need_lo, rest * p

    def _certified(self, key: CellKey, attacker: str, pub: list[tuple[frozenset[Atom], int]],
                   need_hi: float, need_lo: float) -> bool:
        """A cheap proof that an insider's interval is wide enough, without solving its programme.

        The true figures ``t`` satisfy every insider's bounds and the outsider's extreme point ``x`` satisfies
        the published sums, so ``λx + (1 − λ)t`` is feasible for the insider for the largest ``λ`` keeping each
        atom at or above the insider's own figure; if that point already reaches the needed value, so does the
        insider's optimum. Inconclusive (False) otherwise: the insider's programme is then solved.
        """
        state = (key, tuple(sorted(self.published())))
        if self._outsider.get(key, (None,))[0] != state:
            problem = _Problem(self.specs[key].atoms, pub, None)
            truth = np.array([sum(self.by_atom.get(a, {}).values()) for a in problem.atoms], dtype=float)
            self._outsider[key] = (state, problem, truth, problem.extreme(-1), problem.extreme(+1))
        _, problem, truth, high, low = self._outsider[key]
        own = np.array([self.by_atom.get(a, {}).get(attacker, 0) for a in problem.atoms], dtype=float)
        value = float(problem.c @ truth)
        for (bound, point), need, sign in ((high, need_hi, -1), (low, need_lo, +1)):
            if point is None:
                return False
            short = point < own
            lam = float(np.min((truth[short] - own[short]) / (truth[short] - point[short]))) if short.any() else 1.0
            reached = lam * bound + (1 - lam) * value
            if (sign < 0 and reached < need) or (sign > 0 and reached > need):
                return False
        return True

    def _reach(self, atoms: frozenset[Atom]) -> frozenset[Atom]:
        """Atoms linked to ``atoms`` through published cells (the connected part of the linear system)."""
        reach = set(atoms)
        pub = [self.specs[k].atoms for k in self.published()]
        grew = True
        while grew:
            grew = False
            for cell in pub:
                if cell & reach and not cell <= reach:
                    reach |= cell
                    grew = True
        return frozenset(reach)

    def complement(self, key: CellKey, attacker: str | None, gap: float) -> CellKey:
        """The published cell to withhold next so that ``key`` is protected (see rule 2)."""
        atoms = self.specs[key].atoms
        pub = self.published()
        parents = [k for k in pub if atoms <= self.specs[k].atoms]
        siblings = []
        for k in pub:
            if k in self.fixed:
                continue
            cell = self.specs[k].atoms
            if cell & atoms or not self.contrib[k] or not any(cell | atoms <= self.specs[p].atoms for p in parents):
                continue
            slack = self.value[k] - self.own(attacker, cell)
            siblings.append((slack < gap, slack <= 0, self.value[k], len(cell), k))
        ranked = [entry[-1] for entry in sorted(siblings)]
        for k in ranked[:TRIALS]:  # the first candidate that protects the cell on its own, if any
            self.status[k] = "complementary"
            ok = self.audit(key, attacker)[0]
            self.status[k] = "published"
            if ok:
                return k
        if ranked:
            return ranked[0]
        overlapping = [k for k in pub if self.specs[k].atoms & atoms and k not in self.fixed]
        if not overlapping:
            raise ArithmeticError(f"cell {'/'.join(key)} cannot be protected: every cell linked to it is public")
        return min(overlapping, key=lambda k: (len(self.specs[k].atoms), k))

    def publish_implied(self) -> list[CellKey]:
        """Publish the complementary cells that the published cells already determine exactly (rule 3).

        Such a cell was withheld for nothing: anyone computes it by subtraction from totals, other tables or
        other periods, so marking it withheld would only mislead. Publishing a figure the published system
        already implies adds no equation an attacker lacks, so no audit changes; one pass suffices.
        """
        implied = []
        for key in [k for k, s in self.status.items() if s == "complementary"]:
            atoms = self.specs[key].atoms
            reach = self._reach(atoms)
            pub = [(self.specs[k].atoms, self.value[k]) for k in self.published() if self.specs[k].atoms & reach]
            lo, hi = feasible_interval(atoms, pub)
            if hi - lo < 0.5:  # integer figures: a single feasible value
                implied.append(key)
        for key in implied:
            self.status[key] = "published"
            self.reason[key] = None
        return implied

    def attackers(self, key: CellKey) -> list[str | None]:
        """The outsider, then each member that knows part of an atom linked to the cell and not published alone.

        Any other member adds nothing the outsider lacks (its figures sit in atoms fixed by a published cell or
        outside the linked system), and its target is smaller: if the outsider's interval reaches ``v(1 ± p)``,
        it reaches ``own + (v − own)(1 ± p)`` too, since ``own ≥ 0``.
        """
        reach = self._reach(self.specs[key].atoms)
        fixed = {a for k in self.published() for a in self.specs[k].atoms if len(self.specs[k].atoms) == 1}
        near = {m for a in reach - fixed for m in self.by_atom.get(a, {})}
        return [None, *sorted(near)]


def protect(specs: Sequence[CellSpec], data: Mapping[tuple[str, Atom], int],
            rules: DisclosureRules | None = None, fixed: Collection[CellKey] = ()) -> Release:
    """Apply primary then complementary suppression to every cell of a release (see the module docstring).

    ``data`` maps (member, atom) to the member's figure in that atom. ``fixed`` cells are public by other
    means (e.g. a total every table repeats): they pass the primary rule and are never withheld to protect
    another cell.
    """
    rules = rules or DisclosureRules()
    p = _Protector(specs, data, rules)
    p.fixed = frozenset(fixed)
    for spec in specs:
        reason = primary_reason(p.contrib[spec.key], rules)
        p.status[spec.key] = "primary" if reason else ("empty" if not p.contrib[spec.key] else "published")
        p.reason[spec.key] = reason
    if any(p.status[k] == "primary" for k in p.fixed):
        raise ValueError("a cell given as public by other means fails the primary rule itself")
    primaries = [s.key for s in specs if p.status[s.key] == "primary"]
    passed: set[tuple[CellKey, str | None]] = set()
    changed = True
    while changed:  # new suppressions bring new insiders next to earlier cells: audit until nothing changes
        changed = False
        for key in primaries:
            for attacker in p.attackers(key):
                while (key, attacker) not in passed:
                    ok, gap = p.audit(key, attacker)
                    if ok:
                        passed.add((key, attacker))
                        break
                    extra = p.complement(key, attacker, gap)
                    p.status[extra] = "complementary"
                    p.reason[extra] = f"withheld so that {'/'.join(key)} cannot be recovered from the totals"
                    changed = True
    p.publish_implied()
    cells = {s.key: ProtectedCell(s.key, p.value[s.key], len(p.contrib[s.key]), p.status[s.key], p.reason[s.key])
             for s in specs}
    return Release(cells, p.specs)
