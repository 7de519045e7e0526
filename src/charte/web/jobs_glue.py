"""The job board's glue to the application: the clock, the candidate's session cookie, the forms' security
token, e-mail, rate limits and rendering — in one small module on the application's own mechanisms.

- **Clock**: the application's ``app.state.clock`` (tests freeze it); days are taken in Europe/Paris.
- **Forms' security token**: the application's CSRF token (:func:`charte.web.security.csrf_token`, an HMAC of
  the ``charte_session`` token); a candidate's sign-in and sign-out also renew that token.
- **Candidate session**: the ``charte_candidate`` cookie holds a random token; its SHA-256 names a row of
  ``job_candidate_session`` (:mod:`charte.store.job_candidates`), ending with the members' idle and absolute
  timeouts (``CHARTE_SESSION_IDLE_SECONDS``, ``CHARTE_SESSION_MAX_SECONDS``). ``HttpOnly``, ``SameSite=Lax``, ``Secure``
  behind TLS (``CHARTE_COOKIE_SECURE``), limited to ``/emplois``.
- **E-mail**: the application's mailer (``app.state.mailer``, :class:`charte.web.mail.Mailer` on the SMTP server
  of ``CHARTE_SMTP_URL``, shared with the invitations). Without one nothing is sent: the message goes to the
  server's log (logger ``charte.mail``) and the page says so; a server refusing it is logged, and the page says
  the message was not sent.
- **Sign-in**: throttled by the application's shared counters (:mod:`charte.store.throttle`, rows of the
  database, so every worker sees them), on keys of their own (``jobs:<e-mail>``, ``jobs:<address>``): the
  candidates' failures and the members' do not spend each other's budget.
- **Rate limits** on account creation, applications and reports, per client address and per candidate:
  :data:`LIMITS`, counted in the same shared rows (:func:`charte.store.throttle.spend`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from charte.jobs.communes import Communes, communes
from charte.jobs.reference_jobs import ReferenceJobs, reference_jobs
from charte.store.job_candidates import find_session
from charte.store.job_rows import JobCandidateRow
from charte.store.throttle import login_failed, login_succeeded, spend, wait_before_login
from charte.web.deps import SessionDep, timeouts
from charte.web.i18n import Language
from charte.web.mail import Mailer, MailError
from charte.web.pages import render as app_render
from charte.web.security import ANONYMOUS, anonymous_token, cookie_session, csrf_token

PARIS: Final = ZoneInfo("Europe/Paris")
CANDIDATE_COOKIE: Final = "charte_candidate"
LOG = logging.getLogger("charte.mail")
#: name → (requests, window in seconds): account creation per address, applications per candidate and per address.
LIMITS: Final[dict[str, tuple[int, float]]] = {
    "register": (5, 3600.0), "apply": (20, 86400.0), "apply_address": (60, 86400.0), "report": (10, 86400.0)}


class CandidateRequired(Exception):  # noqa: N818  (a signal: redirect to the candidates' sign-in)
    """No signed-in candidate."""


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def today(request: Request) -> date:
    return now(request).astimezone(PARIS).date()


def places() -> Communes:
    return communes()


def jobs() -> ReferenceJobs:
    return reference_jobs()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def form_token(request: Request) -> str:
    return csrf_token(request)


def render(request: Request, lang: Language, template: str, viewer: Any = None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    return app_render(request, lang, template, viewer, status_code,
                      candidate=getattr(request.state, "candidate", None), **context)


# ---------------------------------------------------------------- the candidate's session

def _candidate(request: Request, db: Session) -> JobCandidateRow | None:
    token = request.cookies.get(CANDIDATE_COOKIE, "")
    found = find_session(db, token, now(request), timeouts(request.app.state.settings)) if token else None
    db.commit()  # the session's new end, or its deletion
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


def _renew_anonymous_token(request: Request) -> None:
    """A visitor who is not signed in as a member gets a new ``charte_session`` token (hence a new form token);
    a member's own session is left alone."""
    session = cookie_session(request)
    if session.token.startswith(ANONYMOUS):
        session.replace(anonymous_token())


def set_candidate_cookie(request: Request, response: Response, token: str) -> None:
    _renew_anonymous_token(request)  # a new form token with the new candidate session
    response.set_cookie(CANDIDATE_COOKIE, token, httponly=True, samesite="lax", path="/emplois",
                        secure=request.app.state.settings.cookie_secure)


def clear_candidate_cookie(request: Request, response: Response) -> None:
    _renew_anonymous_token(request)
    response.delete_cookie(CANDIDATE_COOKIE, path="/emplois", httponly=True, samesite="lax",
                           secure=request.app.state.settings.cookie_secure)


# ---------------------------------------------------------------- rate limits

def limited(request: Request, db: Session, name: str, key: str) -> int:
    """0 and the request counted when allowed, else the seconds to wait before trying again. The limits are
    :data:`LIMITS` unless the application sets its own (``app.state.jobs_limits``); the counters are shared rows
    (:func:`charte.store.throttle.spend`), committed here."""
    limits: dict[str, tuple[int, float]] = getattr(request.app.state, "jobs_limits", LIMITS)
    count, window = limits[name]
    wait = spend(db, f"jobs-{name}:{key}"[:400], count, timedelta(seconds=window), now(request))
    db.commit()
    return math.ceil(wait.total_seconds())


def refuse_if_limited(request: Request, db: Session, name: str, key: str) -> None:
    wait = limited(request, db, name, key)
    if wait:
        raise HTTPException(429, "too many requests; try again later", headers={"Retry-After": str(wait)})


def sign_in_wait(request: Request, db: Session, email: str) -> None:
    """429 while the application's shared sign-in counters delay this address or this candidate account."""
    wait = wait_before_login(db, f"jobs:{email}", f"jobs:{client_address(request)}", now(request))
    if wait:
        raise HTTPException(429, "too many failed sign-ins; try again later",
                            headers={"Retry-After": str(math.ceil(wait.total_seconds()))})


def sign_in_result(request: Request, db: Session, email: str, succeeded: bool) -> None:
    (login_succeeded if succeeded else login_failed)(db, f"jobs:{email}", f"jobs:{client_address(request)}",
                                                     now(request))
    db.commit()


# ---------------------------------------------------------------- e-mail

def public_base(request: Request) -> str:
    public: str = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


def send_mail(request: Request, to: str, subject: str, body: str) -> bool:
    """Send an e-mail; ``False`` when no mail server is configured or it refused the message (both logged)."""
    mailer: Mailer = request.app.state.mailer
    try:
        return bool(mailer.send(to, subject, body))
    except MailError as error:
        LOG.error("message to %s not sent: %s", to, error)
        return False


def shows_links_without_mail(request: Request) -> bool:
    """Without a mail server, a demonstration shows the e-mail's link on the page; production never does."""
    return not bool(getattr(request.app.state.settings, "production", False))
