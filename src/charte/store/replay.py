"""Settling a month from the register, and replaying a settlement to check it (what a mediator does).

:func:`settle_from_register` reads what the register holds for a contract and month — the latest
version of each kind of fact and every forecast version, each issued when the register received
it — keeps the contract's text and the reference series it rests on (the contract's index, as the
reference book holds it: :mod:`charte.io.reference_data`) under their hash, and settles with the
evidence block filled (:mod:`charte.settle.evidence`): each series by name, version (the SHA-256 of its
content, as ``reference_versions()`` gives it) and the hash of the file kept; the software versions.

:func:`replay` takes a settlement's JSON, fetches from the register exactly the versions its
evidence block names (refusing any whose hash or submission time the register does not confirm),
recomputes with the reference series kept in the register (never the user's current folder) and the
software installed now, and compares the bytes: identical, or the differing
lines (a unified diff). Software versions that differ show in that diff.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from charte.domain.calendar import CalendarError, Month
from charte.domain.reference import COLUMNS, ILLUSTRATIVE_MARK, ReferenceBook, ReferencePoint, ReferenceSeries
from charte.io.contract_yaml import ContractInvalid, loads_contract
from charte.io.evidence import FACT_KINDS, facts_from_files, software_versions
from charte.io.reference_data import ReferenceDataError, extend, index_values, load_book
from charte.io.reference_data import stamp as reference_stamp
from charte.io.settlement_files import illustrative_syntec_path, index_series
from charte.settle import Facts, Settlement, SettlementError, settle
from charte.settle.evidence import Evidence, EvidenceInput, ReferenceData
from charte.settle.facts import Problem
from charte.store.register import Register, Submission

ILLUSTRATIVE_NOTE = "ILLUSTRATIVE series shipped with charte, not the published index"


def _note(submission: Submission) -> str:
    if FACT_KINDS[submission.kind].versions == "all":
        return "forecast version: counts for the periods whose deadline it meets (submitted_at)"
    return "latest version of the month"


def evidence_inputs(submissions: list[Submission]) -> tuple[EvidenceInput, ...]:
    return tuple(EvidenceInput(kind=s.kind, version=s.version, sha256=s.sha256, file_name=s.file_name, party=s.party,
                               submitted_by=s.submitted_by, submitted_at=s.submitted_at, time_source=s.time_source,
                               note=_note(s)) for s in submissions)


def _series_files(series: ReferenceSeries) -> list[tuple[bytes, bool]]:
    """The series as reference CSV files (:mod:`charte.domain.reference`): its published points in one, its
    illustrative points (marked) in another, so that reading them back gives the same series and version."""
    out = []
    for illustrative in (False, True):
        points = [p for p in series.points if p.illustrative is illustrative]
        if not points:
            continue
        text = io.StringIO()
        if illustrative:
            text.write(ILLUSTRATIVE_MARK + "\n")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_row(p, series.info.kind) for p in points)
        out.append((text.getvalue().encode("utf-8"), illustrative))
    return out


def _row(point: ReferencePoint, kind: str) -> tuple[str, ...]:
    period = f"{point.start:%Y-%m}" if kind == "monthly" else point.start.isoformat()
    return (point.series, period, str(point.value), point.source,
            point.published_on.isoformat() if point.published_on else "",
            point.until.isoformat() if point.until else "")


def reference_series(register: Register, book: ReferenceBook, name: str) -> tuple[ReferenceData, ...]:
    """The series ``name`` of ``book`` kept in the register under its hash: what a replay reads back."""
    series = book.get(name)
    source = "; ".join(sorted({p.source for p in series.points}))[:300]
    return tuple(ReferenceData(name, series.version, register.objects.put_bytes(data),
                               f"ILLUSTRATIVE — {ILLUSTRATIVE_NOTE}" if illustrative else source)
                 for data, illustrative in _series_files(series))


def _kept_book(register: Register, references: tuple[ReferenceData, ...]) -> ReferenceBook:
    """The reference series a settlement's evidence names, read back from the register; each must have the
    version recorded (:class:`SettlementError` otherwise)."""
    try:
        book = extend(ReferenceBook(), [register.objects.path(r.sha256) for r in references])
    except ReferenceDataError as error:
        raise SettlementError([Problem("reference_data_unreadable", "reference data", line)
                               for line in error.problems]) from None
    problems = [Problem("reference_data_differs", r.name, f"the settlement names version {r.version[:12]}…; the "
                                                          f"series kept reads back as {book.get(r.name).version[:12]}…")
                for r in references if book.get(r.name).version != r.version]
    if problems:
        raise SettlementError(problems)
    return book


def settle_from_register(register: Register, contract_text: str, contract_key: str, month: Month, *,
                         index: Iterable[Path] = (), reference: Path | None = None,
                         illustrative: bool = False) -> Settlement:
    """Settle ``month`` on what the register holds (see the module docstring); :class:`SettlementError` otherwise.

    Index values come from the reference data as for a folder of facts (:func:`charte.io.settlement_files.
    settlement_facts`): the series shipped with charte, the user's folder ``reference``, the ``index`` files and
    the month's ``index_values`` submissions; with ``illustrative``, only the ILLUSTRATIVE Syntec series shipped
    for the demo (which marks the settlement: it can never be invoiced).
    """
    contract = loads_contract(contract_text, "contract.yaml")
    submissions = register.in_play(contract_key, str(month))
    if not any(s.kind == "interval_report" for s in submissions):
        raise SettlementError([Problem("no_evidence", f"register {contract_key} {month}",
                                       f"no interval report is registered for {month}; submit the month's facts "
                                       "first (charte register submit)")])
    contract_sha = register.objects.put_bytes(contract_text.encode("utf-8"))
    submitted = [register.objects.path(s.sha256) for s in submissions if s.kind == "index_values"]
    try:
        book = extend(ReferenceBook(), [illustrative_syntec_path()]) if illustrative \
            else load_book(reference, [*index, *submitted])
    except ReferenceDataError as error:
        raise SettlementError([Problem("reference_data", "reference data", line) for line in error.problems]) \
            from None
    name = index_series(contract, month)
    references = reference_series(register, book, name) if name else ()
    kept = _kept_book(register, references)
    facts = facts_from_files(register.kept(submissions), index_values(kept, name) if name else (),
                             [reference_stamp(kept, name)] if name else ())
    evidence = Evidence(register=contract_key, contract_sha256=contract_sha, inputs=evidence_inputs(submissions),
                        reference_data=references, software=software_versions())
    return settle(contract, month, facts, evidence=evidence)


def _named_submissions(register: Register, evidence: Evidence, month: Month) -> tuple[list[Submission], list[Problem]]:
    """The submissions a settlement's evidence block names, each confirmed by the register (hash, submission time,
    intact file), and the problems of those it does not confirm."""
    problems: list[Problem] = []
    submissions: list[Submission] = []
    for item in evidence.inputs:
        found = register.find(evidence.register, str(month), item.kind, item.version)
        if found is None:
            problems.append(Problem("evidence_not_in_register", f"{item.kind} v{item.version}",
                                    f"the register holds no {item.kind} version {item.version} for "
                                    f"{evidence.register} {month}"))
        elif (found.sha256, found.submitted_at) != (item.sha256, item.submitted_at):
            problems.append(Problem("evidence_differs", f"{item.kind} v{item.version}",
                                    f"the settlement says {item.sha256[:12]}… submitted {item.submitted_at}; the "
                                    f"register says {found.sha256[:12]}… submitted {found.submitted_at}"))
        elif not register.objects.intact(found.sha256):
            problems.append(Problem("evidence_file_missing", f"{item.kind} v{item.version}",
                                    f"the kept file {register.objects.path(found.sha256)} is missing or altered"))
        else:
            submissions.append(found)
    for sha, what in [(evidence.contract_sha256, "contract"), *((r.sha256, r.name) for r in evidence.reference_data)]:
        if not register.objects.intact(sha):
            problems.append(Problem("evidence_file_missing", what, f"no intact file {sha[:12]}… in the register"))
    return submissions, problems


def _facts_named(register: Register, evidence: Evidence, submissions: list[Submission]) -> Facts:
    book = _kept_book(register, evidence.reference_data)
    names = sorted({r.name for r in evidence.reference_data})
    return facts_from_files(register.kept(submissions), [v for n in names for v in index_values(book, n)],
                            [reference_stamp(book, n) for n in names])


def settled_facts(register: Register, settlement_text: str) -> tuple[Facts, Evidence]:
    """The facts a settlement made from the register read: exactly the versions and the reference series its
    evidence block names, read back from the register (what a what-if on that settlement starts from, issue 16),
    and that evidence block; :class:`SettlementError` with every problem otherwise."""
    try:
        document = json.loads(settlement_text)
        evidence = Evidence.from_dict(document["evidence"])
        month = Month.parse(document["period"])
    except (ValueError, KeyError, TypeError, CalendarError) as error:
        raise SettlementError([Problem("no_evidence", "settlement", f"not a settlement with an evidence block "
                                       f"({type(error).__name__}: {error}); only a settlement made from the register "
                                       "names the facts it read")]) from None
    submissions, problems = _named_submissions(register, evidence, month)
    if problems:
        raise SettlementError(problems)
    return _facts_named(register, evidence, submissions), evidence


@dataclass
class Replay:
    """The outcome of a replay: identical or not, the differing lines, and what stopped it (if anything)."""

    identical: bool
    differences: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recomputed: str = ""
    replayed_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"identical": self.identical, "differences": self.differences,
                "problems": [{"code": p.code, "where": p.where, "message": p.message} for p in self.problems],
                "replayed_at": self.replayed_at}


def replay(register: Register, settlement_text: str, *, name: str = "settlement") -> Replay:
    """Recompute a settlement from the register and compare (see the module docstring)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        document = json.loads(settlement_text)
        evidence = Evidence.from_dict(document["evidence"])
        month = Month.parse(document["period"])
    except (ValueError, KeyError, TypeError, CalendarError) as error:
        return Replay(False, problems=[Problem("no_evidence", name, f"not a settlement with an evidence block "
                                               f"({type(error).__name__}: {error}); only a settlement made from the "
                                               "register (charte settle --register) can be replayed")],
                      replayed_at=stamp)
    submissions, problems = _named_submissions(register, evidence, month)
    if problems:
        return Replay(False, problems=problems, replayed_at=stamp)
    try:
        contract = loads_contract(register.objects.read_bytes(evidence.contract_sha256).decode("utf-8"))
        facts = _facts_named(register, evidence, submissions)
        again = Evidence(evidence.register, evidence.contract_sha256, evidence_inputs(submissions),
                         evidence.reference_data, software_versions())
        recomputed = settle(contract, month, facts, evidence=again).to_json()
    except SettlementError as error:
        return Replay(False, problems=list(error.problems), replayed_at=stamp)
    except ContractInvalid as error:
        return Replay(False, problems=[Problem("contract_invalid", "contract", str(error))], replayed_at=stamp)
    differences = list(difflib.unified_diff(settlement_text.splitlines(), recomputed.splitlines(),
                                            f"{name} (as given)", f"{name} (recomputed from the register)",
                                            lineterm=""))
    return Replay(not differences and settlement_text == recomputed, differences, [], recomputed, stamp)


__all__ = ["ILLUSTRATIVE_NOTE", "Replay", "evidence_inputs", "reference_series", "replay", "settle_from_register",
           "settled_facts"]
