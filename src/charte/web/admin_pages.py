"""The platform administrator's pages: organisations, their first manager's invitation, accounts, audit log.

An administrator runs the platform; it never enters a tenant (issue 17). It creates an organisation
and invites its first manager — after which only the organisation's managers bring people in
(:mod:`charte.store.invitations`); it can disable an account (every session of it ends) or enable it
again; it reads the audit log. It cannot create a user in a tenant, see a contract, a settlement or an
invoice, or obtain an API token. Every administrator action is written to the audit log
(``admin.*``), which the page shows and exports as CSV.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from charte.io.spreadsheet import write_csv_rows
from charte.store import AccountError, AuditLogRow, MembershipRow, OrganisationRow, UserRow, audit, create_organisation
from charte.store.invitations import invite_first_manager, set_account_active
from charte.store.models import ORGANISATION_KINDS
from charte.web.account_pages import send_invitation
from charte.web.deps import CsrfChecked, CurrentUser, LanguageDep, SessionDep, Viewer, now
from charte.web.heavy import download
from charte.web.i18n import Language
from charte.web.rendering import render

router = APIRouter(include_in_schema=False)
TENANT_KINDS = tuple(k for k in ORGANISATION_KINDS if k != "admin")
AUDIT_SHOWN = 200


def _admin_only(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise HTTPException(404, "not found")


def _page(request: Request, session: Session, viewer: Viewer, lang: Language, status_code: int = 200,
          **context: Any) -> HTMLResponse:
    organisations = list(session.scalars(select(OrganisationRow).order_by(OrganisationRow.kind, OrganisationRow.name)))
    counted = session.execute(select(MembershipRow.organisation_id, func.count())
                              .group_by(MembershipRow.organisation_id))
    counts = {str(organisation_id): int(n) for organisation_id, n in counted}
    users = list(session.scalars(select(UserRow).order_by(UserRow.email)))
    log = list(session.scalars(select(AuditLogRow).where(AuditLogRow.action.like("admin.%"))
                               .order_by(AuditLogRow.id.desc()).limit(AUDIT_SHOWN)))
    return render(request, lang, "admin.html", viewer, status_code=status_code, organisations=organisations,
                  counts=counts, users=users, log=log, kinds=TENANT_KINDS, **context)


@router.get("/admin")
def admin_page(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep) -> HTMLResponse:
    _admin_only(viewer)
    return _page(request, session, viewer, lang)


@router.post("/admin/organisations", dependencies=[CsrfChecked])
def new_organisation(request: Request, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
                     name: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
                     siren: Annotated[str, Form()] = "", manager_email: Annotated[str, Form()] = "") -> Response:
    """Create a tenant organisation and invite its first manager."""
    _admin_only(viewer)
    try:
        if kind not in TENANT_KINDS:
            raise AccountError("unknown_organisation_kind", f"kind {kind!r}: expected one of {', '.join(TENANT_KINDS)}")
        if kind in ("provider", "client") and not siren.strip():
            raise AccountError("missing_siren", "a provider or a client is known by its SIREN")
        organisation = create_organisation(session, name, kind, siren)
        issued = invite_first_manager(session, organisation, manager_email, viewer.user_id, now(request))
    except AccountError as error:
        session.rollback()
        return _page(request, session, viewer, lang, status_code=422, error=f"[{error.code}] {error}")
    audit(session, "admin.organisation_created", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=organisation.id, detail=f"{kind} {organisation.name} SIREN {organisation.siren or '-'}")
    audit(session, "admin.first_manager_invited", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=organisation.id, detail=issued.row.email)
    session.commit()
    link = send_invitation(request, lang, issued, organisation.name)
    return _page(request, session, viewer, lang, invited=issued.row.email, link=link)


@router.post("/admin/organisations/{organisation_id}/invite", dependencies=[CsrfChecked])
def reinvite(request: Request, organisation_id: str, viewer: CurrentUser, session: SessionDep, lang: LanguageDep,
             manager_email: Annotated[str, Form()] = "") -> Response:
    """Invite the first manager again (a lost or expired link): refused once the organisation has members."""
    _admin_only(viewer)
    organisation = session.get(OrganisationRow, organisation_id)
    if organisation is None or organisation.kind == "admin":
        raise HTTPException(404, "no such organisation")
    try:
        issued = invite_first_manager(session, organisation, manager_email, viewer.user_id, now(request))
    except AccountError as error:
        session.rollback()
        return _page(request, session, viewer, lang, status_code=422, error=f"[{error.code}] {error}")
    audit(session, "admin.first_manager_invited", user_id=viewer.user_id, organisation_id=viewer.organisation.id,
          target=organisation.id, detail=issued.row.email)
    session.commit()
    link = send_invitation(request, lang, issued, organisation.name)
    return _page(request, session, viewer, lang, invited=issued.row.email, link=link)


@router.post("/admin/users/{user_id}/active", dependencies=[CsrfChecked])
def set_active(user_id: str, viewer: CurrentUser, session: SessionDep,
               active: Annotated[bool, Form()] = False) -> RedirectResponse:
    """Disable an account (its sessions end at once) or enable it again."""
    _admin_only(viewer)
    user = session.get(UserRow, user_id)
    if user is None:
        raise HTTPException(404, "no such user")
    if user.id == viewer.user_id:
        raise HTTPException(422, "an administrator does not disable their own account")
    set_account_active(session, user, active)
    audit(session, "admin.account_enabled" if active else "admin.account_disabled", user_id=viewer.user_id,
          organisation_id=viewer.organisation.id, target=user.id, detail=user.email)
    session.commit()
    return RedirectResponse("/admin", 303)


@router.get("/admin/audit.csv")
def audit_export(viewer: CurrentUser, session: SessionDep) -> Response:
    """The administrators' actions as CSV (text cells made inert, :mod:`charte.domain.cells`)."""
    _admin_only(viewer)
    rows = session.scalars(select(AuditLogRow).where(AuditLogRow.action.like("admin.%")).order_by(AuditLogRow.id))
    buffer = io.StringIO()
    write_csv_rows(buffer, ("at", "user_id", "action", "target", "detail"),
                   ([r.at.isoformat(), r.user_id or "", r.action, r.target, r.detail] for r in rows))
    audit(session, "admin.audit_exported", user_id=viewer.user_id, organisation_id=viewer.organisation.id)
    session.commit()
    return download(buffer.getvalue().encode("utf-8"), "charte-admin-audit.csv", "text/csv; charset=utf-8")
