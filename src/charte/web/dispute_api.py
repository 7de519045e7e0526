"""Disputes in the JSON API: disputes, messages, what-ifs and resolutions as resources, with the pages' rules.

A token speaks for one organisation, as a manager: the client's token opens disputes; a party's
token posts messages, what-ifs, answers, invitations and resolutions; the invited mediator's token
proposes what-ifs and recommends. Anything else answers 404 (cannot see) or 403 (sees, may not act).
What-ifs and steps (an agreement settles the month again and issues the correcting document) hold one of
the worker's heavy-work slots (:func:`charte.web.heavy.heavy`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from charte.disputes import Reason, Scope
from charte.disputes.changes import CHANGE_KINDS
from charte.store import Access, DisputeRow, WhatIfRow
from charte.web.deps import ApiCaller, SessionDep, SettingsDep, Viewer, contract_or_404
from charte.web.dispute_pages import notify
from charte.web.disputes import (
    ClaimIn,
    Forbidden,
    StepIn,
    disputes_of,
    entries_of,
    invoice_standing,
    open_dispute,
    overdue_view,
    paris_today,
    post_step,
    propose_whatif,
    row_contract,
    visible_dispute,
    whatifs_of,
)
from charte.web.heavy import heavy
from charte.web.workflows import WorkflowError

router = APIRouter(prefix="/api", tags=["disputes"])


class DisputeIn(BaseModel):
    invoice: str = Field(max_length=40, description="Number of the issued invoice contested, e.g. F000001.")
    scope: Scope = Field(description="invoice (the whole invoice), line, or verdict (a service commitment's).")
    line: int | None = Field(default=None, description="The line's number, scope `line`.")
    commitment: str | None = Field(default=None, max_length=200, description="The commitment's id, scope `verdict`.")
    reason: Reason = Field(description="The charter axis the claim is about.")
    text: str = Field(default="", max_length=10_000)
    disputed_amount: str = Field(max_length=40, description="Amount contested including VAT, decimal text (EUR).")


class EntryOut(BaseModel):
    seq: int
    kind: str
    at: datetime
    standing: str
    author: str
    text: str
    whatif: str | None
    document: str | None
    attachments: list[str]
    sha256: str = Field(description="SHA-256 of the step's content and of the previous step's SHA-256.")


class PendingOut(BaseModel):
    party: str
    step: int
    kind: str
    since: date
    due: date
    overdue: bool
    days_late: int


class StandingOut(BaseModel):
    due_date: date
    total: str
    credited: str
    paid: str
    disputed: str = Field(description="Contested under open disputes, awaiting the outcome (incl. VAT).")
    undisputed_outstanding: str = Field(description="Still payable on the due date (incl. VAT).")
    interest_undisputed: str = Field(description="Late interest owed on the undisputed part (L441-10).")
    interest_contingent: str = Field(description="Interest on the disputed part, owed only if the claim fails.")
    indemnity: str
    status_history: list[dict[str, str]] = Field(
        description="The invoice's e-invoicing lifecycle statuses (code, French name, reason code), oldest first.")


class DisputeOut(BaseModel):
    id: str
    contract_id: str
    period: str
    invoice_number: str
    invoice_date: date
    scope: str
    line: int | None
    commitment: str | None
    reason: str
    disputed_amount: str
    status: str
    invoice_status: str = Field(description="The invoice's current e-invoicing lifecycle status code (207 En litige, "
                                            "210 Refusée, 205 Approuvée, 206 Approuvée partiellement…).")
    mediator_organisation_id: str | None
    document_number: str | None
    created_at: datetime
    entries: list[EntryOut] = []
    pending: list[PendingOut] = []
    standing: StandingOut | None = None


class WhatIfIn(BaseModel):
    changes: list[dict[str, Any]] = Field(
        min_length=1, max_length=50,
        description="Typed changes, each with `change` one of " + ", ".join(CHANGE_KINDS) + " (see the README).")
    text: str = Field(default="", max_length=10_000)


class WhatIfOut(BaseModel):
    id: str
    dispute_id: str
    standing: str
    settled: bool
    difference_excluding_vat: str
    created_at: datetime
    result: dict[str, Any] = Field(description="Line differences, verdicts, totals, or the problems at their place.")


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class AnswerIn(BaseModel):
    whatif: str | None = Field(default=None, max_length=32, description="The what-if answered (needed to accept).")
    answer: Literal["accept", "reject"]
    text: str = Field(default="", max_length=10_000, description="Reasons, required to reject.")


class MediatorIn(BaseModel):
    mediator_organisation_id: str = Field(max_length=64)
    text: str = Field(default="", max_length=10_000)


class RecommendationIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)
    whatif: str | None = Field(default=None, max_length=32)


class ResolutionIn(BaseModel):
    outcome: Literal["withdraw", "close"] = Field(description="withdraw (the client) or close without agreement.")
    text: str = Field(default="", max_length=10_000, description="Reasons, required to close.")


def _problems(problems: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"code": c, "where": w, "message": m} for c, w, m in problems]


def _out(session: SessionDep, row: DisputeRow, settings: Any, full: bool = True) -> DisputeOut:
    out = DisputeOut(id=row.id, contract_id=row.contract_id, period=row.period, invoice_number=row.invoice_number,
                     invoice_date=row.invoice_date, scope=row.scope, line=row.line, commitment=row.commitment,
                     reason=row.reason, disputed_amount=row.disputed_amount, status=row.status,
                     invoice_status=row.invoice_status,
                     mediator_organisation_id=row.mediator_organisation_id, document_number=row.document_number,
                     created_at=row.created_at)
    if not full:
        return out
    out.entries = [EntryOut(seq=e.seq, kind=str(e.kind), at=e.at, standing=e.standing, author=e.author, text=e.text,
                            whatif=e.whatif, document=e.document, attachments=list(e.attachments), sha256=e.sha256)
                   for e in entries_of(session, row)]
    out.pending = [PendingOut(**p) for p in overdue_view(session, row, paris_today())]
    contract = row_contract(session, row)
    try:
        standing = invoice_standing(session, settings.data_dir, contract, row.invoice_number, paris_today())
    except (WorkflowError, ValueError):
        return out
    st = standing["statement"]
    if standing["history"]:
        out.invoice_status = standing["history"][-1].status.code
    out.standing = StandingOut(
        due_date=st.due_date, total=str(st.total), credited=str(st.credited), paid=str(st.paid),
        disputed=str(st.disputed), undisputed_outstanding=str(st.undisputed_outstanding),
        interest_undisputed=str(st.interest_undisputed), interest_contingent=str(st.interest_contingent),
        indemnity=str(st.indemnity),
        status_history=[{"at": h.at.isoformat(), "status": h.status.code, "name": h.status.name_fr,
                         "reason_code": h.reason_code or "", "reason": h.reason} for h in standing["history"]])
    return out


def _whatif_out(record: WhatIfRow) -> WhatIfOut:
    return WhatIfOut(id=record.id, dispute_id=record.dispute_id, standing=record.standing, settled=record.settled,
                     difference_excluding_vat=record.difference, created_at=record.created_at,
                     result=json.loads(record.result_json))


def _dispute(session: SessionDep, caller: Viewer, contract_id: str, dispute_id: str) -> tuple[Access, DisputeRow]:
    access = contract_or_404(session, caller, contract_id)
    row = visible_dispute(session, access, caller.organisation, dispute_id)
    if row is None:
        raise HTTPException(404, "no such dispute")
    return access, row


@router.get("/contracts/{contract_id}/disputes", response_model=list[DisputeOut])
def list_disputes(contract_id: str, caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> list[DisputeOut]:
    access = contract_or_404(session, caller, contract_id)
    return [_out(session, r, settings, full=False) for r in disputes_of(session, access, caller.organisation)]


@router.post("/contracts/{contract_id}/disputes", response_model=DisputeOut, status_code=201,
             responses={403: {"description": "Only the client's manager contests."},
                        422: {"description": "The claim's problems, each at its field."}})
def contest(contract_id: str, body: DisputeIn, request: Request, tasks: BackgroundTasks, caller: ApiCaller,
            session: SessionDep, settings: SettingsDep) -> DisputeOut:
    access = contract_or_404(session, caller, contract_id)
    claim = ClaimIn(body.invoice, body.scope.value, body.reason.value, body.disputed_amount, body.text, body.line,
                    body.commitment)
    try:
        row = open_dispute(session, access, caller.organisation, caller.user, caller.role, settings.data_dir, claim, (),
                           paris_today())
    except Forbidden as refusal:
        session.rollback()
        raise HTTPException(403, str(refusal)) from None
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, _problems(error.problems)) from None
    session.commit()
    notify(request, tasks, session, row, entries_of(session, row)[-1])
    return _out(session, row, settings)


@router.get("/contracts/{contract_id}/disputes/{dispute_id}", response_model=DisputeOut)
def get_dispute(contract_id: str, dispute_id: str, caller: ApiCaller, session: SessionDep,
                settings: SettingsDep) -> DisputeOut:
    _, row = _dispute(session, caller, contract_id, dispute_id)
    return _out(session, row, settings)


def _post(request: Request, tasks: BackgroundTasks, caller: Viewer, session: SessionDep, settings: Any,
          contract_id: str, dispute_id: str, step: StepIn) -> DisputeOut:
    access, row = _dispute(session, caller, contract_id, dispute_id)
    try:
        with heavy(request):
            entry = post_step(session, access, caller.organisation, caller.user, caller.role, settings, row, step,
                              paris_today())
    except Forbidden as refusal:
        session.rollback()
        raise HTTPException(403, str(refusal)) from None
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, _problems(error.problems)) from None
    except IntegrityError:
        session.rollback()
        raise HTTPException(409, "another step was posted at the same time; read the dispute again") from None
    session.commit()
    for posted in [e for e in entries_of(session, row) if e.seq >= entry.seq]:
        notify(request, tasks, session, row, posted)
    return _out(session, row, settings)


_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The caller sees the dispute but may not take this step."},
    422: {"description": "The step's problems (e.g. `text_needed`, `whatif_not_settled`, `dispute_ended`)."}}


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/messages", response_model=DisputeOut,
             responses=_REFUSALS)
def message(contract_id: str, dispute_id: str, body: MessageIn, request: Request, tasks: BackgroundTasks,
            caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> DisputeOut:
    return _post(request, tasks, caller, session, settings, contract_id, dispute_id, StepIn("message", body.text))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/answers", response_model=DisputeOut,
             responses=_REFUSALS)
def answer(contract_id: str, dispute_id: str, body: AnswerIn, request: Request, tasks: BackgroundTasks,
           caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> DisputeOut:
    return _post(request, tasks, caller, session, settings, contract_id, dispute_id,
                 StepIn(body.answer, body.text, whatif=body.whatif))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/mediator", response_model=DisputeOut,
             responses=_REFUSALS)
def invite(contract_id: str, dispute_id: str, body: MediatorIn, request: Request, tasks: BackgroundTasks,
           caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> DisputeOut:
    return _post(request, tasks, caller, session, settings, contract_id, dispute_id,
                 StepIn("invite_mediator", body.text, mediator=body.mediator_organisation_id))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/recommendation", response_model=DisputeOut,
             responses=_REFUSALS)
def recommend(contract_id: str, dispute_id: str, body: RecommendationIn, request: Request, tasks: BackgroundTasks,
              caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> DisputeOut:
    return _post(request, tasks, caller, session, settings, contract_id, dispute_id,
                 StepIn("recommendation", body.text, whatif=body.whatif))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/resolution", response_model=DisputeOut,
             responses=_REFUSALS)
def end(contract_id: str, dispute_id: str, body: ResolutionIn, request: Request, tasks: BackgroundTasks,
        caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> DisputeOut:
    kind = "withdrawal" if body.outcome == "withdraw" else "closing"
    return _post(request, tasks, caller, session, settings, contract_id, dispute_id, StepIn(kind, body.text))


@router.get("/contracts/{contract_id}/disputes/{dispute_id}/whatifs", response_model=list[WhatIfOut])
def list_whatifs(contract_id: str, dispute_id: str, caller: ApiCaller, session: SessionDep) -> list[WhatIfOut]:
    _, row = _dispute(session, caller, contract_id, dispute_id)
    return [_whatif_out(w) for w in whatifs_of(session, row)]


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/whatifs", response_model=WhatIfOut, status_code=201,
             responses=_REFUSALS)
def new_whatif(contract_id: str, dispute_id: str, body: WhatIfIn, request: Request, tasks: BackgroundTasks,
               caller: ApiCaller, session: SessionDep, settings: SettingsDep) -> WhatIfOut:
    access, row = _dispute(session, caller, contract_id, dispute_id)
    try:
        with heavy(request):
            record = propose_whatif(session, access, caller.organisation, caller.user, caller.role, settings, row,
                                    body.changes, body.text)
    except Forbidden as refusal:
        session.rollback()
        raise HTTPException(403, str(refusal)) from None
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, _problems(error.problems)) from None
    session.commit()
    notify(request, tasks, session, row, entries_of(session, row)[-1])
    return _whatif_out(record)


@router.get("/contracts/{contract_id}/disputes/{dispute_id}/whatifs/{whatif_id}", response_model=WhatIfOut)
def get_whatif(contract_id: str, dispute_id: str, whatif_id: str, caller: ApiCaller,
               session: SessionDep) -> WhatIfOut:
    _, row = _dispute(session, caller, contract_id, dispute_id)
    record = session.get(WhatIfRow, whatif_id)
    if record is None or record.dispute_id != row.id:
        raise HTTPException(404, "no such what-if")
    return _whatif_out(record)
