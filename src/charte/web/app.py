"""The application factory: settings, database (migrated at start-up), sessions, pages and API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charte.store import make_engine, migrate, session_factory
from charte.web import api, observatory_views, pages, register_views
from charte.web.config import WebSettings
from charte.web.deps import LoginRequired
from charte.web.i18n import language
from charte.web.security import LoginThrottle, csrf_token

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
]


class SecurityHeaders:
    """Adds the headers above to every response (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: WebSettings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The web application; the database is migrated to the latest schema before it serves."""
    settings = settings or WebSettings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.effective_database_url())
    migrate(engine)
    app = FastAPI(title="charte", version="0.1.0", openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  description="Contracts, facts and settlements of contact-center outsourcing contracts "
                              "(SP2C charters). Authenticate with `Authorization: Bearer <token>`.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    app.state.templates = Environment(loader=PackageLoader("charte.web", "templates"),
                                      autoescape=select_autoescape(["html"]))
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="charte_session",
                       max_age=settings.session_max_age_seconds, same_site="lax", https_only=settings.cookie_secure)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("charte.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(observatory_views.router)
    app.include_router(register_views.router)
    app.include_router(register_views.api_router)
    app.state.register_limit = register_views.AddressLimit()

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "authentication needed"}, status_code=401)
        return RedirectResponse("/login", 303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        return _error_page(request, error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _jsonable(error.errors())}, status_code=422)
        return _error_page(request, 422, "the form is incomplete or malformed")

    return app


def _jsonable(errors: Any) -> Any:
    return [{k: (v if isinstance(v, (str, int, float, list, type(None))) else str(v)) for k, v in e.items()}
            for e in errors]


def _error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    lang = language(request.session.get("lang"), request.app.state.settings.default_language)
    html = request.app.state.templates.get_template("error.html").render(
        _=lang.gettext, lang=lang, viewer=None, status=status, detail=detail, csrf=csrf_token(request.session),
        path=request.url.path, languages=("fr", "en"))
    return HTMLResponse(html, status_code=status)
