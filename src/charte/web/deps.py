"""FastAPI dependencies, as ``Annotated`` aliases the routes take as parameters.

- :data:`SessionDep`: a database session (closed after the request; routes commit what they change);
- :data:`CurrentUser`: the signed-in user with the organisation they act for, from the server-side
  session named by the cookie's token (redirect to the login page otherwise);
- :data:`ApiCaller`: the organisation an API token speaks for (401 otherwise, also once it expired);
- :data:`CsrfChecked`: the form's CSRF token matches the session's (403 otherwise);
- :func:`contract_or_404`: a contract the caller may see, or 404 — the same answer whether the contract
  exists or not, so nobody learns what exists in another organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from charte.store import Access, MembershipRow, OrganisationRow, UserRow, contract_access, organisation_of_token
from charte.store.sessions import SessionTimeouts, find_session
from charte.web.config import WebSettings
from charte.web.i18n import Language, language
from charte.web.security import CSRF_FIELD, cookie_session, csrf_valid


class LoginRequired(Exception):  # noqa: N818  (a signal, not an error)
    """No signed-in user: pages redirect to the login form."""


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's database session, closed as soon as the route returns (``scope="function"``): before the
    response is sent, so a download streamed to a slow client holds no database connection."""
    with request.app.state.sessions() as session:
        request.state.db_session = session  # heavy() lets go of its connection before waiting for a slot
        try:
            yield session
        finally:
            request.state.db_session = None


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def timeouts(settings: WebSettings) -> SessionTimeouts:
    return SessionTimeouts(timedelta(seconds=settings.session_idle_seconds),
                           timedelta(seconds=settings.session_max_seconds))


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

    def require_party_manager(self) -> None:
        """404 outside providers and clients (the page does not exist for them), 403 for a read-only member."""
        if self.organisation.kind not in ("provider", "client"):
            raise HTTPException(404, "not found")
        if not self.is_manager:
            raise HTTPException(403, "your role in the organisation is read-only")

    def require_tenant_manager(self) -> None:
        """404 for the platform's administrators, 403 for a read-only member."""
        if self.is_admin:
            raise HTTPException(404, "not found")
        if not self.is_manager:
            raise HTTPException(403, "your role in the organisation is read-only")

    @property
    def is_party_manager(self) -> bool:
        """A manager of a provider or a client: uploads contracts, invites colleagues, issues API tokens."""
        return self.is_manager and self.organisation.kind in ("provider", "client")


def current_language(request: Request) -> Language:
    return language(cookie_session(request).language, request.app.state.settings.default_language)


LanguageDep = Annotated[Language, Depends(current_language)]


def _membership(user: UserRow, organisation_id: str) -> MembershipRow | None:
    return next((m for m in user.memberships if m.organisation_id == organisation_id), None)


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    """The signed-in viewer, from the session row the cookie's token names (idle and absolute timeouts checked,
    the account still active, the membership still there)."""
    row = find_session(session, cookie_session(request).token, timeouts(request.app.state.settings), now(request))
    user = session.get(UserRow, row.user_id) if row is not None else None
    membership = _membership(user, row.organisation_id) if user is not None and row is not None else None
    if row is not None and (user is None or not user.active or membership is None):
        session.delete(row)
        row = None
    session.commit()  # the last-seen time, or the end of a session that lost its user or membership
    if row is None or membership is None or user is None:
        raise LoginRequired
    return Viewer(user, membership.organisation, membership.role)


CurrentUser = Annotated[Viewer, Depends(current_viewer)]


def api_caller(request: Request, session: SessionDep) -> Viewer:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    organisation = (organisation_of_token(session, token.strip(), now(request))
                    if scheme.lower() == "bearer" and token else None)
    session.commit()  # last use of the token
    if organisation is None:
        raise HTTPException(401, "a valid API token is needed: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    return Viewer(None, organisation, "manager")


ApiCaller = Annotated[Viewer, Depends(api_caller)]


async def check_csrf(request: Request) -> None:
    form = await request.form()
    if not csrf_valid(request, form.get(CSRF_FIELD)):
        raise HTTPException(403, "the form's security token is missing or stale; reload the page and try again")


CsrfChecked = Depends(check_csrf)


def contract_or_404(session: Session, viewer: Viewer, contract_id: str) -> Access:
    access = contract_access(session, viewer.organisation, contract_id, viewer.role)
    if access is None:
        raise HTTPException(404, "no such contract")
    return access


def data_dir(settings: WebSettings) -> Path:
    return settings.data_dir


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
