"""The application factory: settings, database (migrated at start-up), sessions, pages and API."""

from __future__ import annotations

import hashlib
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from charte.store import make_engine, migrate, session_factory
from charte.store.database import PoolSize
from charte.web import (
    account_pages,
    admin_pages,
    api,
    dispute_api,
    dispute_pages,
    jobs_routes,
    observatory_views,
    pages,
    register_views,
)
from charte.web.config import WebSettings
from charte.web.deps import LoginRequired, current_language, current_viewer
from charte.web.heavy import HeavySlots
from charte.web.i18n import LANGUAGES
from charte.web.mail import Mailer
from charte.web.security import SessionCookies, cookie_session, csrf_token

#: How long a thread computing (an export, a contract check) keeps the interpreter before a page's thread may
#: take it. A page's thread gives the interpreter up at each database query and waits to get it back: with the
#: default 5 ms, twenty queries behind one export cost a page 100 ms; 1 ms keeps that wait small (measured: a
#: page beside two computing threads took 23–30 ms at 5 ms, 12–14 ms at 0.5 ms; 3–5 ms alone).
SWITCH_INTERVAL_SECONDS = 0.001


def create_app(settings: WebSettings | None = None, *, engine: Engine | None = None,
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The web application; the database is migrated to the latest schema before it serves. In production
    (``settings.production``) it refuses to start without a secret key (:meth:`WebSettings.check_production`)."""
    settings = settings or WebSettings()
    settings.check_production()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.effective_database_url(),
                                   PoolSize.for_threads(settings.threads, settings.heavy_wait_seconds))
    migrate(engine)
    threads = settings.threads

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # the thread pool the connection pool is sized for (PoolSize): sync routes and heavy work run there
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        yield

    app = FastAPI(title="charte", version="0.1.0", openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Contracts, facts and settlements of contact-center outsourcing contracts "
                              "(SP2C charters). Authenticate with `Authorization: Bearer <token>`.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = clock or (lambda: datetime.now(UTC))
    secret = settings.secret_key or secrets.token_urlsafe(32)
    app.state.csrf_key = hashlib.sha256(b"charte csrf\0" + secret.encode()).digest()
    app.state.heavy = HeavySlots(settings.heavy_slots, settings.heavy_wait_seconds)
    app.state.mailer = Mailer(settings.smtp_url)
    app.state.templates = Environment(loader=PackageLoader("charte.web", "templates"),
                                      autoescape=select_autoescape(["html"]))
    app.add_middleware(SessionCookies, secure=settings.cookie_secure, languages=LANGUAGES)
    app.mount("/static", StaticFiles(packages=[("charte.web", "static")]), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        """Browsers ask for /favicon.ico whatever the page says: the same SVG icon as the pages' ``<link>``."""
        icon = resources.files("charte.web").joinpath("static", "favicon.svg").read_bytes()
        return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
    app.include_router(account_pages.router)
    app.include_router(pages.router)
    app.include_router(admin_pages.router)
    app.include_router(api.router)
    app.include_router(observatory_views.router)
    app.include_router(register_views.router)
    app.include_router(register_views.api_router)
    app.state.register_limit = register_views.AddressLimit()
    app.include_router(dispute_pages.router)  # issue 16
    app.include_router(dispute_api.router)
    jobs_routes.include(app)  # issue 22: the job board

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "authentication needed"}, status_code=401)
        return RedirectResponse("/login", 303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        # the page reads who is signed in from the database: in a thread, never on the event loop
        return await run_in_threadpool(_error_page, request, error.status_code, str(error.detail), error.headers)

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, _: PoolTimeout) -> Response:
        """Every database connection stayed busy for the whole wait (the pool is sized for the thread pool, so
        this is an overload, not a fault): try again, never a 500."""
        detail, headers = "the server is busy; try again in a minute", {"Retry-After": "30"}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail}, status_code=503, headers=headers)
        return _error_page(request, 503, detail, headers, signed_in=False)  # no connection to read who asks

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _jsonable(error.errors())}, status_code=422)
        return await run_in_threadpool(_error_page, request, 422, "the form is incomplete or malformed")

    return app


def _jsonable(errors: Any) -> Any:
    return [{k: (v if isinstance(v, (str, int, float, list, type(None))) else str(v)) for k, v in e.items()}
            for e in errors]


def _error_page(request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None, *,
                signed_in: bool = True) -> HTMLResponse:
    """The error page in the reader's language, with the signed-in header (navigation, who, sign out) kept
    (``signed_in=False``: without it, when no database connection is to be had)."""
    lang = current_language(request)

    def page(viewer: Any) -> HTMLResponse:
        html = request.app.state.templates.get_template("error.html").render(
            _=lang.gettext, lang=lang, viewer=viewer, status=status, detail=lang.gettext(detail),
            csrf=csrf_token(request), path=request.url.path, languages=LANGUAGES)
        return HTMLResponse(html, status_code=status, headers=headers)

    if not signed_in or not cookie_session(request).token:
        return page(None)
    with request.app.state.sessions() as session:
        try:
            viewer = current_viewer(request, session)
        except LoginRequired:
            viewer = None
        return page(viewer)
