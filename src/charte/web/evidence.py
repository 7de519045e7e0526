"""The register of evidence through the web application: each party submits its own facts, month by month.

An upload names the month; each file's kind comes from its name (``interval_report.parquet``,
``forecasts-W-1-2026-09-21.csv``: the part before the first ``-`` or ``.``). The register
(:mod:`charte.store.register`, kept in the application's database with its files under
``<data dir>/register``) refuses a party submitting the other party's kind of fact, checks each
file's content, keeps it under its hash and records who sent it and when (the server's clock).
Nothing replaces anything: a new version supersedes the previous one for the settlement, and
every version stays listed — late and superseded ones included.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from charte.domain.calendar import CalendarError, Month
from charte.io.contract_yaml import ContractInvalid, loads_contract
from charte.io.evidence import FACT_KINDS, EvidenceRejected
from charte.store import Access, ContractRow, OrganisationRow, audit
from charte.store.register import Register, Submission, VersionStanding, standings
from charte.web.workflows import WorkflowError

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}")


def web_register(session: Session, data_dir: Path, clock: Callable[[], datetime] | None = None) -> Register:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return Register(engine, data_dir / "register", clock)


def kind_of(file_name: str) -> str | None:
    """The kind of fact a file's name announces (``forecasts-M-1.csv`` → ``forecasts``), or ``None``."""
    base = Path(file_name or "").name
    if SAFE_NAME.fullmatch(base) is None or base != file_name.replace("\\", "/").split("/")[-1]:
        return None
    stem = base.split(".", 1)[0].split("-", 1)[0].lower()
    return stem if stem in FACT_KINDS else None


def expected_names() -> str:
    return "; ".join(f"{k.name}[-…].{'|'.join(k.formats)} ({k.owner})" for k in FACT_KINDS.values())


def month_of(period: str) -> Month:
    try:
        return Month.parse(period.strip())
    except (CalendarError, ValueError) as error:
        raise WorkflowError([("invalid_period", "period", f"expected the month the facts are for, YYYY-MM; "
                                                          f"{error}")]) from None


@dataclass
class Received:
    """What one upload gave: the submissions recorded (or found unchanged) and the files refused."""

    submissions: list[tuple[Submission, bool]] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)


async def receive_submission(register: Register, access: Access, month: Month, file_name: str,
                             chunks: AsyncIterator[bytes], submitted_by: str, organisation_id: str,
                             received: Received) -> None:
    """Submit one uploaded file for ``month`` as the caller's party; its outcome is added to ``received``."""
    kind = kind_of(file_name)
    if kind is None:
        received.problems.append(("unexpected_file", file_name or "(no name)",
                                  f"expected a file named after its kind of fact: {expected_names()}"))
        return
    try:
        contract = loads_contract(access.contract.yaml_text, "contract.yaml")
        staged = await register.objects.stage_stream(chunks)
        received.submissions.append(register.submit(
            staged, contract=contract, contract_key=access.contract.id, period=month, kind=kind,
            file_name=file_name, party=access.standing, submitted_by=submitted_by,
            organisation_id=organisation_id))
    except EvidenceRejected as error:
        received.problems += [(p.code, p.where, p.message) for p in error.problems]
    except ContractInvalid as error:
        received.problems.append(("contract_invalid", "contract", str(error)))


@dataclass(frozen=True)
class MonthRegister:
    """One month's versions, newest first, with their standing."""

    period: str
    versions: list[VersionStanding]

    @property
    def kinds(self) -> list[str]:
        return sorted({v.submission.kind for v in self.versions})


def register_view(session: Session, data_dir: Path, contract: ContractRow) -> list[MonthRegister]:
    """Every month of the contract's register, newest first (what both parties and the mediator see)."""
    register = web_register(session, data_dir)
    everything = _standings(contract, register.versions(contract.id), register)
    periods = sorted({v.submission.period for v in everything}, reverse=True)
    return [MonthRegister(p, [v for v in everything if v.submission.period == p]) for p in periods]


#: How many contracts' standings a worker remembers (a few hundred kilobytes each at most).
STANDINGS_KEPT = 128
_standings_kept: OrderedDict[tuple[object, ...], list[VersionStanding]] = OrderedDict()
_standings_lock = threading.Lock()


def _standings(contract: ContractRow, versions: list[Submission], register: Register) -> list[VersionStanding]:
    """:func:`standings` of the contract's versions, remembered per contract text and versions.

    Reading the contract's YAML and every kept forecast file took most of a contract page (60 ms of CPU each
    view, which 50 users turned into seconds). Both inputs are immutable — the text is the key, and a version's
    file is kept under its hash and never moves — so the same key always gives the same standings; a new
    version or a new text is a new key."""
    key = (contract.id, hashlib.sha256(contract.yaml_text.encode()).hexdigest(),
           tuple((s.position, s.sha256, s.submitted_at, s.period, s.kind, s.version) for s in versions))
    with _standings_lock:
        if (kept := _standings_kept.get(key)) is not None:
            _standings_kept.move_to_end(key)
            return list(kept)
    try:
        terms = loads_contract(contract.yaml_text, "contract.yaml")
    except ContractInvalid:
        terms = None
    computed = standings(terms, versions, register)
    with _standings_lock:
        _standings_kept[key] = computed
        while len(_standings_kept) > STANDINGS_KEPT:
            _standings_kept.popitem(last=False)
    return list(computed)


def submission_out(submission: Submission, added: bool) -> dict[str, Any]:
    return {**submission.payload(), "added": added}


def audit_submission(session: Session, access: Access, organisation: OrganisationRow, user_id: str | None,
                     received: Received) -> None:
    for submission, added in received.submissions:
        if added:
            audit(session, "evidence_submitted", user_id=user_id, organisation_id=organisation.id,
                  target=access.contract.id,
                  detail=f"{submission.period} {submission.kind} v{submission.version} {submission.sha256}")


__all__ = ["MonthRegister", "Received", "audit_submission", "expected_names", "kind_of", "month_of",
           "receive_submission", "register_view", "submission_out", "web_register"]
