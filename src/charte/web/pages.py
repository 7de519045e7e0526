"""The server-rendered pages of contracts (Jinja2, French by default). Routes stay thin: they check who
asks, call :mod:`charte.web.workflows` (which calls the library), and render. Signing in, accounts and
tokens are in :mod:`charte.web.account_pages`, the administrator's pages in :mod:`charte.web.admin_pages`.

Routes that compute (read a contract, settle, build the scorecard) are plain ``def`` functions, which
FastAPI runs in its thread pool, and hold a heavy-work slot (:func:`charte.web.heavy.heavy`); the
``async`` ones hand their work to :func:`charte.web.heavy.off_loop`: the event loop never computes."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.io.contract_yaml import MAX_CONTRACT_BYTES, Problem, check_contract_text
from charte.store import ContractRow, ContractShareRow, OrganisationRow, visible_contracts
from charte.store.ledger import paris_today
from charte.web.deps import (
    CsrfChecked,
    CurrentUser,
    LanguageDep,
    SessionDep,
    SettingsDep,
    Viewer,
    contract_or_404,
    now,
)
from charte.web.evidence import Received, audit_submission, month_of, receive_submission, register_view, web_register
from charte.web.heavy import heavy, off_loop
from charte.web.i18n import N_, PARIS, Language
from charte.web.invoicing import (
    invoice_file,
    invoices_of,
    issue_credit_note,
    issue_invoice,
    live_invoice,
    record_payment,
)
from charte.web.rendering import render
from charte.web.scorecard_views import scorecard_context
from charte.web.settlement_views import (
    bank_view,
    charts,
    evidence_view,
    lines_view,
    notes_view,
    results_view,
    totals_view,
    waterfall_view,
)
from charte.web.workflows import (
    WorkflowError,
    decide_contract,
    latest_settlement,
    replay_settlement,
    scorecard_view,
    settle_month,
    settlement_document,
    settlements_of,
    share_with_mediator,
    store_contract,
)

__all__ = ["render", "router"]

router = APIRouter(include_in_schema=False)


# ---------------------------------------------------------------- contracts

def _organisations(session: SessionDep, kind: str) -> list[OrganisationRow]:
    return list(session.scalars(select(OrganisationRow).where(OrganisationRow.kind == kind)
                                .order_by(OrganisationRow.name)))


def _names(session: Session, contracts: list[ContractRow]) -> dict[str, str]:
    """The names of the parties of these contracts (and of nobody else)."""
    ids = {c.provider_organisation_id for c in contracts} | {c.client_organisation_id for c in contracts}
    return {o.id: o.name for o in session.scalars(select(OrganisationRow).where(OrganisationRow.id.in_(ids)))}


@router.get("/contracts")
def contracts(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    rows = visible_contracts(session, viewer.organisation)
    return render(request, lang, "contracts.html", viewer, contracts=rows, names=_names(session, rows))


def _may_upload_contract(viewer: Viewer) -> None:
    viewer.require_party_manager()


@router.get("/contracts/new")
def new_contract(request: Request, viewer: CurrentUser, lang: LanguageDep) -> HTMLResponse:
    """The upload form: no list of the platform's organisations — the contract names its parties by SIREN."""
    _may_upload_contract(viewer)
    return render(request, lang, "contract_new.html", viewer, limit=MAX_CONTRACT_BYTES)


async def _uploaded_text(upload: UploadFile | None, pasted: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The contract's text from the file (else the pasted text), or the problem: over the limit, not UTF-8."""
    if upload is None or not upload.filename:
        return pasted, []
    raw = await upload.read(MAX_CONTRACT_BYTES + 1)
    if len(raw) > MAX_CONTRACT_BYTES:
        return "", [("contract_too_large", upload.filename,
                     f"the file is over {MAX_CONTRACT_BYTES:,} bytes (2 MB), the largest contract accepted")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        return "", [("not_utf8", upload.filename, f"the file is not UTF-8 text (byte {error.start}); save it as "
                                                  "UTF-8")]


def _store(request: Request, session: Session, viewer: Viewer, text: str
           ) -> tuple[ContractRow | None, list[Problem]]:
    with heavy(request):
        row, problems = store_contract(session, text, viewer.organisation, viewer.user_id)
    if row is not None:
        session.commit()
    return row, problems


@router.post("/contracts/new", dependencies=[CsrfChecked])
async def upload_contract(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                          yaml_text: Annotated[str, Form()] = "",
                          yaml_file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Validate the contract (off the event loop) and store it as a proposal to the other party it names."""
    _may_upload_contract(viewer)
    text, refused = await _uploaded_text(yaml_file, yaml_text)
    try:
        if refused:
            raise WorkflowError(refused)
        row, problems = await off_loop(_store, request, session, viewer, text)
    except WorkflowError as error:
        await off_loop(session.rollback)
        return await off_loop(render, request, lang, "contract_new.html", viewer, status_code=422,
                              errors=error.problems, yaml_text=text if len(text) < 200_000 else "",
                              limit=MAX_CONTRACT_BYTES)
    if row is None:  # a page of up to 2 MB of numbered lines: rendered beside the loop too
        return await off_loop(render, request, lang, "contract_new.html", viewer, status_code=422,
                              problems=problems, yaml_text=text, numbered=_numbered(text, problems),
                              limit=MAX_CONTRACT_BYTES)
    return RedirectResponse(f"/contracts/{row.id}", 303)


@router.post("/contracts/{contract_id}/decision", dependencies=[CsrfChecked])
def decide(contract_id: str, request: Request, viewer: CurrentUser, session: SessionDep,
           decision: Annotated[str, Form()] = "") -> Response:
    """The other party's manager accepts the proposed contract (it is shared from then on) or declines it."""
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_decide:
        raise HTTPException(403, "only the other party's manager accepts or declines a proposed contract")
    if decision not in ("accept", "decline"):
        raise HTTPException(422, "decision: expected accept or decline")
    decide_contract(session, access, decision == "accept", viewer.user_id, now(request))
    session.commit()
    return RedirectResponse("/contracts" if decision == "decline" else f"/contracts/{contract_id}", 303)


@lru_cache(maxsize=256)
def _problems_of(text: str) -> list[Any]:
    """The contract's problems (warnings, for a stored contract), remembered per text: a page view re-reads nothing."""
    return check_contract_text(text, "contract.yaml")[1]


def _numbered(text: str, problems: list[Any]) -> list[dict[str, Any]]:
    """The YAML lines with the problems attached to the line they are about."""
    by_line: dict[int, list[Any]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p)
    return [{"number": i, "text": line, "problems": by_line.get(i, [])}
            for i, line in enumerate(text.splitlines() or [""], start=1)]


@router.get("/contracts/{contract_id}")
def contract_page(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep,
                  lang: LanguageDep, settings: SettingsDep) -> HTMLResponse:
    access = contract_or_404(session, viewer, contract_id)
    problems = _problems_of(access.contract.yaml_text)
    shares = list(session.scalars(select(ContractShareRow).where(ContractShareRow.contract_id == contract_id)))
    names = _names(session, [access.contract])
    names.update({o.id: o.name for o in _organisations(session, "mediator")})
    return render(request, lang, "contract.html", viewer, access=access, c=access.contract, names=names,
                  pending=access.contract.status != "accepted",
                  numbered=_numbered(access.contract.yaml_text, problems), problems=problems,
                  register=register_view(session, settings.data_dir, access.contract),
                  settlements=settlements_of(session, access.contract),
                  shares=shares if access.is_party else [],
                  invitation=next((s for s in shares if s.mediator_organisation_id == viewer.organisation.id), None),
                  mediators=_organisations(session, "mediator") if access.may_share else [])


@router.post("/contracts/{contract_id}/facts", dependencies=[CsrfChecked])
async def upload_facts(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep,
                       lang: LanguageDep, settings: SettingsDep, period: Annotated[str, Form()] = "",
                       files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    """Submit files of facts for a month to the register, as the viewer's party (charte.web.evidence)."""
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_upload_facts:
        raise HTTPException(403, "only a party's manager may submit facts")
    received = Received()
    try:
        month = month_of(period)
    except WorkflowError as error:
        received.problems += error.problems
    else:
        register = web_register(session, settings.data_dir, getattr(request.app.state, "register_clock", None))
        who = viewer.user.email if viewer.user is not None else f"{viewer.organisation.name} (API)"
        for upload in files or []:
            if upload.filename:
                await receive_submission(register, access, month, upload.filename, _chunks(upload), who,
                                         viewer.organisation.id, received)
    audit_submission(session, access, viewer.organisation, viewer.user_id, received)
    session.commit()
    status = 200 if (received.submissions and not received.problems) or request.headers.get("hx-request") else 422
    return render(request, lang, "facts_result.html", viewer, c=access.contract, received=received,
                  errors=received.problems, register=register_view(session, settings.data_dir, access.contract),
                  status_code=status)


async def _chunks(upload: UploadFile, size: int = 1024 * 1024):  # type: ignore[no-untyped-def]
    while chunk := await upload.read(size):
        yield chunk


@router.post("/contracts/{contract_id}/settle", dependencies=[CsrfChecked])
def settle_page(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                settings: SettingsDep, period: Annotated[str, Form()] = "") -> Response:
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_settle:
        raise HTTPException(403, "only the provider's manager settles a month")
    try:
        with heavy(request):
            row = settle_month(session, access, period.strip(), settings.data_dir, viewer.organisation,
                               viewer.user_id)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period=period, heading=N_("The month was not settled"), status_code=422)
    session.commit()
    return RedirectResponse(f"/contracts/{contract_id}/settlements/{row.period}", 303)


@router.get("/contracts/{contract_id}/settlements/{period}")
def settlement_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                    lang: LanguageDep, settings: SettingsDep) -> HTMLResponse:
    access = contract_or_404(session, viewer, contract_id)
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise HTTPException(404, "no settlement for this period")
    document = settlement_document(row)
    names = _names(session, [access.contract])
    invoices = invoices_of(session, settings.data_dir, access.contract, row.period)
    return render(request, lang, "settlement.html", viewer, c=access.contract, row=row, doc=document, names=names,
                  lines=lines_view(document, lang), totals=totals_view(document, lang),
                  results=results_view(document, lang), notes=notes_view(document, lang),
                  evidence=evidence_view(document),
                  charts=charts(settings.data_dir / "register", document, access.contract.yaml_text, row.period,
                                lang), access=access, invoices=invoices,
                  live=live_invoice(session, settings.data_dir, access.contract, row.period),
                  bank=bank_view(access.contract.yaml_text), waterfall=waterfall_view(document, lang))


@router.get("/contracts/{contract_id}/settlements/{period}/replay")
def replay_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                lang: LanguageDep, settings: SettingsDep) -> HTMLResponse:
    """The mediator's replay: the stored settlement recomputed from the register, compared byte for byte."""
    access = contract_or_404(session, viewer, contract_id)
    row = latest_settlement(session, access.contract, period)
    if row is None:
        raise HTTPException(404, "no settlement for this period")
    outcome = replay_settlement(session, settings.data_dir, row)
    return render(request, lang, "replay.html", viewer, c=access.contract, row=row, outcome=outcome,
                  evidence=evidence_view(json.loads(row.settlement_json)))


@router.post("/contracts/{contract_id}/settlements/{period}/invoice", dependencies=[CsrfChecked])
def issue_invoice_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                       lang: LanguageDep, settings: SettingsDep) -> Response:
    return _provider_action(
        request, lang, viewer, session, contract_id, period, N_("only the provider's manager issues an invoice"),
        N_("The invoice was not issued"),
        lambda access: issue_invoice(session, access, period, settings.data_dir, viewer.organisation, paris_today(),
                                     viewer.user_id))


@router.post("/contracts/{contract_id}/settlements/{period}/credit-notes", dependencies=[CsrfChecked])
def credit_note_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                     lang: LanguageDep, settings: SettingsDep, number: Annotated[str, Form()] = "",
                     reason: Annotated[str, Form()] = "", lines: Annotated[str, Form()] = "",
                     amount: Annotated[str, Form()] = "") -> Response:
    return _provider_action(
        request, lang, viewer, session, contract_id, period, N_("only the provider's manager issues a credit note"),
        N_("The credit note was not issued"),
        lambda access: issue_credit_note(session, access, period, number, reason, settings.data_dir,
                                         viewer.organisation, paris_today(), lines=lines, amount=amount,
                                         user_id=viewer.user_id))


@router.post("/contracts/{contract_id}/settlements/{period}/payments", dependencies=[CsrfChecked])
def record_payment_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                        lang: LanguageDep, settings: SettingsDep, number: Annotated[str, Form()] = "",
                        on: Annotated[str, Form()] = "", amount: Annotated[str, Form()] = "",
                        reference: Annotated[str, Form()] = "") -> Response:
    return _provider_action(
        request, lang, viewer, session, contract_id, period,
        N_("only the provider's manager records the payments it receives"), N_("The payment was not recorded"),
        lambda access: record_payment(session, access, period, number, on, amount, reference, settings.data_dir,
                                      viewer.organisation, viewer.user_id, today=now(request).astimezone(PARIS).date()))


def _provider_action(request: Request, lang: Language, viewer: Viewer, session: Session, contract_id: str,
                     period: str, forbidden: str, heading: str, action: Callable[[Any], object]) -> Response:
    """Run one of the provider manager's actions on a settled month: all or nothing, problems shown."""
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_settle:
        raise HTTPException(403, forbidden)
    try:
        with heavy(request):
            action(access)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period=period, heading=heading, status_code=422)
    session.commit()
    return RedirectResponse(f"/contracts/{contract_id}/settlements/{period}", 303)


@router.get("/contracts/{contract_id}/invoices/{name}")
def download_invoice(contract_id: str, name: str, viewer: CurrentUser, session: SessionDep,
                     settings: SettingsDep) -> FileResponse:
    access = contract_or_404(session, viewer, contract_id)
    path = invoice_file(settings.data_dir, access.contract, name)
    if path is None:
        raise HTTPException(404, "no such file")
    media = {"pdf": "application/pdf", "xml": "application/xml",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[path.suffix[1:]]
    return FileResponse(path, media_type=media, filename=path.name)


@router.get("/contracts/{contract_id}/scorecard")
def scorecard_page(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep,
                   lang: LanguageDep) -> Response:
    access = contract_or_404(session, viewer, contract_id)
    try:
        with heavy(request):
            view = scorecard_view(session, access.contract)
            context = scorecard_context(view, lang)
        return render(request, lang, "scorecard.html", viewer, c=access.contract, **context)
    except WorkflowError as error:
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period="", heading=N_("The charter scorecard cannot be drawn yet"), status_code=422)


@router.post("/contracts/{contract_id}/shares", dependencies=[CsrfChecked])
def share(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
          mediator: Annotated[str, Form()] = "") -> Response:
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_share:
        raise HTTPException(403, "only a party's manager may invite a mediator")
    try:
        share_with_mediator(session, access, mediator, viewer.organisation, viewer.user_id)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period="", heading=N_("The mediator was not invited"), status_code=422)
    session.commit()
    return RedirectResponse(f"/contracts/{contract_id}", 303)
