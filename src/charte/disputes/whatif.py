"""What-if: the issued month re-settled with stated changes, and its difference with the invoice, line by line.

``whatif(issued, evidence, changes) -> WhatIf`` is a pure function (no I/O, no clock):

1. the evidence must be the one the invoice rests on — its digest equals the issued
   settlement's ``inputs_sha256`` (same contract, month, facts and engine); otherwise the
   what-if is refused (``evidence_does_not_match``): a difference must come from the stated
   changes only, never from other data;
2. the changes are applied (:mod:`charte.disputes.changes`); every change that cannot apply
   is a problem naming the change;
3. the month is settled again by the same engine (:func:`charte.settle.settle`); if it cannot
   be, the settlement's own problems are returned, each at its place (``forecasts
   (service-inbound, W-1)``…), and no difference is shown;
4. each line of the invoice is matched with the line of the what-if that applies the same
   clause to the same activity (kind, activity, clause, and order among equal ones); a line
   present on one side only is *added* or *removed*. For each: the amount on both sides and
   the difference, the quantity and unit price, and every figure of the explanation that
   changed (``result``, ``points``, ``rate``…), with the clause;
5. the totals: the difference excluding VAT is the sum of the lines' differences (each
   rounded to the cent where the line was built); a correcting document bears VAT on its own
   base, rounded once (:func:`charte.domain.money.round_cents`);
6. each service commitment's verdict on both sides (result, met or not, intervals set aside,
   out of band, adjusted).

The what-if keeps its proposed settlement (canonical JSON, its own ``inputs_sha256``), so
anyone can replay it from the same evidence and changes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from charte.disputes.changes import Change, apply_changes, change_as_dict
from charte.disputes.evidence import MonthEvidence
from charte.domain.money import D, round_cents
from charte.settle import Problem, Settlement, SettlementError, settle
from charte.settle.lines import Explanation, InvoiceLine, LineKind, plain

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class IssuedSettlement:
    """The settlement an invoice was issued from: what a what-if is compared with."""

    contract: str
    period: str
    inputs_sha256: str
    lines: tuple[InvoiceLine, ...]
    total_excluding_vat: Decimal
    vat_rate: Decimal
    vat: Decimal
    total_including_vat: Decimal
    service_results: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(cls, settlement: Settlement) -> IssuedSettlement:
        return cls(settlement.contract, settlement.period, settlement.inputs_sha256, settlement.lines,
                   settlement.total_excluding_vat, settlement.vat_rate, settlement.vat,
                   settlement.total_including_vat, tuple(r.as_dict() for r in settlement.service_results))

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> IssuedSettlement:
        """From the settlement's canonical JSON (``charte settle --json``, the web's stored settlement)."""
        lines = tuple(
            InvoiceLine(int(d["number"]), LineKind(d["kind"]), d.get("activity"), d["clause"], d["label"],
                        D(d["quantity"]), d["unit"], D(d["base_unit_price"]), D(d["unit_price"]),
                        D(d["amount_unrounded"]), Explanation(d["explanation"]["kind"], d["explanation"]["figures"]))
            for d in document["lines"])
        totals = document["totals"]
        return cls(document["contract"], document["period"], document["inputs_sha256"], lines,
                   D(totals["excluding_vat"]), D(totals["vat_rate"]), D(totals["vat"]), D(totals["including_vat"]),
                   tuple(document.get("service_results", ())))

    def line(self, number: int) -> InvoiceLine | None:
        return next((line for line in self.lines if line.number == number), None)


@dataclass(frozen=True)
class FigureChange:
    """One figure of a line's explanation that differs (dotted name, e.g. ``indexation.coefficient``)."""

    name: str
    issued: Any
    proposed: Any


@dataclass(frozen=True)
class LineDifference:
    """A line of the invoice and its counterpart in the what-if (either may be absent)."""

    kind: str
    activity: str | None
    clause: str
    label: str
    issued: InvoiceLine | None
    proposed: InvoiceLine | None
    figures: tuple[FigureChange, ...] = ()

    @property
    def issued_amount(self) -> Decimal:
        return self.issued.amount if self.issued is not None else ZERO

    @property
    def proposed_amount(self) -> Decimal:
        return self.proposed.amount if self.proposed is not None else ZERO

    @property
    def difference(self) -> Decimal:
        return self.proposed_amount - self.issued_amount

    @property
    def status(self) -> str:
        if self.issued is None:
            return "added"
        if self.proposed is None:
            return "removed"
        return "changed" if self.difference or self.figures or self._moved() else "unchanged"

    def _moved(self) -> bool:
        a, b = self.issued, self.proposed
        assert a is not None and b is not None
        return (a.quantity, a.unit_price) != (b.quantity, b.unit_price)

    def as_dict(self) -> dict[str, Any]:
        def side(line: InvoiceLine | None) -> dict[str, Any] | None:
            if line is None:
                return None
            return {"number": line.number, "quantity": plain(line.quantity), "unit": line.unit,
                    "unit_price": plain(line.unit_price), "amount": plain(line.amount),
                    "amount_unrounded": plain(line.amount_unrounded), "explanation": line.explanation.as_dict()}

        return {"kind": self.kind, "activity": self.activity, "clause": self.clause, "label": self.label,
                "status": self.status, "issued": side(self.issued), "proposed": side(self.proposed),
                "difference": plain(self.difference),
                "figures": [{"name": f.name, "issued": plain(f.issued), "proposed": plain(f.proposed)}
                            for f in self.figures]}


@dataclass(frozen=True)
class VerdictDifference:
    """A service commitment's verdict on the invoice and in the what-if."""

    commitment: str
    metric: str
    target: str | None
    issued: Mapping[str, Any]
    proposed: Mapping[str, Any]

    FIELDS = ("evaluation", "result", "met", "raw", "band_neutralised", "fair", "excluded_intervals",
              "out_of_band_intervals", "adjusted_count")

    @property
    def changed(self) -> bool:
        return any(self.issued.get(k) != self.proposed.get(k) for k in self.FIELDS)

    def as_dict(self) -> dict[str, Any]:
        return {"commitment": self.commitment, "metric": self.metric, "target": self.target,
                "changed": self.changed, "issued": dict(self.issued), "proposed": dict(self.proposed)}


def _verdict(result: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: result.get(k) for k in VerdictDifference.FIELDS if k != "adjusted_count"}
    out["adjusted_count"] = result.get("adjusted_count", len(result.get("adjusted", ()) or ()))
    return out


@dataclass(frozen=True)
class Totals:
    """Both sides' totals, and the correcting document's (``proposed − issued`` excluding VAT)."""

    issued_excluding_vat: Decimal
    proposed_excluding_vat: Decimal
    vat_rate: Decimal
    issued_including_vat: Decimal
    proposed_including_vat: Decimal

    @property
    def difference(self) -> Decimal:
        """Excluding VAT: negative when the client was invoiced too much (a credit note is due)."""
        return self.proposed_excluding_vat - self.issued_excluding_vat

    @property
    def correction_vat(self) -> Decimal:
        """VAT of a correcting document on its own base, rounded once, with the difference's sign."""
        vat = round_cents(abs(self.difference) * self.vat_rate)
        return -vat if self.difference < 0 else vat

    @property
    def correction_including_vat(self) -> Decimal:
        return self.difference + self.correction_vat

    def as_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in {
            "issued_excluding_vat": self.issued_excluding_vat, "proposed_excluding_vat": self.proposed_excluding_vat,
            "difference_excluding_vat": self.difference, "vat_rate": self.vat_rate,
            "correction_vat": self.correction_vat, "correction_including_vat": self.correction_including_vat,
            "issued_including_vat": self.issued_including_vat,
            "proposed_including_vat": self.proposed_including_vat}.items()}


@dataclass(frozen=True)
class WhatIf:
    """The outcome of a what-if: the differences, or the problems that stopped it (module docstring)."""

    changes: tuple[Change, ...]
    issued_sha256: str
    proposed: Settlement | None = None
    lines: tuple[LineDifference, ...] = ()
    verdicts: tuple[VerdictDifference, ...] = ()
    totals: Totals | None = None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def settled(self) -> bool:
        return self.proposed is not None

    @property
    def difference(self) -> Decimal:
        return self.totals.difference if self.totals is not None else ZERO

    def changed_lines(self) -> tuple[LineDifference, ...]:
        return tuple(d for d in self.lines if d.status != "unchanged")

    def as_dict(self) -> dict[str, Any]:
        return {
            "changes": [change_as_dict(c) for c in self.changes], "issued_inputs_sha256": self.issued_sha256,
            "settled": self.settled,
            "proposed_inputs_sha256": self.proposed.inputs_sha256 if self.proposed is not None else None,
            "lines": [d.as_dict() for d in self.lines], "verdicts": [v.as_dict() for v in self.verdicts],
            "totals": self.totals.as_dict() if self.totals is not None else None,
            "problems": [{"code": p.code, "where": p.where, "message": p.message} for p in self.problems],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: plain(value)}


def _figure_changes(a: InvoiceLine, b: InvoiceLine) -> tuple[FigureChange, ...]:
    before, after = _flatten(plain(a.explanation.figures)), _flatten(plain(b.explanation.figures))
    return tuple(FigureChange(name, before.get(name), after.get(name)) for name in sorted(set(before) | set(after))
                 if before.get(name) != after.get(name))


def _keyed(lines: Sequence[InvoiceLine]) -> dict[tuple[str, str, str, int], InvoiceLine]:
    seen: Counter[tuple[str, str, str]] = Counter()
    out = {}
    for line in lines:
        base = (str(line.kind), line.activity or "", line.clause)
        out[(*base, seen[base])] = line
        seen[base] += 1
    return out


def line_differences(issued: Sequence[InvoiceLine], proposed: Sequence[InvoiceLine]) -> tuple[LineDifference, ...]:
    """Every line of either side, matched (rule 4 of the module docstring), in the invoice's order then the new ones."""
    before, after = _keyed(issued), _keyed(proposed)
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key), after.get(key)
        shown = a if a is not None else b
        assert shown is not None
        figures = _figure_changes(a, b) if a is not None and b is not None else ()
        out.append(LineDifference(key[0], shown.activity, shown.clause, shown.label, a, b, figures))
    return tuple(out)


def verdict_differences(issued: Sequence[Mapping[str, Any]],
                        proposed: Sequence[Mapping[str, Any]]) -> tuple[VerdictDifference, ...]:
    after = {r["commitment"]: r for r in proposed}
    out = []
    for result in issued:
        other = after.get(result["commitment"], {})
        out.append(VerdictDifference(result["commitment"], result.get("metric", ""),
                                     None if result.get("target") is None else str(result.get("target")),
                                     _verdict(result), _verdict(other)))
    return tuple(out)


def whatif(issued: IssuedSettlement, evidence: MonthEvidence, changes: Sequence[Change]) -> WhatIf:
    """Re-settle the issued month with ``changes`` and compare, line by line (module docstring)."""
    changes = tuple(changes)
    refused = _mismatch(issued, evidence)
    if refused:
        return WhatIf(changes, issued.inputs_sha256, problems=tuple(refused))
    contract, facts, problems = apply_changes(evidence, changes)
    if problems:
        return WhatIf(changes, issued.inputs_sha256, problems=tuple(problems))
    try:
        proposed = settle(contract, evidence.period, facts)
    except SettlementError as error:
        return WhatIf(changes, issued.inputs_sha256, problems=error.problems)
    totals = Totals(issued.total_excluding_vat, proposed.total_excluding_vat, issued.vat_rate,
                    issued.total_including_vat, proposed.total_including_vat)
    return WhatIf(changes, issued.inputs_sha256, proposed, line_differences(issued.lines, proposed.lines),
                  verdict_differences(issued.service_results, [r.as_dict() for r in proposed.service_results]),
                  totals)


def _mismatch(issued: IssuedSettlement, evidence: MonthEvidence) -> list[Problem]:
    if issued.contract != evidence.contract.id or issued.period != str(evidence.period):
        return [Problem("evidence_does_not_match", "evidence",
                        f"the evidence is for {evidence.contract.id} {evidence.period}; the invoice's settlement is "
                        f"for {issued.contract} {issued.period}")]
    digest = evidence.digest()
    if digest != issued.inputs_sha256:
        return [Problem("evidence_does_not_match", "evidence",
                        f"the evidence gives inputs {digest[:16]}…, the invoice's settlement was made on inputs "
                        f"{issued.inputs_sha256[:16]}…: these are not the facts (or the engine) the invoice rests on, "
                        "so a difference would not come from the stated changes alone")]
    return []


__all__ = ["FigureChange", "IssuedSettlement", "LineDifference", "Totals", "VerdictDifference", "WhatIf",
           "line_differences", "verdict_differences", "whatif"]
