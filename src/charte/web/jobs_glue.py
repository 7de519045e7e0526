"""The job board's glue to the application: the clock, the candidate's session cookie, the forms' security
token, e-mail, rate limits and rendering — in one small module, so that the application's own mechanisms
(server-side sessions, shared throttling, its mailer) replace these in one place.

- **Clock**: ``app.state.clock`` when the application has one (tests freeze it), else the system clock; days
  are taken in Europe/Paris.
- **Candidate session**: the ``charte_candidate`` cookie holds a random token; its SHA-256 names a row of
  ``job_candidate_session`` (:mod:`charte.store.job_candidates`). ``HttpOnly``, ``SameSite=Lax``, ``Secure``
  behind TLS (``CHARTE_COOKIE_SECURE``), limited to ``/emplois``.
- **E-mail**: ``app.state.mailer`` when set (anything with ``send(to, subject, body) -> bool``), else the SMTP
  server of ``CHARTE_SMTP_URL`` (``smtp://user:password@host:587?starttls=true&from=emplois@example.fr``,
  ``smtps://…:465``). Without one nothing is sent: the message goes to the server's log (logger
  ``charte.mail``) and the page says so.
- **Rate limits**: sliding windows per client address and per candidate (the register's in-process limiter,
  :class:`charte.web.register_views.AddressLimit`): :data:`LIMITS`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Annotated, Any, Final
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from charte.jobs.communes import Communes, communes
from charte.jobs.reference_jobs import ReferenceJobs, reference_jobs
from charte.store.job_candidates import find_session
from charte.store.job_rows import JobCandidateRow
from charte.web.deps import SessionDep
from charte.web.i18n import Language
from charte.web.pages import render as app_render
from charte.web.register_views import AddressLimit
from charte.web.security import csrf_token

PARIS: Final = ZoneInfo("Europe/Paris")
CANDIDATE_COOKIE: Final = "charte_candidate"
LOG = logging.getLogger("charte.mail")
#: name → (requests, window in seconds): account creation per address, applications per candidate and per address.
LIMITS: Final[dict[str, tuple[int, float]]] = {
    "register": (5, 3600.0), "apply": (20, 86400.0), "apply_address": (60, 86400.0), "sign_in": (10, 900.0),
    "report": (10, 86400.0)}


class CandidateRequired(Exception):  # noqa: N818  (a signal: redirect to the candidates' sign-in)
    """No signed-in candidate."""


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def today(request: Request) -> date:
    return now(request).astimezone(PARIS).date()


def places() -> Communes:
    return communes()


def jobs() -> ReferenceJobs:
    return reference_jobs()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def form_token(request: Request) -> str:
    return csrf_token(request.session)


def render(request: Request, lang: Language, template: str, viewer: Any = None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    return app_render(request, lang, template, viewer, status_code,
                      candidate=getattr(request.state, "candidate", None), **context)


# ---------------------------------------------------------------- the candidate's session

def _candidate(request: Request, db: Session) -> JobCandidateRow | None:
    token = request.cookies.get(CANDIDATE_COOKIE, "")
    found = find_session(db, token, now(request)) if token else None
    request.state.candidate = found
    return found


def optional_candidate(request: Request, db: SessionDep) -> JobCandidateRow | None:
    return _candidate(request, db)


def required_candidate(request: Request, db: SessionDep) -> JobCandidateRow:
    found = _candidate(request, db)
    if found is None:
        raise CandidateRequired
    return found


MaybeCandidate = Annotated[JobCandidateRow | None, Depends(optional_candidate)]
Candidate = Annotated[JobCandidateRow, Depends(required_candidate)]


def set_candidate_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(CANDIDATE_COOKIE, token, httponly=True, samesite="lax", path="/emplois",
                        secure=request.app.state.settings.cookie_secure)


def clear_candidate_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(CANDIDATE_COOKIE, path="/emplois", httponly=True, samesite="lax",
                           secure=request.app.state.settings.cookie_secure)


# ---------------------------------------------------------------- rate limits

def limited(request: Request, name: str, key: str) -> int:
    """0 and the request counted when allowed, else the seconds to wait before trying again."""
    limits: dict[str, AddressLimit] | None = getattr(request.app.state, "jobs_limits", None)
    if limits is None:
        limits = request.app.state.jobs_limits = {}
    if name not in limits:
        count, window = LIMITS[name]
        clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
        limits[name] = AddressLimit(count, window, (lambda: clock().timestamp()) if clock else _monotonic)
    return limits[name].retry_after(key)


def _monotonic() -> float:
    import time

    return time.monotonic()


def refuse_if_limited(request: Request, name: str, key: str) -> None:
    wait = limited(request, name, key)
    if wait:
        raise HTTPException(429, "too many requests; try again later", headers={"Retry-After": str(wait)})


# ---------------------------------------------------------------- e-mail

def public_base(request: Request) -> str:
    public: str = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


def send_mail(request: Request, to: str, subject: str, body: str) -> bool:
    """Send an e-mail; ``False`` when no mail server is configured (the message went to the log)."""
    mailer = getattr(request.app.state, "mailer", None)
    if mailer is not None:
        return bool(mailer.send(to, subject, body))
    return _smtp_send(request.app.state.settings.smtp_url, to, subject, body)


def _smtp_send(url: str, to: str, subject: str, body: str) -> bool:
    if not url:
        LOG.warning("no CHARTE_SMTP_URL: message to %s not sent; subject %r\n%s", to, subject, body)
        return False
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise HTTPException(500, "CHARTE_SMTP_URL: expected smtp://host[:port] or smtps://host[:port]")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    message = EmailMessage()
    message["From"] = options.get("from", f"charte@{parts.hostname}")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    context = ssl.create_default_context()
    try:
        client = (smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context, timeout=20)
                  if parts.scheme == "smtps" else smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20))
        with client:
            if parts.scheme == "smtp" and options.get("starttls", "").lower() in ("1", "true", "yes"):
                client.starttls(context=context)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        LOG.error("the SMTP server %s did not take the message to %s: %s", parts.hostname, to, error)
        return False
    return True


def shows_links_without_mail(request: Request) -> bool:
    """Without a mail server, a demonstration shows the e-mail's link on the page; production never does."""
    return not bool(getattr(request.app.state.settings, "production", False))
