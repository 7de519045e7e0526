"""What the pages and the API do, as plain functions over a session: store a contract, receive facts
files, settle a month. They call the same library the CLI calls (``charte.io``, ``charte.settle``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.charter import scorecard
from charte.domain.calendar import CalendarError, Month
from charte.io.contract_yaml import ContractInvalid, check_contract_text, loads_contract
from charte.io.contract_yaml import Problem as ContractProblem
from charte.io.settlement_files import illustrative_syntec_path, load_facts, load_index_values
from charte.reports.scorecard_report import render_scorecard_report
from charte.settle import SettlementError, settle
from charte.settle.explain import explain
from charte.store import (
    Access,
    ContractRow,
    ContractShareRow,
    FactsUploadRow,
    OrganisationRow,
    SettlementRow,
    audit,
)

#: Facts files a contract accepts (the folder format of ``charte demo``, see charte.io.settlement_files).
TABULAR_STEMS = ("interval_report", "forecasts", "staffing", "contact_records")
CSV_ONLY = ("incidents", "kpis", "successes", "index_values")
MAX_FILE_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024


class WorkflowError(ValueError):
    """A request the workflow refuses; ``problems`` are (code, where, message) a person can act on."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"[{c}] {w}: {m}" for c, w, m in problems))


def accepted_file_name(name: str) -> str | None:
    """The canonical name of an uploaded facts file (``interval_report.parquet``…), or ``None``."""
    base = Path(name or "").name.lower()
    match = re.fullmatch(r"([a-z_]+)\.(csv|parquet)", base)
    if match is None:
        return None
    stem, suffix = match.groups()
    if stem in TABULAR_STEMS or (stem in CSV_ONLY and suffix == "csv"):
        return base
    return None


def facts_folder(data_dir: Path, contract: ContractRow) -> Path:
    return data_dir / "facts" / contract.id


# ---------------------------------------------------------------- contracts

def store_contract(session: Session, text: str, uploader: OrganisationRow, other_party_id: str,
                   user_id: str | None = None) -> tuple[ContractRow | None, list[ContractProblem]]:
    """Validate the YAML; store it with its two parties when it has no error. Problems are given by line."""
    contract, problems = check_contract_text(text, "contract.yaml")
    if contract is None:
        return None, problems
    other = session.get(OrganisationRow, other_party_id) if other_party_id else None
    wanted = "client" if uploader.kind == "provider" else "provider"
    if uploader.kind not in ("provider", "client"):
        raise WorkflowError([("not_a_party", "organisation", "only a provider or a client can upload a contract")])
    if other is None or other.kind != wanted:
        raise WorkflowError([("unknown_party", "other_party", f"expected the id of a {wanted} organisation")])
    provider, client = (uploader, other) if uploader.kind == "provider" else (other, uploader)
    row = ContractRow(contract_id=contract.id, name=contract.name or contract.id, yaml_text=text,
                      provider_organisation_id=provider.id, client_organisation_id=client.id, uploaded_by=user_id)
    session.add(row)
    session.flush()
    audit(session, "contract_uploaded", user_id=user_id, organisation_id=uploader.id, target=row.id,
          detail=contract.id)
    return row, problems


def share_with_mediator(session: Session, access: Access, mediator_id: str, organisation: OrganisationRow,
                        user_id: str | None = None) -> ContractShareRow:
    mediator = session.get(OrganisationRow, mediator_id) if mediator_id else None
    if mediator is None or mediator.kind != "mediator":
        raise WorkflowError([("unknown_mediator", "mediator", "expected the id of a mediator organisation")])
    existing = session.scalar(select(ContractShareRow).where(ContractShareRow.contract_id == access.contract.id,
                                                             ContractShareRow.mediator_organisation_id == mediator.id))
    if existing is not None:
        return existing
    row = ContractShareRow(contract_id=access.contract.id, mediator_organisation_id=mediator.id,
                           invited_by_organisation_id=organisation.id)
    session.add(row)
    session.flush()
    audit(session, "mediator_invited", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=mediator.id)
    return row


# ---------------------------------------------------------------- facts

@dataclass
class FactsSummary:
    """What the facts folder holds now: files, and what the settlement engine reads from them."""

    files: dict[str, str] = field(default_factory=dict)
    activities: list[str] = field(default_factory=list)
    intervals: int = 0
    forecasts: int = 0
    staffing: int = 0
    incidents: int = 0
    problems: list[tuple[str, str, str]] = field(default_factory=list)


async def receive_file(folder: Path, name: str, chunks: AsyncIterator[bytes]) -> tuple[str, str]:
    """Stream one uploaded file into ``folder`` (replacing the same stem in either format); name and SHA-256."""
    canonical = accepted_file_name(name)
    if canonical is None:
        raise WorkflowError([("unexpected_file", name or "(no name)", "expected one of "
                              + ", ".join(f"{s}.csv|.parquet" for s in TABULAR_STEMS) + ", "
                              + ", ".join(f"{s}.csv" for s in CSV_ONLY))])
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{canonical}.part"
    digest = hashlib.sha256()
    size = 0
    with partial.open("wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                out.close()
                partial.unlink(missing_ok=True)
                raise WorkflowError([("file_too_large", canonical, f"more than {MAX_FILE_BYTES} bytes")])
            digest.update(chunk)
            out.write(chunk)
    stem = canonical.rsplit(".", 1)[0]
    for old in (folder / f"{stem}.csv", folder / f"{stem}.parquet"):
        old.unlink(missing_ok=True)
    partial.replace(folder / canonical)
    return canonical, digest.hexdigest()


def record_upload(session: Session, access: Access, files: dict[str, str], organisation: OrganisationRow,
                  user_id: str | None = None) -> FactsUploadRow:
    row = FactsUploadRow(contract_id=access.contract.id, files_json=json.dumps(files, sort_keys=True),
                         uploaded_by_organisation_id=organisation.id)
    session.add(row)
    session.flush()
    audit(session, "facts_uploaded", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=", ".join(sorted(files)))
    return row


def summarise_facts(folder: Path) -> FactsSummary:
    """Read the folder as the settlement will: counts per kind of fact, or the problems found
    (remembered until a file of the folder changes)."""
    if not folder.exists():
        return FactsSummary()
    state = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir()))
    return _summarise(str(folder), state)


@lru_cache(maxsize=128)
def _summarise(folder_name: str, _state: tuple[tuple[str, int, int], ...]) -> FactsSummary:
    folder = Path(folder_name)
    summary = FactsSummary()
    summary.files = {p.name: f"{p.stat().st_size}" for p in sorted(folder.iterdir()) if not p.name.startswith(".")}
    if not summary.files:
        return summary
    try:
        facts = load_facts(folder)
    except SettlementError as error:
        summary.problems = [(p.code, p.where, p.message) for p in error.problems]
        return summary
    except (KeyError, ValueError, TypeError, pa.ArrowException, OSError) as error:
        summary.problems = [("unreadable_facts", folder.name, f"{type(error).__name__}: {error}")]
        return summary
    summary.activities = [b.activity for b in facts.intervals]
    summary.intervals = sum(len(b) for b in facts.intervals)
    summary.forecasts = len(facts.forecasts)
    summary.staffing = len(facts.staffing)
    summary.incidents = len(facts.incidents)
    return summary


# ---------------------------------------------------------------- settlements

def settle_month(session: Session, access: Access, period: str, data_dir: Path, organisation: OrganisationRow,
                 user_id: str | None = None) -> SettlementRow:
    """Settle ``period`` from the contract's facts folder (index values: the folder's ``index_values.csv``
    added to the ILLUSTRATIVE Syntec series shipped with charte) and store the result."""
    try:
        month = Month.parse(period)
    except CalendarError as error:
        raise WorkflowError([("invalid_period", "period", f"expected YYYY-MM; {error}")]) from None
    folder = facts_folder(data_dir, access.contract)
    try:
        contract = loads_contract(access.contract.yaml_text, "contract.yaml")
        facts = load_facts(folder, index_values=load_index_values(illustrative_syntec_path()))
        result = settle(contract, month, facts)
    except SettlementError as error:
        raise WorkflowError([(p.code, p.where, p.message) for p in error.problems]) from None
    except (KeyError, ValueError, TypeError, pa.ArrowException, OSError) as error:
        raise WorkflowError([("unreadable_facts", "facts", f"{type(error).__name__}: {error}")]) from None
    explanations = [{"number": line.number, "fr": explain(line, "fr"), "en": explain(line, "en")}
                    for line in result.lines]
    row = SettlementRow(contract_id=access.contract.id, period=str(month), settlement_json=result.to_json(),
                        explanations_json=json.dumps(explanations, ensure_ascii=False),
                        inputs_sha256=result.inputs_sha256, total_excluding_vat=str(result.total_excluding_vat),
                        total_including_vat=str(result.total_including_vat),
                        settled_by_organisation_id=organisation.id)
    session.add(row)
    session.flush()
    audit(session, "month_settled", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{month} {result.inputs_sha256}")
    return row


def latest_settlement(session: Session, contract: ContractRow, period: str) -> SettlementRow | None:
    return session.scalar(select(SettlementRow).where(SettlementRow.contract_id == contract.id,
                                                      SettlementRow.period == period)
                          .order_by(SettlementRow.created_at.desc()).limit(1))


def settlements_of(session: Session, contract: ContractRow) -> list[SettlementRow]:
    """The latest settlement of each period, newest period first."""
    rows = session.scalars(select(SettlementRow).where(SettlementRow.contract_id == contract.id)
                           .order_by(SettlementRow.period.desc(), SettlementRow.created_at.desc()))
    seen: dict[str, SettlementRow] = {}
    for row in rows:
        seen.setdefault(row.period, row)
    return list(seen.values())


def settlement_document(row: SettlementRow) -> dict[str, Any]:
    """The stored settlement JSON with each line's explanation (fr, en) attached."""
    document: dict[str, Any] = json.loads(row.settlement_json)
    by_number = {e["number"]: e for e in json.loads(row.explanations_json)}
    for line in document.get("lines", []):
        found = by_number.get(line.get("number"), {})
        line["explanation_fr"], line["explanation_en"] = found.get("fr", ""), found.get("en", "")
    return document


def remove_facts(data_dir: Path, contract: ContractRow) -> None:
    shutil.rmtree(facts_folder(data_dir, contract), ignore_errors=True)


# ---------------------------------------------------------------- scorecard

def scorecard_html(session: Session, contract: ContractRow) -> str:
    """The charter scorecard (eight SP2C axes) of the contract on its settled months, judged the first day
    after the last settled month, as the standalone page :mod:`charte.reports.scorecard_report` renders."""
    history = [json.loads(r.settlement_json) for r in reversed(settlements_of(session, contract))]
    if not history:
        raise WorkflowError([("not_settled", contract.contract_id, "no settled month yet: nothing to judge")])
    try:
        terms = loads_contract(contract.yaml_text, "contract.yaml")
        today = Month.parse(history[-1]["period"]).next().first_day
        card = scorecard(terms, history, today=today)
        version = terms.as_of(today) if today >= terms.term.start else terms
        band = version.forecasts.band if version.forecasts else None
        horizon = (band.horizon or version.forecasts.reference_horizon.name) if band and version.forecasts else None
        with tempfile.TemporaryDirectory() as folder:
            path = render_scorecard_report(card, Path(folder) / "scorecard.html", horizon=horizon,
                                           band=(float(band.under), float(band.over)) if band else None)
            return path.read_text(encoding="utf-8")
    except (ContractInvalid, KeyError, ValueError, TypeError, AttributeError) as error:
        raise WorkflowError([("scorecard_unavailable", contract.contract_id, f"{type(error).__name__}: {error}")]) \
            from None
