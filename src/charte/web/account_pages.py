"""Signing in and out, the language, one's account (password, sessions), API tokens, an organisation's
members and the invitations that bring them in.

Sign-in is throttled per address, per account and per pair (:mod:`charte.store.throttle`), opens a
server-side session (:mod:`charte.store.sessions`) and sends a new opaque cookie token.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from charte.store import (
    AccountError,
    InvitationRow,
    OrganisationRow,
    UserRow,
    audit,
    authenticate,
    change_password,
    issue_token,
    revoke_token,
    tokens_of,
)
from charte.store.invitations import (
    IssuedInvitation,
    accept_invitation,
    invite_colleague,
    members_of,
    pending_invitation,
    remove_member,
)
from charte.store.sessions import close_session, close_sessions_of, find_session, open_session, sessions_of
from charte.store.throttle import login_failed, login_succeeded, wait_before_login
from charte.web.deps import (
    CsrfChecked,
    CurrentUser,
    LanguageDep,
    SessionDep,
    SettingsDep,
    Viewer,
    client_address,
    now,
    timeouts,
)
from charte.web.i18n import LANGUAGES, Language
from charte.web.mail import Mailer, MailError
from charte.web.rendering import render
from charte.web.security import anonymous_token, cookie_session

router = APIRouter(include_in_schema=False)
TOKEN_VALIDITY_DAYS = (30, 90, 365)


# ---------------------------------------------------------------- sign in, sign out, language

@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/contracts", 303)


@router.get("/login")
def login_form(request: Request, lang: LanguageDep) -> HTMLResponse:
    return render(request, lang, "login.html")


def _start_session(request: Request, session: Session, user: UserRow,
                   organisation: OrganisationRow | None = None) -> None:
    """Open a session for ``user`` acting for ``organisation`` (default: their first) and send its new token;
    the visitor's previous token, whatever it named, ends."""
    cookie = cookie_session(request)
    close_session(session, cookie.token)
    acting_for = organisation or user.memberships[0].organisation
    token = open_session(session, user, acting_for, timeouts(request.app.state.settings),
                         now(request), client_address(request), request.headers.get("user-agent", ""))
    cookie.replace(token)


@router.post("/login", dependencies=[CsrfChecked])
def login(request: Request, session: SessionDep, lang: LanguageDep, email: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "") -> Response:
    email, address, at = email.strip()[:254], client_address(request), now(request)
    wait = wait_before_login(session, email, address, at)
    if wait > timedelta(0):
        audit(session, "login_throttled", target=email[:300], detail=address)
        session.commit()
        seconds = math.ceil(wait.total_seconds())
        return render(request, lang, "login.html", status_code=429, email=email, headers={"Retry-After": str(seconds)},
                      error=lang.gettext("Too many failed attempts. Wait a few minutes and try again."))
    user = authenticate(session, email, password[:1024])
    if user is None or not user.memberships:
        login_failed(session, email, address, at)
        audit(session, "login_failed", target=email[:300], detail=address)
        session.commit()
        return render(request, lang, "login.html", status_code=401, email=email,
                      error=lang.gettext("Unknown e-mail or wrong password."))
    login_succeeded(session, email, address, at)
    _start_session(request, session, user)
    audit(session, "login", user_id=user.id, organisation_id=user.memberships[0].organisation_id, detail=address)
    session.commit()
    # the trade body's work is the barometer: it has no contract of its own
    landing = "/observatory" if user.memberships[0].organisation.kind == "trade_body" else "/contracts"
    return RedirectResponse(landing, 303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    cookie = cookie_session(request)
    close_session(session, cookie.token)
    session.commit()
    cookie.replace(anonymous_token())
    return RedirectResponse("/login", 303)


def local_path(referer: str, request: Request) -> str:
    """The path (and query) of ``referer`` when it is a page of this server, ``/`` otherwise: a redirect never
    leaves the site (``//evil.example``, ``/\\evil.example``, another host or scheme all give ``/``)."""
    try:
        parts = urlsplit(referer)
    except ValueError:
        return "/"
    if parts.scheme not in ("http", "https") or parts.netloc != request.url.netloc:
        return "/"
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return "/"
    return path + (f"?{parts.query}" if parts.query else "")


@router.get("/language/{code}")
def choose_language(request: Request, code: str) -> RedirectResponse:
    if code not in LANGUAGES:
        raise HTTPException(404, "no such language")
    cookie_session(request).choose_language(code)
    return RedirectResponse(local_path(request.headers.get("referer", ""), request), 303)


# ---------------------------------------------------------------- one's account: password, sessions

def _account(request: Request, session: Session, viewer: Viewer, lang: Language, status_code: int = 200,
             **context: Any) -> HTMLResponse:
    assert viewer.user is not None
    current = find_session(session, cookie_session(request).token, timeouts(request.app.state.settings),
                           now(request))
    return render(request, lang, "account.html", viewer, status_code=status_code,
                  sessions=sessions_of(session, viewer.user.id), current=current.id if current else None, **context)


@router.get("/account")
def account_page(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    return _account(request, session, viewer, lang)


@router.post("/account/password", dependencies=[CsrfChecked])
def new_password(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                 current: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                 confirm: Annotated[str, Form()] = "") -> HTMLResponse:
    assert viewer.user is not None
    try:
        if password != confirm:
            raise AccountError("passwords_differ", "the new password and its confirmation differ")
        change_password(session, viewer.user, current, password)
    except AccountError as error:
        session.rollback()
        return _account(request, session, viewer, lang, status_code=422, error=lang.problem(error.code, str(error)))
    ended = close_sessions_of(session, viewer.user.id, keep_token=cookie_session(request).token)
    audit(session, "password_changed", user_id=viewer.user.id, organisation_id=viewer.organisation.id,
          detail=f"{ended} other session(s) ended")
    session.commit()
    return _account(request, session, viewer, lang, done=lang.gettext("Password changed; your other sessions ended."))


@router.post("/account/sessions/end-all", dependencies=[CsrfChecked])
def end_all_sessions(request: Request, viewer: CurrentUser, session: SessionDep) -> RedirectResponse:
    assert viewer.user is not None
    ended = close_sessions_of(session, viewer.user.id)
    audit(session, "signed_out_everywhere", user_id=viewer.user.id, organisation_id=viewer.organisation.id,
          detail=f"{ended} session(s)")
    session.commit()
    cookie_session(request).replace(anonymous_token())
    return RedirectResponse("/login", 303)


# ---------------------------------------------------------------- API tokens of one's organisation

def _party_manager(viewer: Viewer) -> None:
    viewer.require_party_manager()


def _tokens(request: Request, session: Session, viewer: Viewer, lang: Language, **context: Any) -> HTMLResponse:
    return render(request, lang, "tokens.html", viewer, tokens=tokens_of(session, viewer.organisation),
                  validities=TOKEN_VALIDITY_DAYS, at=now(request), **context)


@router.get("/tokens")
def tokens_page(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _party_manager(viewer)
    return _tokens(request, session, viewer, lang)


@router.post("/tokens", dependencies=[CsrfChecked])
def new_token(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
              label: Annotated[str, Form()] = "", days: Annotated[int, Form()] = 90) -> HTMLResponse:
    _party_manager(viewer)
    if days not in TOKEN_VALIDITY_DAYS:
        raise HTTPException(422, "the validity must be one of the durations offered")
    issued = issue_token(session, viewer.organisation, label[:200], valid_for=timedelta(days=days),
                         created_by=viewer.user_id, now=now(request))
    audit(session, "api_token_issued", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=issued.row.id, detail=f"{days} days")
    session.commit()
    return _tokens(request, session, viewer, lang, token=issued.token)


@router.post("/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def revoke(token_id: str, viewer: CurrentUser, session: SessionDep) -> RedirectResponse:
    _party_manager(viewer)
    if not revoke_token(session, viewer.organisation, token_id):
        raise HTTPException(404, "no such token")
    audit(session, "api_token_revoked", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=token_id)
    session.commit()
    return RedirectResponse("/tokens", 303)


# ---------------------------------------------------------------- members and invitations

def _tenant_manager(viewer: Viewer) -> None:
    viewer.require_tenant_manager()


def invitation_link(request: Request, token: str) -> str:
    settings = request.app.state.settings
    base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return f"{base}/invitations/{token}"


def send_invitation(request: Request, lang: Language, issued: IssuedInvitation, organisation_name: str) -> str | None:
    """Mail the invitation; the link to show to whoever invited when no SMTP server is configured (or it failed)."""
    link = invitation_link(request, issued.token)
    mailer: Mailer = request.app.state.mailer
    subject = lang.gettext("Invitation to charte: {organisation}").format(organisation=organisation_name)
    body = lang.gettext("You are invited to join {organisation} on charte. Open this link within 7 days to "
                        "choose your password:\n\n{link}\n").format(organisation=organisation_name, link=link)
    try:
        return None if mailer.send(issued.row.email, subject, body) else link
    except MailError:
        return link


def _members(request: Request, session: Session, viewer: Viewer, lang: Language, status_code: int = 200,
             **context: Any) -> HTMLResponse:
    memberships = members_of(session, viewer.organisation)
    users = {u.id: u for u in session.scalars(select(UserRow).where(UserRow.id.in_([m.user_id for m in memberships])))}
    pending = list(session.scalars(select(InvitationRow).where(
        InvitationRow.organisation_id == viewer.organisation.id, InvitationRow.accepted_at.is_(None),
        InvitationRow.revoked.is_(False), InvitationRow.expires_at > now(request))))
    return render(request, lang, "members.html", viewer, status_code=status_code, memberships=memberships,
                  users=users, pending=pending, **context)


@router.get("/members")
def members_page(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _tenant_manager(viewer)
    return _members(request, session, viewer, lang)


@router.post("/members/invite", dependencies=[CsrfChecked])
def invite(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
           email: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "reader") -> HTMLResponse:
    _tenant_manager(viewer)
    assert viewer.user is not None
    try:
        issued = invite_colleague(session, viewer.organisation, email, role, viewer.user.id, now(request))
    except AccountError as error:
        session.rollback()
        return _members(request, session, viewer, lang, status_code=422, error=lang.problem(error.code, str(error)))
    audit(session, "member_invited", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=issued.row.email, detail=role)
    session.commit()
    link = send_invitation(request, lang, issued, viewer.organisation.name)
    return _members(request, session, viewer, lang, invited=issued.row.email, link=link)


@router.post("/members/{user_id}/remove", dependencies=[CsrfChecked])
def remove(request: Request, user_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> Response:
    _tenant_manager(viewer)
    try:
        if not remove_member(session, viewer.organisation, user_id):
            raise HTTPException(404, "no such member")
    except AccountError as error:
        session.rollback()
        return _members(request, session, viewer, lang, status_code=422, error=lang.problem(error.code, str(error)))
    audit(session, "member_removed", user_id=viewer.user_id, organisation_id=viewer.organisation.id, target=user_id)
    session.commit()
    return RedirectResponse("/members", 303)


def _signed_in_user(request: Request, session: Session) -> UserRow | None:
    row = find_session(session, cookie_session(request).token, timeouts(request.app.state.settings), now(request))
    return session.get(UserRow, row.user_id) if row is not None else None


@router.get("/invitations/{token}")
def invitation_page(request: Request, token: str, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    row = pending_invitation(session, token, now(request))
    if row is None:
        raise HTTPException(404, "this invitation link is unknown, already used or expired")
    organisation = session.get(OrganisationRow, row.organisation_id)
    exists = session.scalar(select(UserRow).where(UserRow.email == row.email)) is not None
    return render(request, lang, "invitation.html", invitation=row, organisation=organisation, exists=exists,
                  signed_in=_signed_in_user(request, session))


@router.post("/invitations/{token}", dependencies=[CsrfChecked])
def accept(request: Request, token: str, session: SessionDep, lang: LanguageDep, settings: SettingsDep,
           display_name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
           confirm: Annotated[str, Form()] = "") -> Response:
    row = pending_invitation(session, token, now(request))
    if row is None:
        raise HTTPException(404, "this invitation link is unknown, already used or expired")
    try:
        if password != confirm:
            raise AccountError("passwords_differ", "the password and its confirmation differ")
        user, organisation = accept_invitation(session, token, now(request), password=password,
                                               display_name=display_name.strip()[:200],
                                               signed_in=_signed_in_user(request, session))
    except AccountError as error:
        session.rollback()
        return render(request, lang, "invitation.html", status_code=422, invitation=row,
                      organisation=session.get(OrganisationRow, row.organisation_id),
                      exists=session.scalar(select(UserRow).where(UserRow.email == row.email)) is not None,
                      signed_in=_signed_in_user(request, session), error=lang.problem(error.code, str(error)))
    audit(session, "invitation_accepted", user_id=user.id, organisation_id=organisation.id, target=row.id)
    session.refresh(user)
    _start_session(request, session, user, organisation)
    session.commit()
    return RedirectResponse("/contracts", 303)
