"""The session cookie, CSRF tokens and the security headers of every response.

Session cookie (issue 17): ``charte_session`` holds a random token and nothing else — no user id, no
organisation, nothing derived from the password. A visitor who is not signed in gets a token
starting with ``a`` that names no row; at sign-in the server opens a session in the database
(:mod:`charte.store.sessions`) and sends a NEW token starting with ``s``, whose SHA-256 finds the row;
signing out deletes the row and sends a fresh anonymous token. The cookie is ``HttpOnly``,
``SameSite=Lax`` and, behind TLS (``CHARTE_COOKIE_SECURE``), ``Secure``. The chosen language is a
separate, harmless ``charte_lang`` cookie.

CSRF (OWASP "signed double-submit cookie"): the form token is an HMAC, under the server's secret key,
of the session token; every state-changing form posts it back in ``csrf_token`` and the server
recomputes and compares in constant time. It changes at sign-in and sign-out with the token, and
every worker computes the same one (the secret key is shared, hence required in production).

Headers: ``Cache-Control: no-store`` on every response but the static files (pages and downloads
of a signed-in user must not stay in a shared or browser cache), ``Strict-Transport-Security`` when
cookies are secure, and the content-security headers. A public answer that depends on no session (the
register of members, :func:`public_answer`) sets no cookie and keeps its own ``Cache-Control``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "charte_session"
LANGUAGE_COOKIE = "charte_lang"
ANONYMOUS = "a"
_TOKEN = re.compile(r"[as][A-Za-z0-9_-]{43}")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
     b"form-action 'self'; base-uri 'none'"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")


def anonymous_token() -> str:
    return ANONYMOUS + secrets.token_urlsafe(32)


@dataclass
class CookieSession:
    """The session token of this request and the language cookie; routes change them, the middleware sends them."""

    token: str
    language: str | None = None
    send_token: bool = False
    send_language: bool = False
    public: bool = False  # the answer is the same for everybody: no cookie sent, its own caching kept

    def replace(self, token: str) -> None:
        """A new token (sign-in, sign-out): the old one no longer names anything."""
        self.token = token
        self.send_token = True

    def choose_language(self, code: str) -> None:
        self.language = code
        self.send_language = True


def cookie_session(connection: HTTPConnection) -> CookieSession:
    session: CookieSession = connection.scope["charte.session"]
    return session


def public_answer(connection: HTTPConnection) -> None:
    """This request's answer reads no session and is the same for every visitor (the public register): the
    middleware sends it without cookies and with the ``Cache-Control`` the route chose."""
    cookie_session(connection).public = True


def csrf_token(connection: HTTPConnection) -> str:
    key: bytes = connection.app.state.csrf_key
    token = cookie_session(connection).token
    return hmac.new(key, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def csrf_valid(connection: HTTPConnection, submitted: object) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(csrf_token(connection), submitted)


def _cookie(name: str, value: str, *, secure: bool, http_only: bool, max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


class SessionCookies:
    """Pure ASGI middleware: reads the two cookies into ``scope["charte.session"]``, sends them back when they
    changed (or when the visitor had no valid token), and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, *, secure: bool, languages: tuple[str, ...]) -> None:
        self.app = app
        self.secure = secure
        self.languages = languages

    def _read(self, scope: Scope) -> CookieSession:
        header = next((v for k, v in scope.get("headers", []) if k == b"cookie"), b"")
        cookies: dict[str, Any] = cookie_parser(header.decode("latin-1")) if header else {}
        token = str(cookies.get(SESSION_COOKIE, ""))
        language = str(cookies.get(LANGUAGE_COOKIE, ""))
        session = CookieSession(token, language if language in self.languages else None)
        if not _TOKEN.fullmatch(token):
            session.replace(anonymous_token())
        return session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._read(scope)
        scope["charte.session"] = session
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                if not static and not session.public:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"] + [NO_STORE]
                if self.secure:
                    headers.append(HSTS)
                if session.send_token and not static and not session.public:
                    headers.append((b"set-cookie", _cookie(SESSION_COOKIE, session.token, secure=self.secure,
                                                           http_only=True)))
                if session.send_language and session.language and not session.public:
                    headers.append((b"set-cookie", _cookie(LANGUAGE_COOKIE, session.language, secure=self.secure,
                                                           http_only=True, max_age=365 * 86400)))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
