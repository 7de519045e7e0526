"""Disputes in the web application, as plain functions over a session (the pages and the API call them).

They call the library (:mod:`charte.disputes`) for every rule: who may post which step, the
claim's checks, what-ifs re-settled from the evidence the invoice rests on, the correcting
document, the undisputed part and its interest. This module only reads and writes rows and
files, and tells the other participants by e-mail (:mod:`charte.web.mail`).

Who sees a dispute: the contract's two parties, and the mediator organisation invited to *this*
dispute; anybody else gets the same 404 as for a dispute that does not exist.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from charte.disputes import (
    Actor,
    Claim,
    Entry,
    IssuedSettlement,
    Kind,
    MonthEvidence,
    Reason,
    Scope,
    State,
    Status,
    WhatIf,
    chain,
    check_claim,
    check_step,
    correcting_document,
    disputed_statement,
    parse_changes,
    pending_answers,
    recipients,
    state,
    whatif,
)
from charte.disputes.lifecycle import on_contest, on_end
from charte.disputes.words import KINDS, REASONS, STATUSES, scope_words
from charte.disputes.words import Language as WordsLanguage
from charte.domain.calendar import PARIS, Month
from charte.domain.contract import DisputeTerms
from charte.domain.money import D, MoneyError
from charte.io.dispute_files import corrected_reports, forecast_versions
from charte.io.einvoicing import DocumentRefusedError
from charte.io.einvoicing.documents import gate_document
from charte.payments import Invoice, InvoiceError, LedgerError, Payment
from charte.payments.lifecycle import Status as LifecycleStatus
from charte.payments.lifecycle import StatusEvent
from charte.settle import Problem, SettlementError
from charte.store import (
    Access,
    AuditLogRow,
    ContractRow,
    DisputeAttachmentRow,
    DisputeEntryRow,
    DisputeRow,
    MembershipRow,
    OrganisationRow,
    SettlementRow,
    UserRow,
    WhatIfRow,
    audit,
)
from charte.store.register import Register
from charte.store.replay import settled_facts
from charte.web.config import WebSettings
from charte.web.i18n import language
from charte.web.invoicing import _terms, provider_ledger, write_issued_files
from charte.web.mail import Mailer, MailError
from charte.web.workflows import WorkflowError, register_of, share_with_mediator

LOG = logging.getLogger("charte.disputes")

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Accepted attachments: extension → (media type, how the content must start; None: text).
ATTACHMENT_TYPES: Mapping[str, tuple[str, bytes | None]] = {
    ".csv": ("text/csv", None), ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"), ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"), ".parquet": ("application/vnd.apache.parquet", b"PAR1"),
}
EVIDENCE_KINDS = ("forecasts", "interval_report")
SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


class Forbidden(Exception):  # noqa: N818  (a refusal, answered 403)
    """The caller sees the dispute but may not take this step."""


def _problems(problems: Sequence[Any]) -> list[tuple[str, str, str]]:
    return [(p.code, p.where, p.message) for p in problems]


# ---------------------------------------------------------------- who is asking

def paris_today() -> date:
    """Today in Paris: deadlines and dispute windows count in the contract's local dates."""
    return datetime.now(PARIS).date()


def dispute_terms(contract: ContractRow) -> DisputeTerms:
    """The contract's dispute clause in force today (amendments folded in), or charte's stated defaults."""
    return _terms(contract.yaml_text).as_of(paris_today()).disputes or DisputeTerms()


def visible_dispute(session: Session, access: Access, organisation: OrganisationRow,
                    dispute_id: str) -> DisputeRow | None:
    """The dispute if the organisation may see it: a party of its contract, or the mediator invited to it."""
    row = session.get(DisputeRow, dispute_id)
    if row is None or row.contract_id != access.contract.id:
        return None
    if access.is_party or row.mediator_organisation_id == organisation.id:
        return row
    return None


def disputes_of(session: Session, access: Access, organisation: OrganisationRow,
                period: str | None = None) -> list[DisputeRow]:
    """The contract's disputes the organisation may see (a mediator: those it is invited to), newest first."""
    query = select(DisputeRow).where(DisputeRow.contract_id == access.contract.id)
    if period is not None:
        query = query.where(DisputeRow.period == period)
    if not access.is_party:
        query = query.where(DisputeRow.mediator_organisation_id == organisation.id)
    return list(session.scalars(query.order_by(DisputeRow.created_at.desc())))


def actor_of(access: Access, role: str, name: str = "") -> Actor:
    """The caller's standing in the dispute; a mediator acts with its membership role (the share is read-only)."""
    return Actor(access.standing, role == "manager", name)


# ---------------------------------------------------------------- the thread

def entries_of(session: Session, row: DisputeRow) -> list[Entry]:
    rows = session.scalars(select(DisputeEntryRow).where(DisputeEntryRow.dispute_id == row.id)
                           .order_by(DisputeEntryRow.seq))
    return [Entry(r.seq, Kind(r.kind), _aware(r.at), r.standing, r.author, r.text, r.whatif_id, r.document,
                  tuple(json.loads(r.attachments_json)), r.previous_sha256, r.sha256) for r in rows]


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone columns; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _append(session: Session, row: DisputeRow, kind: Kind, standing: str, organisation_id: str,
            user_id: str | None, author: str, *, text: str = "", whatif_id: str | None = None,
            document: str | None = None, attachments: Sequence[str] = (), at: datetime | None = None) -> Entry:
    entries = entries_of(session, row)
    moment = (at or datetime.now(UTC)).replace(microsecond=0)
    entry = chain(entries, Entry(0, kind, moment, standing, author, text, whatif_id, document, tuple(attachments)))
    session.add(DisputeEntryRow(dispute_id=row.id, seq=entry.seq, kind=str(kind), at=moment, standing=standing,
                                organisation_id=organisation_id, user_id=user_id, author=author, text=text,
                                whatif_id=whatif_id, document=document, attachments_json=json.dumps(list(attachments)),
                                previous_sha256=entry.previous_sha256, sha256=entry.sha256))
    session.flush()
    return entry


def claim_of(row: DisputeRow) -> Claim:
    """The stored claim as the library's value."""
    return Claim(row.invoice_number, row.invoice_date, D(row.invoice_total), Scope(row.scope), Reason(row.reason),
                 D(row.disputed_amount), row.text, row.line, row.commitment)


def _record_status(session: Session, data_dir: Path, contract: ContractRow, row: DisputeRow,
                   status: LifecycleStatus, reason_code: str | None, at: datetime) -> None:
    """Record a lifecycle status of the invoice in the provider's ledger, in the request's transaction (issue 15's
    model: the transition is checked there; a status that cannot follow is refused and nothing of the step is kept;
    a kept step and its status commit together)."""
    reason = f"litige {row.id[:8]} : {REASONS['fr'][row.reason]}"
    try:
        provider_ledger(session, data_dir, contract, _terms(contract.yaml_text).provider.siren).record_status(
            StatusEvent(row.invoice_number, status, at, reason_code, reason))
    except LedgerError as error:
        raise WorkflowError([(error.code, row.invoice_number, error.message)]) from None


def status_history(session: Session, data_dir: Path, contract: ContractRow,
                   invoice: Invoice) -> tuple[StatusEvent, ...]:
    """The invoice's lifecycle statuses (Déposée, En litige, Approuvée partiellement, Encaissée…), oldest first."""
    return provider_ledger(session, data_dir, contract, _terms(contract.yaml_text).provider.siren).lifecycle(invoice)


# ---------------------------------------------------------------- attachments (stored by content hash)

@dataclass(frozen=True)
class Attachment:
    sha256: str
    filename: str
    media_type: str
    size: int


def attachment_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "attachments" / sha256[:2] / sha256


def _sniff(suffix: str, head: bytes, name: str) -> str:
    media, magic = ATTACHMENT_TYPES[suffix]
    if magic is not None and not head.startswith(magic):
        raise WorkflowError([("attachment_content_mismatch", name,
                              f"the file is named {suffix} but its content is not {media}")])
    if magic is None and (b"\x00" in head or not _is_text(head)):
        raise WorkflowError([("attachment_content_mismatch", name, "expected a text CSV (UTF-8); found binary data")])
    return media


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3  # a character cut by the end of the sample
    return True


async def receive_attachment(data_dir: Path, name: str, chunks: AsyncIterator[bytes]) -> Attachment:
    """Stream one upload to the attachment store: type by extension checked on the content, size-limited."""
    filename = Path(name or "").name[:200]
    suffix = Path(filename).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise WorkflowError([("attachment_type_refused", filename or "(no name)",
                              "expected " + ", ".join(sorted(ATTACHMENT_TYPES)))])
    folder = data_dir / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".upload-{hashlib.sha256(filename.encode() + str(datetime.now(UTC)).encode()).hexdigest()}"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with partial.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise WorkflowError([("attachment_too_large", filename,
                                          f"more than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")])
                if len(head) < 4096:
                    head += chunk[:4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise WorkflowError([("attachment_empty", filename, "the file is empty")])
        media = _sniff(suffix, head, filename)
        sha = digest.hexdigest()
        target = attachment_path(data_dir, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            partial.unlink()
        else:
            partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Attachment(sha, filename, media, size)


def attachment_from_file(data_dir: Path, path: Path) -> Attachment:
    """A file already on disk (the demo's) put in the attachment store, with the same checks as an upload."""
    content = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix not in ATTACHMENT_TYPES or not content or len(content) > MAX_ATTACHMENT_BYTES:
        raise WorkflowError([("attachment_type_refused", path.name, "expected a CSV, PDF, PNG or JPEG file")])
    media = _sniff(suffix, content[:4096], path.name)
    sha = hashlib.sha256(content).hexdigest()
    target = attachment_path(data_dir, sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(content)
    return Attachment(sha, path.name, media, len(content))


def _link_attachments(session: Session, data_dir: Path, row: DisputeRow, attachments: Sequence[Attachment],
                      organisation_id: str, evidence: str | None = None) -> list[str]:
    if evidence is not None and evidence not in EVIDENCE_KINDS:
        raise WorkflowError([("unknown_evidence_kind", "evidence", f"expected one of {', '.join(EVIDENCE_KINDS)}")])
    known = {a.sha256 for a in session.scalars(select(DisputeAttachmentRow)
                                               .where(DisputeAttachmentRow.dispute_id == row.id))}
    if evidence is not None:
        if not attachments:
            raise WorkflowError([("evidence_without_file", "files", f"attach the {evidence} file")])
        problems: list[tuple[str, str, str]] = []
        for a in attachments:
            try:
                _read_evidence(data_dir, a.sha256, a.filename, evidence, organisation_id)
            except SettlementError as error:
                problems += _problems(error.problems)
        if problems:
            raise WorkflowError(problems)
    for a in attachments:
        if a.sha256 not in known:
            session.add(DisputeAttachmentRow(dispute_id=row.id, sha256=a.sha256, filename=a.filename,
                                             media_type=a.media_type, size=a.size, evidence=evidence,
                                             organisation_id=organisation_id))
            known.add(a.sha256)
    session.flush()
    return [a.sha256 for a in attachments]


def attachment_of(session: Session, data_dir: Path, row: DisputeRow, sha256: str) -> tuple[Path, DisputeAttachmentRow]:
    """A file attached to this dispute (never one of another dispute, whatever its hash)."""
    if SHA256.fullmatch(sha256) is None:
        raise LookupError(sha256)
    link = session.scalar(select(DisputeAttachmentRow).where(DisputeAttachmentRow.dispute_id == row.id,
                                                             DisputeAttachmentRow.sha256 == sha256))
    path = attachment_path(data_dir, sha256)
    if link is None or not path.is_file():
        raise LookupError(sha256)
    return path, link


def attachments_of(session: Session, row: DisputeRow) -> list[DisputeAttachmentRow]:
    return list(session.scalars(select(DisputeAttachmentRow).where(DisputeAttachmentRow.dispute_id == row.id)
                                .order_by(DisputeAttachmentRow.created_at)))


# ---------------------------------------------------------------- the invoice and its evidence

def invoice_of(session: Session, data_dir: Path, contract: ContractRow,
               number: str) -> tuple[Invoice, list[Invoice], list[Payment]]:
    """The issued invoice ``number`` of this contract, every document of the ledger, and its payments."""
    terms = _terms(contract.yaml_text)
    ledger = provider_ledger(session, data_dir, contract, terms.provider.siren)
    try:
        documents, payments = ledger.documents(), ledger.payments()
    except (LedgerError, OSError) as error:
        raise WorkflowError([("ledger_unreadable", "ledger", str(error))]) from None
    invoice = next((d for d in documents if d.number == number and d.contract == terms.id and d.kind == "invoice"),
                   None)
    if invoice is None:
        raise WorkflowError([("unknown_invoice", number or "(none)", f"no invoice {number} of this contract")])
    return invoice, documents, payments


def _settlement_for(session: Session, contract: ContractRow, invoice: Invoice) -> SettlementRow:
    row = session.scalar(select(SettlementRow).where(SettlementRow.contract_id == contract.id,
                                                     SettlementRow.period == invoice.period,
                                                     SettlementRow.inputs_sha256 == invoice.settlement_sha256)
                         .order_by(SettlementRow.created_at.desc()).limit(1))
    if row is None:
        raise WorkflowError([("settlement_not_found", invoice.number or "",
                              f"the settlement {invoice.settlement_sha256} the invoice was issued from is not stored")])
    return row


def issued_of(session: Session, row: DisputeRow) -> IssuedSettlement:
    settlement = session.get(SettlementRow, row.settlement_id)
    assert settlement is not None
    return IssuedSettlement.from_document(json.loads(settlement.settlement_json))


def evidence_of(session: Session, data_dir: Path, contract: ContractRow, row: DisputeRow) -> MonthEvidence:
    """The month's evidence: the facts the disputed settlement read, fetched from the register of evidence exactly
    as its evidence block names them (versions, reference series kept), and the versions attached to the dispute
    as evidence."""
    terms = _terms(contract.yaml_text)
    others, corrected = [], []
    problems: list[tuple[str, str, str]] = []
    for link in attachments_of(session, row):
        if link.evidence is None:
            continue
        try:
            found = _read_evidence(data_dir, link.sha256, link.filename, link.evidence, link.organisation_id)
        except SettlementError as error:
            problems += _problems(error.problems)
            continue
        if link.evidence == "forecasts":
            others += found
        else:
            corrected += found
    if problems:
        raise WorkflowError(problems)
    month = Month.parse(row.period)
    settlement = session.get(SettlementRow, row.settlement_id)
    assert settlement is not None
    try:
        register = Register(register_of(session, data_dir).engine, data_dir / "register", session=session)
        facts, settled = settled_facts(register, settlement.settlement_json)
        return MonthEvidence.of(terms, month, facts, other_forecasts=others, corrected_reports=corrected,
                                settled=settled)
    except SettlementError as error:
        raise WorkflowError(_problems(error.problems)) from None
    except (KeyError, ValueError, TypeError, pa.ArrowException, OSError) as error:
        raise WorkflowError([("unreadable_facts", "facts", f"{type(error).__name__}: {error}")]) from None


def _read_evidence(data_dir: Path, sha256: str, filename: str, kind: str, organisation_id: str) -> list[Any]:
    path = attachment_path(data_dir, sha256)
    if kind == "forecasts":
        return list(forecast_versions(path, filename))
    return list(corrected_reports(path, filename, organisation_id))


# ---------------------------------------------------------------- opening a dispute

@dataclass
class ClaimIn:
    invoice: str
    scope: str
    reason: str
    disputed_amount: str
    text: str = ""
    line: int | None = None
    commitment: str | None = None
    evidence: str | None = None   # the attachments are a new version of the evidence (forecasts, interval_report)


def _claim(body: ClaimIn, invoice: Invoice) -> Claim:
    problems = []
    try:
        scope = Scope(body.scope)
    except ValueError:
        problems.append(("unknown_scope", "scope", f"expected one of {', '.join(s.value for s in Scope)}"))
    try:
        reason = Reason(body.reason)
    except ValueError:
        problems.append(("unknown_reason", "reason", f"expected one of {', '.join(r.value for r in Reason)}"))
    try:
        amount = D(body.disputed_amount.strip())
    except MoneyError as error:
        problems.append(("invalid_amount", "disputed_amount", str(error)))
    if problems:
        raise WorkflowError(problems)
    return Claim(str(invoice.number), invoice.issue_date, invoice.total_including_vat, scope, reason, amount,
                 body.text.strip(), body.line if scope == Scope.LINE else None,
                 body.commitment if scope == Scope.VERDICT else None)


def open_amount(session: Session, contract: ContractRow, invoice_number: str) -> Decimal:
    """What open disputes on the invoice contest, including VAT."""
    rows = session.scalars(select(DisputeRow).where(DisputeRow.contract_id == contract.id,
                                                    DisputeRow.invoice_number == invoice_number))
    return sum((D(r.disputed_amount) for r in rows if r.status in (Status.OPEN, Status.IN_MEDIATION, Status.AGREED)),
               Decimal(0))


def open_dispute(session: Session, access: Access, organisation: OrganisationRow, user: UserRow | None, role: str,
                 data_dir: Path, body: ClaimIn, attachments: Sequence[Attachment], today: date) -> DisputeRow:
    """The client's manager contests an issued invoice (the whole of it, a line or a verdict)."""
    if access.standing != "client" or role != "manager":
        raise Forbidden("only the client's manager contests an invoice")
    invoice, _, _ = invoice_of(session, data_dir, access.contract, body.invoice)
    settlement = _settlement_for(session, access.contract, invoice)
    issued = IssuedSettlement.from_document(json.loads(settlement.settlement_json))
    claim = _claim(body, invoice)
    problems = check_claim(claim, dispute_terms(access.contract), today, lines=[line.number for line in issued.lines],
                           commitments=[str(r.get("commitment")) for r in issued.service_results],
                           already_disputed=open_amount(session, access.contract, claim.invoice))
    if problems:
        raise WorkflowError(_problems(problems))
    row = DisputeRow(contract_id=access.contract.id, provider_organisation_id=access.contract.provider_organisation_id,
                     client_organisation_id=access.contract.client_organisation_id, period=invoice.period,
                     invoice_number=claim.invoice, invoice_date=claim.invoice_date,
                     invoice_total=str(claim.invoice_total), settlement_id=settlement.id, scope=str(claim.scope),
                     line=claim.line, commitment=claim.commitment, reason=str(claim.reason), text=claim.text,
                     disputed_amount=str(claim.disputed_amount), status=str(Status.OPEN),
                     invoice_status=claim.invoice_status, opened_by_user_id=user.id if user else None)
    session.add(row)
    session.flush()
    shas = _link_attachments(session, data_dir, row, attachments, organisation.id, body.evidence)
    entry = _append(session, row, Kind.CONTEST, "client", organisation.id, user.id if user else None,
                    _author(user, organisation), text=claim.text, attachments=shas)
    status, reason_code = on_contest(claim)
    _record_status(session, data_dir, access.contract, row, status, reason_code, entry.at)
    audit(session, "dispute_opened", user_id=user.id if user else None, organisation_id=organisation.id,
          target=access.contract.id, detail=f"{row.id} {claim.invoice} {claim.scope} {claim.disputed_amount}")
    return row


def _author(user: UserRow | None, organisation: OrganisationRow) -> str:
    return f"{user.display_name} ({organisation.name})" if user is not None else f"{organisation.name} (API)"


# ---------------------------------------------------------------- steps

@dataclass
class StepIn:
    kind: str
    text: str = ""
    whatif: str | None = None
    mediator: str | None = None
    evidence: str | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)


def _acceptable(session: Session, row: DisputeRow) -> set[str]:
    return set(session.scalars(select(WhatIfRow.id).where(WhatIfRow.dispute_id == row.id, WhatIfRow.settled)))


def post_step(session: Session, access: Access, organisation: OrganisationRow, user: UserRow | None, role: str,
              settings: WebSettings, row: DisputeRow, step: StepIn, today: date) -> Entry:
    """Post a message, an answer, an invitation, a recommendation, a withdrawal or a closing (rules in
    :mod:`charte.disputes.thread`); an agreement reached issues the correcting document at once."""
    try:
        kind = Kind(step.kind)
    except ValueError:
        raise WorkflowError([("unknown_step", "kind", f"expected one of {', '.join(k.value for k in Kind)}")]) \
            from None
    entries = entries_of(session, row)
    current = state(entries)
    actor = actor_of(access, role)
    if access.standing == "mediator" and row.mediator_organisation_id != organisation.id:
        raise Forbidden("this dispute has not invited your organisation")
    problems = check_step(current, actor, kind, text=step.text, whatif=step.whatif,
                          acceptable=_acceptable(session, row))
    if problems:
        _raise(problems)
    mediator = None
    if kind == Kind.INVITE_MEDIATOR:
        mediator = session.get(OrganisationRow, step.mediator or "")
        if mediator is None or mediator.kind != "mediator":
            raise WorkflowError([("unknown_mediator", "mediator", "expected the id of a mediator organisation")])
        share_with_mediator(session, access, mediator.id, organisation, user.id if user else None)
        row.mediator_organisation_id = mediator.id
    shas = _link_attachments(session, settings.data_dir, row, step.attachments, organisation.id, step.evidence)
    text = step.text.strip() or (mediator.name if mediator is not None else "")
    entry = _append(session, row, kind, access.standing, organisation.id, user.id if user else None,
                    _author(user, organisation), text=text, whatif_id=step.whatif, attachments=shas)
    after = state([*entries, entry])
    row.status = str(after.status)
    if after.ended:
        ended = on_end(claim_of(row), kind, None)
        if ended is not None:
            _record_status(session, settings.data_dir, access.contract, row, ended[0], ended[1], entry.at)
    elif after.status == Status.AGREED and after.agreed is not None:
        _resolve(session, access, row, settings.data_dir, after.agreed, today)
    audit(session, f"dispute_{kind}", user_id=user.id if user else None, organisation_id=organisation.id,
          target=access.contract.id, detail=f"{row.id} {step.whatif or ''}".strip())
    return entry


def _raise(problems: Sequence[Any]) -> None:
    if any(p.code in ("read_only", "not_a_participant", "parties_only", "mediator_only", "client_only", "not_a_step")
           for p in problems):
        raise Forbidden("; ".join(p.message for p in problems))
    raise WorkflowError(_problems(problems))


def _resolve(session: Session, access: Access, row: DisputeRow, data_dir: Path, whatif_id: str, today: date) -> None:
    """Issue the agreed what-if's correcting document in the provider's ledger; record it; the invoice's status
    goes back."""
    agreed = session.get(WhatIfRow, whatif_id)
    assert agreed is not None
    terms = _terms(access.contract.yaml_text)
    invoice, _, _ = invoice_of(session, data_dir, access.contract, row.invoice_number)
    result = compute_whatif(session, data_dir, access.contract, row, json.loads(agreed.changes_json))
    if not result.settled or result.totals is None or str(result.totals.difference) != agreed.difference:
        raise WorkflowError([("whatif_not_reproduced", whatif_id,
                              "the agreed what-if no longer gives the same result from the evidence; "
                              "nothing was issued")])
    reason = f"Litige {row.id[:8]} sur la facture {row.invoice_number} : simulation {whatif_id[:8]} acceptée"
    ledger = provider_ledger(session, data_dir, access.contract, terms.provider.siren)
    try:
        draft = correcting_document(terms, invoice, result, max(today, invoice.issue_date), reason)
        # the official e-invoicing rules run on the numbered draft before the ledger keeps it (in this transaction)
        issued = ledger.issue(draft, gate_document, today=max(today, invoice.issue_date)) if draft is not None else None
    except (InvoiceError, LedgerError) as error:
        raise WorkflowError([(getattr(error, "code", "correction_refused"), row.invoice_number, str(error))]) \
            from None
    except DocumentRefusedError as error:
        raise WorkflowError([("correction_refused_by_the_gate", row.invoice_number, str(error))]) from None
    if issued is not None:
        write_issued_files(issued, data_dir, access.contract)
    number = issued.number if issued is not None else None
    entry = _append(session, row, Kind.RESOLUTION, "provider", access.contract.provider_organisation_id, None,
                    "charte", whatif_id=whatif_id, document=number)
    row.status, row.document_number = str(Status.RESOLVED), number
    ended = on_end(claim_of(row), Kind.RESOLUTION, issued.kind if issued is not None else None)
    if ended is not None:
        _record_status(session, data_dir, access.contract, row, ended[0], ended[1], entry.at)
    audit(session, "dispute_resolved", organisation_id=access.contract.provider_organisation_id,
          target=access.contract.id, detail=f"{row.id} {number or '-'}")


# ---------------------------------------------------------------- what-ifs

def compute_whatif(session: Session, data_dir: Path, contract: ContractRow, row: DisputeRow,
                   changes_data: Any) -> WhatIf:
    """The what-if of ``changes_data`` (plain JSON) on the dispute's invoice; invalid changes are problems."""
    changes, problems = parse_changes(changes_data)
    issued = issued_of(session, row)
    if problems:
        return WhatIf((), issued.inputs_sha256, problems=tuple(problems))
    try:
        evidence = evidence_of(session, data_dir, contract, row)
    except WorkflowError as error:
        return WhatIf(changes, issued.inputs_sha256,
                      problems=tuple(Problem(c, w, m) for c, w, m in error.problems))
    return whatif(issued, evidence, changes)


def propose_whatif(session: Session, access: Access, organisation: OrganisationRow, user: UserRow | None, role: str,
                   settings: WebSettings, row: DisputeRow, changes_data: Any, text: str = "") -> WhatIfRow:
    """Compute and keep a what-if proposed in the dispute (kept even when it cannot be settled: its problems show)."""
    current = state(entries_of(session, row))
    if access.standing == "mediator" and row.mediator_organisation_id != organisation.id:
        raise Forbidden("this dispute has not invited your organisation")
    problems = check_step(current, actor_of(access, role), Kind.WHATIF)
    if problems:
        _raise(problems)
    if not isinstance(changes_data, list) or not changes_data:
        raise WorkflowError([("no_change", "changes", "a what-if states at least one change")])
    result = compute_whatif(session, settings.data_dir, access.contract, row, changes_data)
    if not result.changes and result.problems:
        raise WorkflowError(_problems(result.problems))
    record = WhatIfRow(dispute_id=row.id, standing=access.standing, organisation_id=organisation.id,
                       user_id=user.id if user else None, changes_json=json.dumps(changes_data, sort_keys=True),
                       result_json=result.to_json(),
                       proposed_settlement_json=result.proposed.to_json() if result.proposed is not None else None,
                       settled=result.settled, difference=str(result.difference))
    session.add(record)
    session.flush()
    _append(session, row, Kind.WHATIF, access.standing, organisation.id, user.id if user else None,
            _author(user, organisation), text=text.strip(), whatif_id=record.id)
    audit(session, "dispute_whatif", user_id=user.id if user else None, organisation_id=organisation.id,
          target=access.contract.id, detail=f"{row.id} {record.id} {record.difference}")
    return record


def whatifs_of(session: Session, row: DisputeRow) -> list[WhatIfRow]:
    return list(session.scalars(select(WhatIfRow).where(WhatIfRow.dispute_id == row.id)
                                .order_by(WhatIfRow.created_at)))


def changes_from_form(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The changes a what-if form states (each filled group of fields is one change)."""
    out: list[dict[str, Any]] = []
    for incident in [v for k, v in form.items() if k.startswith("exclude_incident") and v]:
        out.append({"change": "exclude_incident", "incident": incident})
    if form.get("include_activity"):
        out.append({"change": "include_incident", "activity": form["include_activity"],
                    "kind": form.get("include_kind", ""), "side": form.get("include_side", "client"),
                    "start": _paris(form.get("include_start", "")), "end": _paris(form.get("include_end", "")),
                    "description": form.get("include_description", "")})
    if form.get("forecast_version"):
        activity, _, rest = form["forecast_version"].partition(":")
        horizon, _, issued_on = rest.rpartition(":")
        out.append({"change": "forecast_version", "activity": activity, "horizon": horizon, "issued_on": issued_on})
    if form.get("evaluation_commitment") and form.get("evaluation_mode"):
        out.append({"change": "evaluation", "commitment": form["evaluation_commitment"],
                    "evaluation": form["evaluation_mode"]})
    if form.get("band_under") or form.get("band_over"):
        out.append({"change": "band", "under": _percent(form.get("band_under", "")),
                    "over": _percent(form.get("band_over", ""))})
    if form.get("interval_report"):
        activity, _, version = form["interval_report"].partition(":")
        out.append({"change": "interval_report", "activity": activity, "version": version})
    if form.get("index_series") and form.get("index_value"):
        out.append({"change": "index_value", "series": form["index_series"], "month": form.get("index_month", ""),
                    "value": form["index_value"].strip().replace(",", ".")})
    return out


def _paris(text: str) -> str:
    """A ``datetime-local`` field (Paris wall time) as an ISO instant with its offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=PARIS)).isoformat()


def _percent(text: str) -> str:
    text = text.strip().replace(",", ".")
    return text if not text or text.endswith("%") else f"{text}%"


# ---------------------------------------------------------------- where an invoice stands

def invoice_standing(session: Session, data_dir: Path, contract: ContractRow, number: str,
                     as_of: date) -> dict[str, Any]:
    """The invoice's disputed and undisputed parts, interest on the undisputed part, the status history."""
    invoice, documents, payments = invoice_of(session, data_dir, contract, number)
    rows = list(session.scalars(select(DisputeRow).where(DisputeRow.contract_id == contract.id,
                                                         DisputeRow.invoice_number == number)))
    settling = [r.document_number for r in rows if r.document_number]
    credit_notes = [d for d in documents if d.kind == "credit_note"]
    statement = disputed_statement(invoice, credit_notes, payments, open_amount(session, contract, number), settling,
                                   as_of)
    return {"statement": statement, "history": status_history(session, data_dir, contract, invoice),
            "corrections": [d for d in documents if d.corrects == number]}


def overdue_view(session: Session, row: DisputeRow, today: date) -> list[dict[str, Any]]:
    terms = dispute_terms(row_contract(session, row))
    return [{"party": p.party, "step": p.step, "kind": str(p.kind), "since": p.since, "due": p.due,
             "overdue": p.overdue(today), "days_late": p.days_late(today)}
            for p in pending_answers(entries_of(session, row), terms)]


def row_contract(session: Session, row: DisputeRow) -> ContractRow:
    contract = session.get(ContractRow, row.contract_id)
    assert contract is not None
    return contract


def current_state(session: Session, row: DisputeRow) -> State:
    return state(entries_of(session, row))


# ---------------------------------------------------------------- notifications

@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _participants(session: Session, row: DisputeRow, standing: str) -> list[UserRow]:
    organisation_id = {"client": row.client_organisation_id, "provider": row.provider_organisation_id,
                       "mediator": row.mediator_organisation_id}.get(standing)
    if organisation_id is None:
        return []
    return list(session.scalars(select(UserRow).join(MembershipRow, MembershipRow.user_id == UserRow.id)
                                .where(MembershipRow.organisation_id == organisation_id, UserRow.active.is_(True))
                                .order_by(UserRow.email)))


def notifications(session: Session, settings: WebSettings, row: DisputeRow, entry: Entry) -> list[Mail]:
    """The e-mails telling each other participant of a step: in the recipient's language, a summary and a link,
    nothing of any other contract or organisation."""
    contract = row_contract(session, row)
    link = settings.link(f"/contracts/{contract.id}/disputes/{row.id}")
    mails = []
    for standing in recipients(entry, row.mediator_organisation_id is not None):
        for user in _participants(session, row, standing):
            lang = language(user.language, settings.default_language)
            _ = lang.gettext
            code: WordsLanguage = "fr" if lang.code == "fr" else "en"
            step = KINDS[code][entry.kind]
            subject = _("Dispute on invoice %(number)s: %(step)s") % {"number": row.invoice_number, "step": step}
            scope = scope_words(row.scope, code, row.line, row.commitment)
            lines = [
                _("Contract: %(contract)s") % {"contract": contract.name},
                _("Invoice %(number)s of %(period)s, contested: %(scope)s, %(amount)s incl. VAT") % {
                    "number": row.invoice_number, "period": lang.month(row.period), "scope": scope,
                    "amount": lang.money(row.disputed_amount)},
                _("New step: %(step)s (%(who)s), on %(when)s") % {
                    "step": step, "who": _(entry.standing), "when": lang.moment(entry.at)},
                _("Dispute status: %(status)s") % {"status": STATUSES[code][row.status]},
                "", _("Open the dispute: %(link)s") % {"link": link},
            ]
            mails.append(Mail(user.email, subject, "\n".join(lines) + "\n"))
    return mails


def send_all(sessions: sessionmaker[Session], mailer: Mailer, mails: Sequence[Mail], target: str) -> None:
    """Send after the step is committed; each outcome is written to the audit log (never the message's text)."""
    outcomes = []
    for mail in mails:
        try:
            sent = mailer.send(mail.to, mail.subject, mail.body)
            outcomes.append(("notification_sent" if sent else "notification_logged", mail.to))
        except MailError as error:
            LOG.warning("notification to %s failed: %s", mail.to, error)
            outcomes.append(("notification_failed", mail.to))
    if outcomes:
        with sessions() as session:
            for action, to in outcomes:
                session.add(AuditLogRow(action=action, target=target[:300], detail=to))
            session.commit()


def remind_overdue(sessions: sessionmaker[Session], settings: WebSettings, today: date) -> list[Mail]:
    """Each answer now overdue, told once to the party that owes it and to the other participants."""
    mails: list[Mail] = []
    with sessions() as session:
        for row in session.scalars(select(DisputeRow).where(DisputeRow.status.in_(
                (str(Status.OPEN), str(Status.IN_MEDIATION))))):
            for late in overdue_view(session, row, today):
                if not late["overdue"]:
                    continue
                key = f"{row.id}:{late['step']}:{late['party']}"
                if session.scalar(select(AuditLogRow.id).where(AuditLogRow.action == "dispute_overdue_notified",
                                                              AuditLogRow.target == key)) is not None:
                    continue
                mails += _overdue_mails(session, settings, row, late)
                session.add(AuditLogRow(action="dispute_overdue_notified", target=key))
        session.commit()
    return mails


def _overdue_mails(session: Session, settings: WebSettings, row: DisputeRow, late: Mapping[str, Any]) -> list[Mail]:
    contract = row_contract(session, row)
    link = settings.link(f"/contracts/{contract.id}/disputes/{row.id}")
    standings = ["client", "provider"] + (["mediator"] if row.mediator_organisation_id else [])
    mails = []
    for standing in standings:
        for user in _participants(session, row, standing):
            lang = language(user.language, settings.default_language)
            _ = lang.gettext
            subject = _("Dispute on invoice %(number)s: an answer is overdue") % {"number": row.invoice_number}
            body = "\n".join([
                _("Contract: %(contract)s") % {"contract": contract.name},
                _("The %(party)s's answer to step %(step)s was due on %(due)s; days late: %(days)s.") % {
                    "party": _(late["party"]), "step": late["step"], "due": lang.day(late["due"]),
                    "days": late["days_late"]},
                "", _("Open the dispute: %(link)s") % {"link": link}]) + "\n"
            mails.append(Mail(user.email, subject, body))
    return mails


__all__ = [
    "ATTACHMENT_TYPES", "EVIDENCE_KINDS", "MAX_ATTACHMENT_BYTES", "Attachment", "ClaimIn", "Forbidden", "Mail",
    "StepIn", "actor_of", "attachment_of", "attachments_of", "changes_from_form", "claim_of", "compute_whatif",
    "current_state", "dispute_terms", "disputes_of", "entries_of", "evidence_of", "invoice_of", "invoice_standing",
    "issued_of", "notifications", "open_amount", "open_dispute", "overdue_view", "paris_today", "post_step",
    "propose_whatif", "receive_attachment", "remind_overdue", "send_all", "status_history", "visible_dispute",
    "whatifs_of",
]
