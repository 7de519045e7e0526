"""FastAPI dependencies, as ``Annotated`` aliases the routes take as parameters.

- :data:`SessionDep`: a database session (closed after the request; routes commit what they change);
- :data:`CurrentUser`: the signed-in user with the organisation they act for (redirect to the login
  page otherwise);
- :data:`ApiCaller`: the organisation an API token speaks for (401 otherwise);
- :data:`CsrfChecked`: the form's CSRF token matches the session's (403 otherwise);
- :func:`contract_or_404`: a contract the caller may see, or 404 — the same answer whether the contract
  exists or not, so nobody learns what exists in another organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from charte.store import Access, MembershipRow, OrganisationRow, UserRow, contract_access, organisation_of_token
from charte.web.config import WebSettings
from charte.web.i18n import Language, language
from charte.web.security import CSRF_FIELD, csrf_valid


class LoginRequired(Exception):  # noqa: N818  (a signal, not an error)
    """No signed-in user: pages redirect to the login form."""


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the user (None for an API token), the organisation they act for, and their role in it."""

    user: UserRow | None
    organisation: OrganisationRow
    role: str

    @property
    def user_id(self) -> str | None:
        return self.user.id if self.user is not None else None

    @property
    def is_admin(self) -> bool:
        return self.organisation.kind == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def current_language(request: Request) -> Language:
    return language(request.session.get("lang"), request.app.state.settings.default_language)


LanguageDep = Annotated[Language, Depends(current_language)]


def _membership(user: UserRow, organisation_id: object) -> MembershipRow | None:
    for membership in user.memberships:
        if membership.organisation_id == organisation_id:
            return membership
    return user.memberships[0] if user.memberships else None


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    user_id = request.session.get("user_id")
    user = session.get(UserRow, user_id) if isinstance(user_id, str) else None
    if user is None or not user.active or request.session.get("auth_version") != user.password_hash[-16:]:
        request.session.pop("user_id", None)
        raise LoginRequired
    membership = _membership(user, request.session.get("organisation_id"))
    if membership is None:
        request.session.clear()
        raise LoginRequired
    return Viewer(user, membership.organisation, membership.role)


CurrentUser = Annotated[Viewer, Depends(current_viewer)]


def api_caller(request: Request, session: SessionDep) -> Viewer:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    organisation = organisation_of_token(session, token.strip()) if scheme.lower() == "bearer" and token else None
    if organisation is None:
        raise HTTPException(401, "a valid API token is needed: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    return Viewer(None, organisation, "manager")


ApiCaller = Annotated[Viewer, Depends(api_caller)]


async def check_csrf(request: Request) -> None:
    form = await request.form()
    if not csrf_valid(request.session, form.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's security token is missing or stale; reload the page and try again")


CsrfChecked = Depends(check_csrf)


def contract_or_404(session: Session, viewer: Viewer, contract_id: str) -> Access:
    access = contract_access(session, viewer.organisation, contract_id, viewer.role)
    if access is None:
        raise HTTPException(404, "no such contract")
    return access


def data_dir(settings: WebSettings) -> Path:
    return settings.data_dir
