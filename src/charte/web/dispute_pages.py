"""The dispute pages: contest an invoice, a line or a verdict; the thread, what-ifs and their differences (table
and waterfall), the mediator's recommendation, the resolution. Routes stay thin: they check who asks, call
:mod:`charte.web.disputes`, and render (French by default).

What-ifs, agreements (which settle the month again and pass the correcting document through the e-invoicing
gate) and the dispute page (which replays the issued month) are heavy work (issue 17): ``async`` routes only
receive the form and its files on the event loop, then hand the rest to the thread pool (:func:`_heavy`),
holding one of the worker's heavy-work slots; plain ``def`` routes hold a slot around their heavy part."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import APIRouter, BackgroundTasks, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from charte.disputes import REASON_AXIS, Entry, Reason, incident_ids, parse_changes, whatif
from charte.disputes.changes import CHANGE_KINDS
from charte.disputes.words import KINDS, REASONS, STANDINGS, STATUSES, describe, scope_words
from charte.domain.calendar import Month
from charte.domain.contract import Evaluation
from charte.domain.money import D
from charte.reports.waterfall import waterfall
from charte.store import Access, DisputeRow, OrganisationRow
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SessionDep, SettingsDep, Viewer, contract_or_404
from charte.web.disputes import (
    Attachment,
    ClaimIn,
    Forbidden,
    StepIn,
    attachment_of,
    attachments_of,
    changes_from_form,
    current_state,
    dispute_terms,
    disputes_of,
    entries_of,
    evidence_of,
    invoice_of,
    invoice_standing,
    issued_of,
    notifications,
    open_dispute,
    overdue_view,
    paris_today,
    post_step,
    propose_whatif,
    receive_attachment,
    send_all,
    visible_dispute,
    whatifs_of,
)
from charte.web.heavy import heavy, off_loop
from charte.web.i18n import Language
from charte.web.invoicing import _terms, invoices_folder
from charte.web.mail import Mailer
from charte.web.pages import render
from charte.web.workflows import WorkflowError

router = APIRouter(include_in_schema=False)
P = ParamSpec("P")
T = TypeVar("T")


async def _heavy(request: Request, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``function`` in the thread pool, holding a heavy-work slot, without blocking the event loop."""
    def run() -> T:
        with heavy(request):
            return function(*args, **kwargs)

    return await off_loop(run)


async def _chunks(upload: UploadFile, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    while chunk := await upload.read(size):
        yield chunk


async def receive_all(settings: Any, files: list[UploadFile] | None) -> list[Attachment]:
    received = []
    problems: list[tuple[str, str, str]] = []
    for upload in files or []:
        if not upload.filename:
            continue
        try:
            received.append(await receive_attachment(settings.data_dir, upload.filename, _chunks(upload)))
        except WorkflowError as error:
            problems += error.problems
    if problems:
        raise WorkflowError(problems)
    return received


def _dispute_or_404(session: SessionDep, viewer: Viewer, contract_id: str,
                    dispute_id: str) -> tuple[Access, DisputeRow]:
    access = contract_or_404(session, viewer, contract_id)
    row = visible_dispute(session, access, viewer.organisation, dispute_id)
    if row is None:
        raise HTTPException(404, "no such dispute")
    return access, row


def notify(request: Request, tasks: BackgroundTasks, session: SessionDep, row: DisputeRow, entry: Entry) -> None:
    """Queue the e-mails of a committed step (sent after the response)."""
    settings = request.app.state.settings
    mails = notifications(session, settings, row, entry)
    tasks.add_task(send_all, request.app.state.sessions, Mailer(settings.smtp_url), mails, f"{row.id}:{entry.seq}")


def _last_entry(session: SessionDep, row: DisputeRow) -> Entry:
    return entries_of(session, row)[-1]


# ---------------------------------------------------------------- list and contest form

@router.get("/contracts/{contract_id}/disputes")
def disputes_page(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                  settings: SettingsDep) -> HTMLResponse:
    access = contract_or_404(session, viewer, contract_id)
    rows = disputes_of(session, access, viewer.organisation)
    standings = {}
    for number in sorted({r.invoice_number for r in rows}):
        try:
            standings[number] = invoice_standing(session, settings.data_dir, access.contract, number, paris_today())
        except (WorkflowError, ValueError):
            continue
    return render(request, lang, "disputes.html", viewer, c=access.contract, access=access, rows=rows,
                  standings=standings, words=_words(lang))


@router.get("/contracts/{contract_id}/disputes/new")
def contest_form(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                 settings: SettingsDep, invoice: str = "", line: int | None = None,
                 commitment: str | None = None) -> HTMLResponse:
    access = contract_or_404(session, viewer, contract_id)
    if access.standing != "client" or not viewer.is_manager:
        raise HTTPException(403, "only the client's manager contests an invoice")
    return _contest_page(request, lang, viewer, session, settings, access, invoice, line, commitment)


def _contest_page(request: Request, lang: Language, viewer: Viewer, session: SessionDep, settings: Any,
                  access: Access, invoice: str, line: int | None, commitment: str | None, status_code: int = 200,
                  errors: list[tuple[str, str, str]] | None = None, form: dict[str, Any] | None = None) -> HTMLResponse:
    errors = list(errors or [])
    try:
        document, _, _ = invoice_of(session, settings.data_dir, access.contract, invoice)
    except WorkflowError as error:
        document, status_code = None, 422
        errors = [p for p in error.problems if p not in errors] + errors
    terms = dispute_terms(access.contract)
    scope = "line" if line is not None else "verdict" if commitment else "invoice"
    return render(request, lang, "dispute_new.html", viewer, status_code=status_code, c=access.contract,
                  invoice=document, line=line, commitment=commitment, scope=scope, errors=errors,
                  form=form or {}, reasons=[(r.value, REASONS[_code(lang)][r], REASON_AXIS[r]) for r in Reason],
                  terms=terms, default_terms=_default_terms(access))


def _default_terms(access: Access) -> bool:
    """Whether the contract states no dispute clause (charte's stated defaults apply)."""
    return _terms(access.contract.yaml_text).as_of(paris_today()).disputes is None


@router.post("/contracts/{contract_id}/disputes", dependencies=[CsrfChecked])
async def contest(request: Request, tasks: BackgroundTasks, contract_id: str, viewer: CurrentUser,
                  session: SessionDep, lang: LanguageDep, settings: SettingsDep,
                  invoice: Annotated[str, Form()] = "", scope: Annotated[str, Form()] = "",
                  line: Annotated[str, Form()] = "", commitment: Annotated[str, Form()] = "",
                  reason: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
                  disputed_amount: Annotated[str, Form()] = "", evidence: Annotated[str, Form()] = "",
                  files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    access = contract_or_404(session, viewer, contract_id)
    if access.standing != "client" or not viewer.is_manager:
        raise HTTPException(403, "only the client's manager contests an invoice")
    body = ClaimIn(invoice, scope, reason, disputed_amount, text, int(line) if line.strip().isdigit() else None,
                   commitment or None, evidence or None)
    form = {"reason": reason, "text": text, "disputed_amount": disputed_amount, "scope": scope}
    try:
        attachments = await receive_all(settings, files)
    except WorkflowError as error:
        return await _heavy(request, _contest_page, request, lang, viewer, session, settings, access, invoice,
                            body.line, body.commitment, 422, error.problems, form)
    return await _heavy(request, _open, request, tasks, viewer, session, lang, settings, access, body, attachments,
                        form)


def _open(request: Request, tasks: BackgroundTasks, viewer: Viewer, session: SessionDep, lang: Language,
          settings: Any, access: Access, body: ClaimIn, attachments: list[Attachment],
          form: dict[str, Any]) -> Response:
    try:
        row = open_dispute(session, access, viewer.organisation, viewer.user, viewer.role, settings.data_dir, body,
                           attachments, paris_today())
    except WorkflowError as error:
        session.rollback()
        return _contest_page(request, lang, viewer, session, settings, access, body.invoice, body.line,
                             body.commitment, 422, error.problems, form)
    session.commit()
    notify(request, tasks, session, row, _last_entry(session, row))
    return RedirectResponse(f"/contracts/{access.contract.id}/disputes/{row.id}", 303)


# ---------------------------------------------------------------- the dispute page

def _code(lang: Language) -> Any:
    return "fr" if lang.code == "fr" else "en"


def _words(lang: Language) -> dict[str, Any]:
    code = _code(lang)
    return {"kinds": KINDS[code], "reasons": REASONS[code], "statuses": STATUSES[code], "standings": STANDINGS[code],
            "scope": lambda r: scope_words(r.scope, code, r.line, r.commitment)}


def whatif_view(record: Any, lang: Language) -> dict[str, Any]:
    """A what-if as the page shows it: its changes in words, the line differences, the totals, the waterfall."""
    code = _code(lang)
    result = json.loads(record.result_json)
    changes, _ = parse_changes(result["changes"])
    view: dict[str, Any] = {"id": record.id, "standing": record.standing, "created_at": record.created_at,
                            "settled": record.settled, "changes": [describe(c, code) for c in changes],
                            "problems": result["problems"], "lines": [], "verdicts": [], "totals": None, "svg": ""}
    if not record.settled:
        return view
    totals = result["totals"]
    view["totals"] = {k: lang.money(v) for k, v in totals.items() if k != "vat_rate"}
    view["difference"] = D(totals["difference_excluding_vat"])
    for d in result["lines"]:
        view["lines"].append({
            "label": d["label"], "clause": d["clause"], "status": d["status"],
            "issued": lang.money(d["issued"]["amount"]) if d["issued"] else "—",
            "proposed": lang.money(d["proposed"]["amount"]) if d["proposed"] else "—",
            "difference": lang.money(d["difference"]), "negative": str(d["difference"]).startswith("-"),
            "figures": [(f["name"], _figure(f["issued"]), _figure(f["proposed"])) for f in d["figures"]]})
    for v in result["verdicts"]:
        view["verdicts"].append({"commitment": v["commitment"], "changed": v["changed"], "issued": v["issued"],
                                 "proposed": v["proposed"],
                                 "issued_result": lang.percent(v["issued"].get("result")),
                                 "proposed_result": lang.percent(v["proposed"].get("result"))})
    _ = lang.gettext
    steps = [(d["label"], D(d["difference"])) for d in result["lines"] if D(d["difference"]) != 0]
    view["svg"] = waterfall(
        _("From the invoiced amount to the proposed one (excluding VAT)"),
        (_("Invoiced"), D(totals["issued_excluding_vat"])), steps,
        (_("Proposed"), D(totals["proposed_excluding_vat"])), lang.money,
        (_("Totals"), _("Increase"), _("Decrease")), _("The value axis does not start at zero."))
    return view


def _figure(value: Any) -> str:
    return "—" if value is None else str(value)


@router.get("/contracts/{contract_id}/disputes/{dispute_id}")
def dispute_page(request: Request, contract_id: str, dispute_id: str, viewer: CurrentUser, session: SessionDep,
                 lang: LanguageDep, settings: SettingsDep) -> HTMLResponse:
    access, row = _dispute_or_404(session, viewer, contract_id, dispute_id)
    with heavy(request):   # the page replays the issued month
        return _render_dispute(request, lang, viewer, session, settings, access, row)


def _render_dispute(request: Request, lang: Language, viewer: Viewer, session: SessionDep, settings: Any,
                    access: Access, row: DisputeRow, status_code: int = 200,
                    errors: list[tuple[str, str, str]] | None = None) -> HTMLResponse:
    entries = entries_of(session, row)
    current = current_state(session, row)
    names = {o.id: o.name for o in session.scalars(select(OrganisationRow))}
    whatifs = [whatif_view(w, lang) for w in whatifs_of(session, row)]
    try:
        standing: dict[str, Any] | None = invoice_standing(session, settings.data_dir, access.contract,
                                                           row.invoice_number, paris_today())
    except WorkflowError:
        standing = None
    mine = access.standing if access.standing != "mediator" else "mediator"
    acts = viewer.is_manager and not current.ended
    evidence_options = _evidence_options(session, settings, access, row)
    return render(request, lang, "dispute.html", viewer, status_code=status_code, c=access.contract, d=row,
                  access=access, entries=entries, state=current, names=names, whatifs=whatifs,
                  standing=standing, overdue=overdue_view(session, row, paris_today()), errors=errors or [],
                  attachments={a.sha256: a for a in attachments_of(session, row)}, words=_words(lang),
                  mine=mine, acts=acts, party=access.is_party, options=evidence_options,
                  mediators=list(session.scalars(select(OrganisationRow).where(OrganisationRow.kind == "mediator")
                                                 .order_by(OrganisationRow.name))),
                  terms=dispute_terms(access.contract), default_terms=_default_terms(access),
                  replay=_replay(session, settings, access, row), change_kinds=CHANGE_KINDS,
                  evaluations=[e.value for e in Evaluation], document_files=_document_files(settings, access, row))


def _document_files(settings: Any, access: Access, row: DisputeRow) -> list[str]:
    if not row.document_number:
        return []
    folder = invoices_folder(settings.data_dir, access.contract)
    return [f"{prefix}{row.document_number}.{ext}" for prefix in ("credit-note-", "invoice-")
            for ext in ("pdf", "xml", "xlsx") if (folder / f"{prefix}{row.document_number}.{ext}").exists()]


def _evidence_options(session: SessionDep, settings: Any, access: Access, row: DisputeRow) -> dict[str, Any]:
    """What a what-if form offers: the incidents, forecast versions and corrected reports held for the month."""
    try:
        evidence = evidence_of(session, settings.data_dir, access.contract, row)
    except WorkflowError as error:
        return {"problems": error.problems}
    version = evidence.contract.as_of(Month.parse(row.period).first_day)
    return {"incidents": list(incident_ids(evidence.incidents)),
            "forecasts": sorted(str(v) for v in evidence.forecast_versions()),
            "reports": [f"{v.block.activity}:{v.version}" for v in evidence.corrected_reports],
            "commitments": [c.id for c in version.service_commitments],
            "activities": [a.id for a in version.activities],
            "index": version.indexation.index if version.indexation else "", "problems": []}


def _replay(session: SessionDep, settings: Any, access: Access, row: DisputeRow) -> dict[str, Any]:
    """The issued month replayed from its evidence: identical or not (the mediator's first check)."""
    try:
        evidence = evidence_of(session, settings.data_dir, access.contract, row)
    except WorkflowError as error:
        return {"identical": False, "problems": error.problems}
    issued = issued_of(session, row)
    result = whatif(issued, evidence, [])
    return {"identical": result.settled and result.difference == 0
            and all(d.status == "unchanged" for d in result.lines),
            "problems": [(p.code, p.where, p.message) for p in result.problems], "sha": issued.inputs_sha256}


async def _step(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: Viewer,
                session: SessionDep, lang: Language, settings: Any, step: StepIn,
                files: list[UploadFile] | None = None) -> Response:
    access, row = _dispute_or_404(session, viewer, contract_id, dispute_id)
    try:
        step.attachments = await receive_all(settings, files)
    except WorkflowError as error:
        return await _heavy(request, _render_dispute, request, lang, viewer, session, settings, access, row, 422,
                            error.problems)
    return await _heavy(request, _post_step, request, tasks, viewer, session, lang, settings, access, row, step)


def _post_step(request: Request, tasks: BackgroundTasks, viewer: Viewer, session: SessionDep, lang: Language,
               settings: Any, access: Access, row: DisputeRow, step: StepIn) -> Response:
    """Post the step (an agreement issues the correcting document at once), then notify; a refusal re-renders."""
    try:
        entry = post_step(session, access, viewer.organisation, viewer.user, viewer.role, settings, row, step,
                          paris_today())
    except Forbidden as refusal:
        session.rollback()
        raise HTTPException(403, str(refusal)) from None
    except WorkflowError as error:
        session.rollback()
        return _render_dispute(request, lang, viewer, session, settings, access, row, 422, error.problems)
    except IntegrityError:
        session.rollback()
        raise HTTPException(409, "another step was posted at the same time; reload the page") from None
    session.commit()
    for posted in [e for e in entries_of(session, row) if e.seq >= entry.seq]:
        notify(request, tasks, session, row, posted)
    return RedirectResponse(f"/contracts/{access.contract.id}/disputes/{row.id}", 303)


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/messages", dependencies=[CsrfChecked])
async def message(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: CurrentUser,
                  session: SessionDep, lang: LanguageDep, settings: SettingsDep, text: Annotated[str, Form()] = "",
                  evidence: Annotated[str, Form()] = "",
                  files: Annotated[list[UploadFile] | None, File()] = None) -> Response:
    return await _step(request, tasks, contract_id, dispute_id, viewer, session, lang, settings,
                       StepIn("message", text, evidence=evidence or None), files)


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/answers", dependencies=[CsrfChecked])
async def answer(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: CurrentUser,
                 session: SessionDep, lang: LanguageDep, settings: SettingsDep, answer: Annotated[str, Form()] = "",
                 whatif: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "") -> Response:
    kind = answer if answer in ("accept", "reject") else "answer"
    return await _step(request, tasks, contract_id, dispute_id, viewer, session, lang, settings,
                       StepIn(kind, text, whatif=whatif or None))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/mediator", dependencies=[CsrfChecked])
async def invite(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: CurrentUser,
                 session: SessionDep, lang: LanguageDep, settings: SettingsDep,
                 mediator: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "") -> Response:
    return await _step(request, tasks, contract_id, dispute_id, viewer, session, lang, settings,
                       StepIn("invite_mediator", text, mediator=mediator))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/recommendation", dependencies=[CsrfChecked])
async def recommend(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: CurrentUser,
                    session: SessionDep, lang: LanguageDep, settings: SettingsDep,
                    text: Annotated[str, Form()] = "", whatif: Annotated[str, Form()] = "") -> Response:
    return await _step(request, tasks, contract_id, dispute_id, viewer, session, lang, settings,
                       StepIn("recommendation", text, whatif=whatif or None))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/resolution", dependencies=[CsrfChecked])
async def end(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str, viewer: CurrentUser,
              session: SessionDep, lang: LanguageDep, settings: SettingsDep, outcome: Annotated[str, Form()] = "",
              text: Annotated[str, Form()] = "") -> Response:
    kind = {"withdraw": "withdrawal", "close": "closing"}.get(outcome, "resolution")
    return await _step(request, tasks, contract_id, dispute_id, viewer, session, lang, settings, StepIn(kind, text))


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/whatifs", dependencies=[CsrfChecked])
async def new_whatif(request: Request, tasks: BackgroundTasks, contract_id: str, dispute_id: str,
                     viewer: CurrentUser, session: SessionDep, lang: LanguageDep, settings: SettingsDep) -> Response:
    access, row = _dispute_or_404(session, viewer, contract_id, dispute_id)
    form = await request.form()
    fields = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
    fields.update({f"exclude_incident_{i}": str(v) for i, v in enumerate(form.getlist("exclude_incident"))})
    fields.pop("exclude_incident", None)
    return await _heavy(request, _propose, request, tasks, viewer, session, lang, settings, access, row, fields)


def _propose(request: Request, tasks: BackgroundTasks, viewer: Viewer, session: SessionDep, lang: Language,
             settings: Any, access: Access, row: DisputeRow, fields: dict[str, str]) -> Response:
    """Settle the month again with the form's changes and keep the what-if (its problems, when it cannot)."""
    try:
        propose_whatif(session, access, viewer.organisation, viewer.user, viewer.role, settings, row,
                       changes_from_form(fields), fields.get("text", ""))
    except Forbidden as refusal:
        session.rollback()
        raise HTTPException(403, str(refusal)) from None
    except WorkflowError as error:
        session.rollback()
        return _render_dispute(request, lang, viewer, session, settings, access, row, 422, error.problems)
    session.commit()
    notify(request, tasks, session, row, _last_entry(session, row))
    return RedirectResponse(f"/contracts/{access.contract.id}/disputes/{row.id}", 303)


@router.get("/contracts/{contract_id}/disputes/{dispute_id}/attachments/{sha256}")
def download_attachment(contract_id: str, dispute_id: str, sha256: str, viewer: CurrentUser, session: SessionDep,
                        settings: SettingsDep) -> FileResponse:
    _, row = _dispute_or_404(session, viewer, contract_id, dispute_id)
    try:
        path, link = attachment_of(session, settings.data_dir, row, sha256)
    except LookupError:
        raise HTTPException(404, "no such attachment") from None
    return FileResponse(path, media_type=link.media_type, filename=link.filename,
                        content_disposition_type="attachment")


__all__ = ["router", "whatif_view"]
