"""What the pages and the API do, as plain functions over a session: store a contract, receive facts
files, settle a month. They call the same library the CLI calls (``charte.io``, ``charte.settle``).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.charter import Scorecard, scorecard
from charte.domain.calendar import CalendarError, Month
from charte.domain.contract import Contract
from charte.io.contract_yaml import ContractInvalid, check_contract_text, line_of, loads_contract
from charte.io.contract_yaml import Problem as ContractProblem
from charte.io.einvoicing import DocumentRefusedError
from charte.io.einvoicing.documents import gate_document
from charte.io.settlement_files import load_facts, settlement_facts
from charte.io.sniff import HEAD_BYTES, content_problem
from charte.payments import InvoiceError, Ledger, LedgerError, invoice_from_settlement_json
from charte.reports.invoice_pdf import write_invoice_files
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


_SERVER_PATH = re.compile(r"(?<![\w.~])(?:[A-Za-z]:)?(?:[/\\][^/\\\s'\":;,()\[\]<>]+)+[/\\]([^/\\\s'\":;,()\[\]<>]+)")


def public_text(text: str) -> str:
    """``text`` with every absolute path of the server cut to its file name: users see
    ``interval_report.parquet``, never where the server keeps it."""
    return _SERVER_PATH.sub(r"\1", text)


class WorkflowError(ValueError):
    """A request the workflow refuses; ``problems`` are (code, where, message) a person can act on (server paths
    cut to file names, :func:`public_text`)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        problems = [(code, public_text(where), public_text(message)) for code, where, message in problems]
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

def _compact_name(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


def _parties(session: Session, text: str, contract: Contract, uploader: OrganisationRow
             ) -> tuple[OrganisationRow | None, list[ContractProblem]]:
    """The counterparty organisation named by the contract's SIREN, and the problems of the parties: the
    uploader's side must carry the uploader's SIREN, the other side a SIREN of an organisation of the other
    kind on this platform; a name that differs from the organisation's is a warning."""
    mine, theirs = (("provider", "client") if uploader.kind == "provider" else ("client", "provider"))
    own, other = getattr(contract, mine), getattr(contract, theirs)
    problems: list[ContractProblem] = []
    if own.siren != uploader.siren:
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (mine, "siren")), "party_siren_mismatch",
            f"`{mine}.siren` is {own.siren}; your organisation ({uploader.name}) has SIREN {uploader.siren}: a "
            f"contract is uploaded by one of its parties"))
    elif _compact_name(own.name) != _compact_name(uploader.name):
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (mine, "name")), "party_name_differs",
            f"`{mine}.name` is {own.name!r}; the organisation with SIREN {own.siren} is registered as "
            f"{uploader.name!r}; invoices carry the contract's name", "warning"))
    counterparty = session.scalar(select(OrganisationRow).where(OrganisationRow.siren == other.siren,
                                                                OrganisationRow.kind == theirs))
    if counterparty is None:
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (theirs, "siren")), "unknown_counterparty",
            f"no {theirs} organisation with SIREN {other.siren} ({other.name}) uses this platform; ask the "
            f"platform's administrator to create it and invite its manager, then upload again"))
    elif _compact_name(other.name) != _compact_name(counterparty.name):
        problems.append(ContractProblem(
            "contract.yaml", line_of(text, (theirs, "name")), "party_name_differs",
            f"`{theirs}.name` is {other.name!r}; the organisation with SIREN {other.siren} is registered as "
            f"{counterparty.name!r}; invoices carry the contract's name", "warning"))
    return counterparty, problems


def store_contract(session: Session, text: str, uploader: OrganisationRow,
                   user_id: str | None = None) -> tuple[ContractRow | None, list[ContractProblem]]:
    """Validate the YAML and store it as a PROPOSAL to the other party named by its SIREN, which must accept it
    before anything is shared (:func:`decide_contract`). Problems (also of the parties) are given by line."""
    if uploader.kind not in ("provider", "client"):
        raise WorkflowError([("not_a_party", "organisation", "only a provider or a client can upload a contract")])
    if not uploader.siren:
        raise WorkflowError([("organisation_without_siren", uploader.name, "your organisation has no SIREN on this "
                                                                          "platform; ask its administrator")])
    contract, problems = check_contract_text(text, "contract.yaml")
    if contract is None:
        return None, problems
    other, party_problems = _parties(session, text, contract, uploader)
    problems = sorted([*problems, *party_problems], key=lambda p: (p.line, p.severity != "error"))
    if other is None or any(p.is_error for p in problems):
        return None, problems
    provider, client = (uploader, other) if uploader.kind == "provider" else (other, uploader)
    row = ContractRow(contract_id=contract.id, name=contract.name or contract.id, yaml_text=text,
                      provider_organisation_id=provider.id, client_organisation_id=client.id, uploaded_by=user_id,
                      status="proposed", proposed_by_organisation_id=uploader.id)
    session.add(row)
    session.flush()
    audit(session, "contract_proposed", user_id=user_id, organisation_id=uploader.id, target=row.id,
          detail=f"{contract.id} to {other.id}")
    return row, problems


def decide_contract(session: Session, access: Access, accept: bool, user_id: str | None, now: datetime) -> None:
    """The counterparty's manager accepts (the contract is shared: facts, settlements, mediator) or declines."""
    if not access.may_decide:
        raise WorkflowError([("not_yours_to_decide", access.contract.contract_id,
                              "only the other party's manager accepts or declines a proposed contract")])
    access.contract.status = "accepted" if accept else "declined"
    access.contract.decided_at = now
    audit(session, "contract_accepted" if accept else "contract_declined", user_id=user_id,
          organisation_id=access.organisation_id, target=access.contract.id)


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
    partial = folder / f".{canonical}.{secrets.token_hex(8)}.part"
    digest = hashlib.sha256()
    size = 0
    head, tail = b"", b""
    with partial.open("wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                out.close()
                partial.unlink(missing_ok=True)
                raise WorkflowError([("file_too_large", canonical, f"more than {MAX_FILE_BYTES} bytes")])
            digest.update(chunk)
            out.write(chunk)
            head = head if len(head) >= HEAD_BYTES else (head + chunk)[:HEAD_BYTES]
            tail = (tail + chunk)[-4:]
    wrong = content_problem(canonical, head, tail)
    if wrong is not None:  # a ZIP renamed .parquet, a PDF renamed .csv… (charte.io.sniff)
        partial.unlink(missing_ok=True)
        raise WorkflowError([("file_content_mismatch", canonical, wrong)])
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
        summary.problems = [(p.code, public_text(p.where), public_text(p.message)) for p in error.problems]
        return summary
    except (KeyError, ValueError, TypeError, pa.ArrowException, OSError) as error:
        summary.problems = [("unreadable_facts", "facts", public_text(f"{type(error).__name__}: {error}"))]
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
    """Settle ``period`` from the contract's facts folder and store the result. Index values: the reference data
    (shipped series, ``<data dir>/reference``) and the folder's ``index_values.csv`` — never the demo's
    illustrative series."""
    try:
        month = Month.parse(period)
    except CalendarError as error:
        raise WorkflowError([("invalid_period", "period", f"expected YYYY-MM; {error}")]) from None
    folder = facts_folder(data_dir, access.contract)
    try:
        contract = loads_contract(access.contract.yaml_text, "contract.yaml")
        facts = settlement_facts(folder, contract, month, reference=data_dir / "reference")
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


# ---------------------------------------------------------------- invoices (charte.payments), scorecard

INVOICE_FILE = re.compile(r"(invoice|credit-note)-[A-Za-z0-9_-]{1,40}\.(pdf|xml|ubl\.xml|xlsx)")


def invoices_folder(data_dir: Path, contract: ContractRow) -> Path:
    return data_dir / "invoices" / contract.id


def _ledger(data_dir: Path, contract: ContractRow, siren: str) -> Ledger:
    """The provider organisation's ledger (one numbering sequence per provider organisation)."""
    return Ledger(data_dir / "ledgers" / contract.provider_organisation_id, siren)


@lru_cache(maxsize=256)
def _terms(yaml_text: str) -> Contract:
    """The contract of a stored (hence valid) YAML text, parsed once per text."""
    return loads_contract(yaml_text, "contract.yaml")


def invoices_of(data_dir: Path, contract: ContractRow, period: str, as_of: date | None = None) -> list[dict[str, Any]]:
    """The documents issued for this contract and month: number, kind, the files to download, the lifecycle
    statuses (Déposée, Encaissée…: charte.payments.lifecycle) and, for an invoice, where it stands on ``as_of``
    (paid, outstanding, days late, late interest: charte.payments)."""
    if not (data_dir / "ledgers" / contract.provider_organisation_id).exists():
        return []
    try:
        terms = _terms(contract.yaml_text)
        ledger = _ledger(data_dir, contract, terms.provider.siren)
        documents, payments, recorded = ledger.documents(), ledger.payments(), ledger.recorded_statuses()
    except (ContractInvalid, LedgerError, OSError, ValueError, KeyError):
        return []
    folder = invoices_folder(data_dir, contract)
    out: list[dict[str, Any]] = []
    for doc in documents:
        if doc.contract != terms.id or doc.period != period or doc.number is None:
            continue
        stem = ("credit-note-" if doc.kind == "credit_note" else "invoice-") + doc.number
        files = [f"{stem}.{ext}" for ext in ("pdf", "xml", "ubl.xml", "xlsx") if (folder / f"{stem}.{ext}").exists()]
        entry: dict[str, Any] = {"number": doc.number, "kind": str(doc.kind), "issue_date": doc.issue_date,
                                 "total": str(doc.total_including_vat), "files": files, "status": None,
                                 "lifecycle": ledger.lifecycle(doc, payments, recorded)}
        if doc.kind == "invoice":
            entry["status"] = ledger.status(doc, as_of or date.today(), known=(documents, payments))
        out.append(entry)
    return out


def record_payment(session: Session, access: Access, period: str, number: str, on: str, amount: str,
                   reference: str, data_dir: Path, organisation: OrganisationRow, user_id: str | None = None,
                   today: date | None = None) -> None:
    """Record a payment received against an invoice of this contract and month (charte.payments.Ledger rules:
    positive, whole cents, not before the invoice, not above what is still owed; and not after ``today``:
    a payment is recorded once received)."""
    if number not in {i["number"] for i in invoices_of(data_dir, access.contract, period) if i["kind"] == "invoice"}:
        raise WorkflowError([("unknown_invoice", number or "(none)", f"expected an invoice of {period}")])
    try:
        day = date.fromisoformat(on.strip())
    except ValueError:
        raise WorkflowError([("invalid_date", on or "(none)", "expected a date YYYY-MM-DD")]) from None
    received_by = today or date.today()
    if day > received_by:
        raise WorkflowError([("payment_in_future", on, f"a payment dated {day.isoformat()} is after today "
                                                       f"({received_by.isoformat()}); record a payment once received")])
    try:
        _ledger(data_dir, access.contract, _terms(access.contract.yaml_text).provider.siren).record_payment(
            number, day, amount.strip().replace(",", "."), reference[:200])
    except LedgerError as error:
        raise WorkflowError([(error.code, number, str(error))]) from None
    audit(session, "payment_recorded", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{number} {day.isoformat()} {amount}")


def issue_invoice(session: Session, access: Access, period: str, data_dir: Path, organisation: OrganisationRow,
                  issue_date: date, user_id: str | None = None) -> str:
    """Issue the invoice of a settled month in the provider's ledger (next number) and write its Factur-X PDF,
    CII XML and XLSX; refuses a second invoice for the same month. Returns the invoice number."""
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise WorkflowError([("not_settled", period, "settle the month before issuing its invoice")])
    try:
        terms = loads_contract(access.contract.yaml_text, "contract.yaml")
        if any(i["kind"] == "invoice" for i in invoices_of(data_dir, access.contract, row.period)):
            raise WorkflowError([("invoice_already_issued", period, "this month's invoice is already issued; "
                                                                    "issue a credit note to correct it")])
        draft = invoice_from_settlement_json(terms, json.loads(row.settlement_json), issue_date)
        issued = _ledger(data_dir, access.contract, terms.provider.siren).issue(draft, gate_document)
    except (InvoiceError, LedgerError, DocumentRefusedError) as error:
        raise WorkflowError([(getattr(error, "code", "invoice_refused"), period, str(error))]) from None
    except (ContractInvalid, KeyError, ValueError) as error:
        raise WorkflowError([("invoice_refused", period, f"{type(error).__name__}: {error}")]) from None
    write_invoice_files(issued, invoices_folder(data_dir, access.contract))
    audit(session, "invoice_issued", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{row.period} {issued.number}")
    return str(issued.number)


def invoice_file(data_dir: Path, contract: ContractRow, name: str) -> Path | None:
    """The path of a downloadable invoice file of the contract, or ``None`` (unknown or malformed name)."""
    if INVOICE_FILE.fullmatch(name) is None:
        return None
    path = invoices_folder(data_dir, contract) / name
    return path if path.is_file() else None


@dataclass(frozen=True)
class ScorecardView:
    """The charter scorecard of a contract and what its charts need (the contract's band and reference horizon)."""

    card: Scorecard
    band: tuple[float, float] | None
    horizon: str | None


def scorecard_view(session: Session, contract: ContractRow) -> ScorecardView:
    """The charter scorecard (eight SP2C axes and the 2010 charter) of the contract on its settled months, judged
    the first day after the last settled month."""
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
        return ScorecardView(card, (float(band.under), float(band.over)) if band else None, horizon)
    except (ContractInvalid, KeyError, ValueError, TypeError, AttributeError) as error:
        raise WorkflowError([("scorecard_unavailable", contract.contract_id, f"{type(error).__name__}: {error}")]) \
            from None
