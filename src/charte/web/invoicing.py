"""Invoices, credit notes and payments through the web application, kept in the ledger database.

Each provider organisation has one ledger (one gap-free numbering sequence), kept in the
application's database by :class:`charte.store.ledger.SqlLedger` with its witness folder under
``<data dir>/ledger/<organisation>``; every rule — one invoice per contract and month, dates,
credits, payments — is the ledger's (:mod:`charte.payments.ledger`), the same for the command
line. The pages call these functions and show the ledger's refusals as they are.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from charte.domain.contract import Contract
from charte.io.contract_yaml import ContractInvalid, loads_contract
from charte.io.einvoicing import DocumentRefusedError
from charte.io.einvoicing.documents import gate_document
from charte.payments import InvoiceError, LedgerError, credit_note_for
from charte.payments.invoice import invoice_from_settlement_json
from charte.payments.ledger import lifecycle, status
from charte.reports.invoice_pdf import write_invoice_files
from charte.store import Access, ContractRow, OrganisationRow, audit
from charte.store.ledger import SqlLedger, paris_today
from charte.web.workflows import WorkflowError, latest_settlement

INVOICE_FILE = re.compile(r"(invoice|credit-note)-[A-Za-z0-9_-]{1,40}\.(pdf|xml|ubl\.xml|xlsx)")


def invoices_folder(data_dir: Path, contract: ContractRow) -> Path:
    return data_dir / "invoices" / contract.id


def provider_ledger(session: Session, data_dir: Path, contract: ContractRow, siren: str) -> SqlLedger:
    """The provider organisation's ledger (one numbering sequence per provider organisation), read and written in
    the request's ``session``: an entry commits with what the request records beside it, or not at all."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    book = contract.provider_organisation_id
    return SqlLedger(engine, book, siren, data_dir / "ledger" / book, session=session)


@lru_cache(maxsize=256)
def _terms(yaml_text: str) -> Contract:
    """The contract of a stored (hence valid) YAML text, parsed once per text."""
    return loads_contract(yaml_text, "contract.yaml")


def invoices_of(session: Session, data_dir: Path, contract: ContractRow, period: str,
                as_of: date | None = None) -> list[dict[str, Any]]:
    """The documents issued for this contract and month: number, kind, the files to download, the lifecycle
    statuses (Déposée, Encaissée…: charte.payments.lifecycle) and, for an invoice, where it stands on ``as_of``
    (paid, outstanding, days late, late interest: charte.payments)."""
    try:
        terms = _terms(contract.yaml_text)
        ledger = provider_ledger(session, data_dir, contract, terms.provider.siren)
        documents, payments, recorded = ledger.documents(), ledger.payments(), ledger.recorded_statuses()
    except (ContractInvalid, OSError, ValueError, KeyError):
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
                                 "corrects": doc.corrects, "lines": [i.number for i in doc.items],
                                 "lifecycle": lifecycle(doc, payments, recorded)}
        if doc.kind == "invoice":
            entry["status"] = status(doc, documents, payments, as_of or paris_today())
        out.append(entry)
    return out


def live_invoice(session: Session, data_dir: Path, contract: ContractRow, period: str) -> dict[str, Any] | None:
    """The month's invoice still standing (not cancelled in full by credit notes), if any."""
    for entry in invoices_of(session, data_dir, contract, period):
        if entry["kind"] == "invoice" and entry["status"] is not None and \
                entry["status"].credited < entry["status"].total:
            return entry
    return None


def record_payment(session: Session, access: Access, period: str, number: str, on: str, amount: str,
                   reference: str, data_dir: Path, organisation: OrganisationRow, user_id: str | None = None,
                   today: date | None = None) -> None:
    """Record a payment received against an invoice of this contract and month (the ledger's rules: positive,
    whole cents, not before the invoice nor after ``today`` — a payment is recorded once received —, not above
    what is still owed)."""
    mine = {i["number"] for i in invoices_of(session, data_dir, access.contract, period) if i["kind"] == "invoice"}
    if number not in mine:
        raise WorkflowError([("unknown_invoice", number or "(none)", f"expected an invoice of {period}")])
    try:
        day = date.fromisoformat(on.strip())
    except ValueError:
        raise WorkflowError([("invalid_date", on or "(none)", "expected a date YYYY-MM-DD")]) from None
    try:
        provider_ledger(session, data_dir, access.contract, _terms(access.contract.yaml_text).provider.siren) \
            .record_payment(number, day, amount.strip().replace(",", "."), reference[:200], today=today)
    except LedgerError as error:
        raise WorkflowError([(error.code, number, str(error))]) from None
    audit(session, "payment_recorded", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{number} {day.isoformat()} {amount}")


def issue_invoice(session: Session, access: Access, period: str, data_dir: Path, organisation: OrganisationRow,
                  issue_date: date, user_id: str | None = None) -> str:
    """Issue the invoice of a settled month in the provider's ledger (next number) and write its Factur-X PDF,
    CII XML and XLSX; the ledger refuses a second invoice for the month. Returns the invoice number."""
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise WorkflowError([("not_settled", period, "settle the month before issuing its invoice")])
    try:
        terms = loads_contract(access.contract.yaml_text, "contract.yaml")
        draft = invoice_from_settlement_json(terms, json.loads(row.settlement_json), issue_date)
        issued = provider_ledger(session, data_dir, access.contract, terms.provider.siren).issue(draft, gate_document)
    except (InvoiceError, LedgerError, DocumentRefusedError) as error:
        raise WorkflowError([(getattr(error, "code", "invoice_refused"), period, str(error))]) from None
    except (ContractInvalid, KeyError, ValueError) as error:
        raise WorkflowError([("invoice_refused", period, f"{type(error).__name__}: {error}")]) from None
    _write_files(issued, data_dir, access.contract)
    audit(session, "invoice_issued", user_id=user_id, organisation_id=organisation.id, target=access.contract.id,
          detail=f"{row.period} {issued.number}")
    return str(issued.number)


def issue_credit_note(session: Session, access: Access, period: str, number: str, reason: str, data_dir: Path,
                      organisation: OrganisationRow, issue_date: date, *, lines: str = "", amount: str = "",
                      user_id: str | None = None) -> str:
    """Correct an invoice of this month with a credit note naming it and its date: in full, the lines listed
    (``"2, 3"``) or an amount excluding VAT. Returns the credit note's number."""
    if number not in {i["number"] for i in invoices_of(session, data_dir, access.contract, period)
                      if i["kind"] == "invoice"}:
        raise WorkflowError([("unknown_invoice", number or "(none)", f"expected an invoice of {period}")])
    chosen = [part.strip() for part in lines.replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() for part in chosen):
        raise WorkflowError([("credit_note_unknown_line", lines, "expected line numbers separated by commas, "
                                                                 "e.g. 2, 3")])
    ledger = provider_ledger(session, data_dir, access.contract, _terms(access.contract.yaml_text).provider.siren)
    try:
        original = ledger.document(number)
        note = credit_note_for(original, issue_date, reason, lines=[int(p) for p in chosen] or None,
                               amount=amount.strip().replace(",", ".") or None)
        issued = ledger.issue(note, gate_document)
    except (InvoiceError, LedgerError, DocumentRefusedError) as error:
        raise WorkflowError([(getattr(error, "code", "credit_note_refused"), number, str(error))]) from None
    except ValueError as error:
        raise WorkflowError([("credit_note_amount_invalid", amount, str(error))]) from None
    _write_files(issued, data_dir, access.contract)
    audit(session, "credit_note_issued", user_id=user_id, organisation_id=organisation.id,
          target=access.contract.id, detail=f"{period} {issued.number} on {number}")
    return str(issued.number)


def write_issued_files(issued: Any, data_dir: Path, contract: ContractRow) -> None:
    """Write the files of a document the ledger has just numbered, in the request's transaction. Files already
    under that number can only be left by a request that was rolled back (the ledger, which is the truth, had
    the number free under its lock): they are replaced; an issued number's files never are, since its number is
    never given again."""
    write_invoice_files(issued, invoices_folder(data_dir, contract), overwrite=True)


_write_files = write_issued_files


def invoice_file(data_dir: Path, contract: ContractRow, name: str) -> Path | None:
    """The path of a downloadable invoice file of the contract, or ``None`` (unknown or malformed name)."""
    if INVOICE_FILE.fullmatch(name) is None:
        return None
    path = invoices_folder(data_dir, contract) / name
    return path if path.is_file() else None


__all__ = ["invoice_file", "invoices_folder", "invoices_of", "issue_credit_note", "issue_invoice", "live_invoice",
           "provider_ledger", "record_payment", "write_issued_files"]
