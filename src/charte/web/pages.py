"""The server-rendered pages (Jinja2, French by default). Routes stay thin: they check who asks,
call :mod:`charte.web.workflows` (which calls the library), and render."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.io.contract_yaml import check_contract_text
from charte.store import (
    AccountError,
    ContractShareRow,
    MembershipRow,
    OrganisationRow,
    UserRow,
    add_member,
    audit,
    authenticate,
    create_user,
    issue_token,
    visible_contracts,
)
from charte.store.ledger import paris_today
from charte.web.deps import (
    CsrfChecked,
    CurrentUser,
    LanguageDep,
    SessionDep,
    SettingsDep,
    Viewer,
    contract_or_404,
)
from charte.web.evidence import Received, audit_submission, month_of, receive_submission, register_view, web_register
from charte.web.i18n import LANGUAGES, Language
from charte.web.invoicing import (
    invoice_file,
    invoices_of,
    issue_credit_note,
    issue_invoice,
    live_invoice,
    record_payment,
)
from charte.web.security import csrf_token
from charte.web.settlement_views import charts, evidence_view, lines_view, results_view, totals_view
from charte.web.workflows import (
    WorkflowError,
    latest_settlement,
    replay_settlement,
    scorecard_html,
    settle_month,
    settlement_document,
    settlements_of,
    share_with_mediator,
    store_contract,
)

router = APIRouter(include_in_schema=False)


def render(request: Request, lang: Language, template: str, viewer: Viewer | None = None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(
        _=lang.gettext, lang=lang, viewer=viewer, csrf=csrf_token(request.session), path=request.url.path,
        languages=LANGUAGES, **context)
    return HTMLResponse(html, status_code=status_code)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# ---------------------------------------------------------------- sign in, sign out, language

@router.get("/")
def home(request: Request) -> RedirectResponse:
    return RedirectResponse("/contracts" if request.session.get("user_id") else "/login", 303)


@router.get("/login")
def login_form(request: Request, lang: LanguageDep) -> HTMLResponse:
    return render(request, lang, "login.html")


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, session: SessionDep, lang: LanguageDep, email: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "") -> Response:
    throttle = request.app.state.throttle
    keys = (f"email:{email.strip().lower()}", f"ip:{_client_address(request)}")
    if throttle.blocked(*keys):
        audit(session, "login_throttled", target=email[:300])
        session.commit()
        return render(request, lang, "login.html", status_code=429, email=email,
                      error=lang.gettext("Too many failed attempts. Wait a few minutes and try again."))
    user = authenticate(session, email, password)
    if user is None or not user.memberships:
        throttle.failed(*keys)
        audit(session, "login_failed", target=email[:300])
        session.commit()
        return render(request, lang, "login.html", status_code=401, email=email,
                      error=lang.gettext("Unknown e-mail or wrong password."))
    throttle.succeeded(*keys)
    keep_lang = request.session.get("lang")
    request.session.clear()  # a fresh session (and CSRF token) after signing in
    request.session.update({"user_id": user.id, "organisation_id": user.memberships[0].organisation_id,
                            "auth_version": user.password_hash[-16:]})
    if keep_lang:
        request.session["lang"] = keep_lang
    audit(session, "login", user_id=user.id, organisation_id=user.memberships[0].organisation_id)
    session.commit()
    return RedirectResponse("/contracts", 303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> RedirectResponse:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/login", 303)


@router.get("/language/{code}")
def choose_language(request: Request, code: str) -> RedirectResponse:
    if code not in LANGUAGES:
        raise HTTPException(404, "no such language")
    request.session["lang"] = code
    referer = request.headers.get("referer", "")
    back = "/" + referer.split("/", 3)[3] if referer.count("/") >= 3 and referer.startswith(str(request.base_url)) \
        else "/"
    return RedirectResponse(back, 303)


# ---------------------------------------------------------------- contracts

def _organisations(session: SessionDep, kind: str) -> list[OrganisationRow]:
    return list(session.scalars(select(OrganisationRow).where(OrganisationRow.kind == kind)
                                .order_by(OrganisationRow.name)))


@router.get("/contracts")
def contracts(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    rows = visible_contracts(session, viewer.organisation)
    names = {o.id: o.name for o in session.scalars(select(OrganisationRow))}
    return render(request, lang, "contracts.html", viewer, contracts=rows, names=names)


def _may_upload_contract(viewer: Viewer) -> None:
    if viewer.organisation.kind not in ("provider", "client"):
        raise HTTPException(404, "not found")
    if not viewer.is_manager:
        raise HTTPException(403, "your role in the organisation is read-only")


@router.get("/contracts/new")
def new_contract(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _may_upload_contract(viewer)
    other = "client" if viewer.organisation.kind == "provider" else "provider"
    return render(request, lang, "contract_new.html", viewer, parties=_organisations(session, other))


@router.post("/contracts/new", dependencies=[CsrfChecked])
async def upload_contract(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                          other_party: Annotated[str, Form()] = "", yaml_text: Annotated[str, Form()] = "",
                          yaml_file: Annotated[UploadFile | None, File()] = None) -> Response:
    _may_upload_contract(viewer)
    text = yaml_text
    if yaml_file is not None and yaml_file.filename:
        raw = await yaml_file.read(2_000_001)
        try:
            text = raw[:2_000_000].decode("utf-8")
        except UnicodeDecodeError:
            text = ""
    other = "client" if viewer.organisation.kind == "provider" else "provider"
    try:
        row, problems = store_contract(session, text, viewer.organisation, other_party, viewer.user_id)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "contract_new.html", viewer, status_code=422,
                      parties=_organisations(session, other), errors=error.problems, yaml_text=text)
    if row is None:
        return render(request, lang, "contract_new.html", viewer, status_code=422,
                      parties=_organisations(session, other), problems=problems, yaml_text=text,
                      numbered=_numbered(text, problems))
    session.commit()
    return RedirectResponse(f"/contracts/{row.id}", 303)


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
    names = {o.id: o.name for o in session.scalars(select(OrganisationRow))}
    return render(request, lang, "contract.html", viewer, access=access, c=access.contract, names=names,
                  numbered=_numbered(access.contract.yaml_text, problems), problems=problems,
                  register=register_view(session, settings.data_dir, access.contract),
                  settlements=settlements_of(session, access.contract),
                  shares=shares if access.is_party else [],
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
        row = settle_month(session, access, period.strip(), settings.data_dir, viewer.organisation, viewer.user_id)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period=period, status_code=422)
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
    names = {o.id: o.name for o in session.scalars(select(OrganisationRow))}
    invoices = invoices_of(session, settings.data_dir, access.contract, row.period)
    return render(request, lang, "settlement.html", viewer, c=access.contract, row=row, doc=document, names=names,
                  lines=lines_view(document, lang), totals=totals_view(document, lang),
                  results=results_view(document, lang), evidence=evidence_view(document),
                  charts=charts(settings.data_dir / "register", document, access.contract.yaml_text, row.period,
                                lang), access=access, invoices=invoices,
                  live=live_invoice(session, settings.data_dir, access.contract, row.period))


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
        request, lang, viewer, session, contract_id, period, "only the provider's manager issues an invoice",
        lambda access: issue_invoice(session, access, period, settings.data_dir, viewer.organisation, paris_today(),
                                     viewer.user_id))


@router.post("/contracts/{contract_id}/settlements/{period}/credit-notes", dependencies=[CsrfChecked])
def credit_note_page(request: Request, contract_id: str, period: str, viewer: CurrentUser, session: SessionDep,
                     lang: LanguageDep, settings: SettingsDep, number: Annotated[str, Form()] = "",
                     reason: Annotated[str, Form()] = "", lines: Annotated[str, Form()] = "",
                     amount: Annotated[str, Form()] = "") -> Response:
    return _provider_action(
        request, lang, viewer, session, contract_id, period, "only the provider's manager issues a credit note",
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
        "only the provider's manager records the payments it receives",
        lambda access: record_payment(session, access, period, number, on, amount, reference, settings.data_dir,
                                      viewer.organisation, viewer.user_id))


def _provider_action(request: Request, lang: Language, viewer: Viewer, session: Session, contract_id: str,
                     period: str, forbidden: str, action: Callable[[Any], object]) -> Response:
    """Run one of the provider manager's actions on a settled month: all or nothing, problems shown."""
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_settle:
        raise HTTPException(403, forbidden)
    try:
        action(access)
    except WorkflowError as error:
        session.rollback()
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period=period, status_code=422)
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
        return HTMLResponse(scorecard_html(session, access.contract))
    except WorkflowError as error:
        return render(request, lang, "settle_failed.html", viewer, c=access.contract, errors=error.problems,
                      period="", status_code=422)


@router.post("/contracts/{contract_id}/shares", dependencies=[CsrfChecked])
def share(request: Request, contract_id: str, viewer: CurrentUser, session: SessionDep,
          mediator: Annotated[str, Form()] = "") -> Response:
    access = contract_or_404(session, viewer, contract_id)
    if not access.may_share:
        raise HTTPException(403, "only a party's manager may invite a mediator")
    try:
        share_with_mediator(session, access, mediator, viewer.organisation, viewer.user_id)
    except WorkflowError as error:
        session.rollback()
        raise HTTPException(422, error.problems[0][2]) from None
    session.commit()
    return RedirectResponse(f"/contracts/{contract_id}", 303)


# ---------------------------------------------------------------- API tokens of one's organisation

@router.get("/tokens")
def tokens_page(request: Request, viewer: CurrentUser, lang: LanguageDep) -> HTMLResponse:
    if not viewer.is_manager or viewer.organisation.kind not in ("provider", "client"):
        raise HTTPException(404, "not found")
    return render(request, lang, "tokens.html", viewer)


@router.post("/tokens", dependencies=[CsrfChecked])
def new_token(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
              label: Annotated[str, Form()] = "") -> HTMLResponse:
    if not viewer.is_manager or viewer.organisation.kind not in ("provider", "client"):
        raise HTTPException(404, "not found")
    issued = issue_token(session, viewer.organisation, label[:200])
    audit(session, "api_token_issued", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=issued.row.id)
    session.commit()
    return render(request, lang, "tokens.html", viewer, token=issued.token)


# ---------------------------------------------------------------- administration (platform administrators)

def _admin_only(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise HTTPException(404, "not found")


@router.get("/admin")
def admin_page(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _admin_only(viewer)
    organisations = list(session.scalars(select(OrganisationRow).order_by(OrganisationRow.kind, OrganisationRow.name)))
    members = list(session.scalars(select(MembershipRow)))
    users = {u.id: u for u in session.scalars(select(UserRow))}
    return render(request, lang, "admin.html", viewer, organisations=organisations, members=members, users=users)


@router.post("/admin/users", dependencies=[CsrfChecked])
def admin_new_user(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                   email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                   organisation: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "manager") -> Response:
    _admin_only(viewer)
    target = session.get(OrganisationRow, organisation)
    if target is None:
        raise HTTPException(422, "expected the id of an organisation")
    try:
        user = create_user(session, email, password)
        add_member(session, user, target, role)
    except AccountError as error:
        session.rollback()
        raise HTTPException(422, str(error)) from None
    audit(session, "user_created", user_id=viewer.user_id, organisation_id=target.id, target=user.id)
    session.commit()
    return RedirectResponse("/admin", 303)
