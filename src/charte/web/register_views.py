"""The public register of members, without login: ``/registre`` (pages) and ``/api/public/members`` (JSON).

Anyone searches by SIREN, SIRET or name (bounded and escaped input: :func:`charte.observatory.register.search`),
opens a member's page — legal name, SIREN, member since, sites' regions and countries, functions, labels with
issuer and validity (expired ones shown as expired, computed on the day), its signature of the 2019 charter —
with a JSON-LD block (schema.org ``Organization`` with ``hasCredential``) and a QR code (SVG, ``segno``) a
member prints on its documents, resolving to that page. A company that is not a member gets a plain "not a
member" page (HTTP 200), never an error.

Answers are cacheable (``Cache-Control: public``, strong ``ETag`` of the body, 304 on ``If-None-Match``) and never
touch the visitor's session (no cookie is set). Each client address gets :data:`REQUESTS_PER_MINUTE` requests a
minute (HTTP 429 with ``Retry-After`` beyond): an in-process sliding window, small and replaceable by the
application's shared throttling.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from charte.observatory.members import MemberRegistry
from charte.observatory.register import MAX_QUERY, NotAMember, json_ld, lookup, public_changes, search
from charte.web.deps import LanguageDep
from charte.web.i18n import LANGUAGES, Language
from charte.web.security import public_answer

REQUESTS_PER_MINUTE: Final = 60
MAX_AGE: Final = 300
TRADE_BODY: Final = "SP2C — Syndicat des Professionnels des Centres de Contact"

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/public", tags=["public register"])


class AddressLimit:
    """At most ``limit`` requests per ``window`` seconds from one client address (sliding window)."""

    def __init__(self, limit: int = REQUESTS_PER_MINUTE, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, address: str) -> int:
        """0 and the request counted when allowed; else the seconds to wait."""
        now = self.clock()
        seen = self._seen[address]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(1, int(seen[0] + self.window - now) + 1)
        seen.append(now)
        return 0


def _limited(request: Request) -> None:
    public_answer(request)  # no cookie, its own Cache-Control (charte.web.security)
    limit: AddressLimit = request.app.state.register_limit
    wait = limit.retry_after(request.client.host if request.client else "unknown")
    if wait:
        raise HTTPException(429, "too many requests to the public register; try again shortly",
                            headers={"Retry-After": str(wait)})


Limited = Depends(_limited)


def register_day(request: Request) -> date:
    """Today in Europe/Paris (the day labels are judged on); the application may set ``state.register_today``."""
    today: Callable[[], date] | None = getattr(request.app.state, "register_today", None)
    return today() if today else datetime.now(ZoneInfo("Europe/Paris")).date()


Day = Annotated[date, Depends(register_day)]


def _folder(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "observatory"


def _registry(request: Request) -> MemberRegistry:
    """The registry, re-read only when ``members.json`` changed."""
    path = _folder(request) / MemberRegistry.FILE
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    cached = getattr(request.app.state, "register_cache", None)
    if cached is None or cached[0] != stamp:
        cached = (stamp, MemberRegistry.load(_folder(request)))
        request.app.state.register_cache = cached
    registry: MemberRegistry = cached[1]
    return registry


def _cached(request: Request, body: bytes, media_type: str) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Cookie"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _page(request: Request, lang: Language, template: str, **context: Any) -> Response:
    html = request.app.state.templates.get_template(template).render(
        _=lang.gettext, lang=lang, viewer=None, csrf="", path=request.url.path, languages=LANGUAGES,
        max_query=MAX_QUERY, **context)
    return _cached(request, html.encode("utf-8"), "text/html; charset=utf-8")


def _base_url(request: Request) -> str:
    public: str = request.app.state.settings.public_url
    return (public or str(request.base_url)).rstrip("/")


@router.get("/registre", dependencies=[Limited])
def register_search(request: Request, day: Day, lang: LanguageDep,
                    q: Annotated[str, Query(max_length=1000)] = "") -> Response:
    found = search(_registry(request), q, day)
    return _page(request, lang, "registre.html", search=found, day=day)


@router.get("/registre/{siren}", dependencies=[Limited])
def register_member(request: Request, day: Day, lang: LanguageDep, siren: str) -> Response:
    digits = siren.replace(" ", "")[:20]
    if not (digits.isdigit() and len(digits) == 9):
        return _page(request, lang, "registre.html", search=search(_registry(request), digits, day), day=day)
    answer = lookup(_registry(request), digits, day)
    if isinstance(answer, NotAMember):
        return _page(request, lang, "registre_member.html", entry=None, absent=answer, day=day)
    url = f"{_base_url(request)}/registre/{digits}"
    return _page(request, lang, "registre_member.html", entry=answer, absent=None, day=day, url=url,
                 json_ld=json_ld(answer, url, TRADE_BODY), changes=public_changes(_folder(request), digits, day))


@router.get("/registre/{siren}/qr.svg", dependencies=[Limited])
def register_qr(request: Request, day: Day, siren: str) -> Response:
    """The QR code of the member's register page, as SVG (404 for a company that is not a member)."""
    if not (siren.isdigit() and len(siren) == 9) or isinstance(lookup(_registry(request), siren, day), NotAMember):
        raise HTTPException(404, "not a member")
    out = io.BytesIO()
    segno.make(f"{_base_url(request)}/registre/{siren}", error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, title=f"{TRADE_BODY} — {siren}")
    return _cached(request, out.getvalue(), "image/svg+xml")


@api_router.get("/members", dependencies=[Limited])
def api_search(request: Request, day: Day, q: Annotated[str, Query(max_length=1000)] = "") -> Response:
    """Search the register by SIREN, SIRET or part of a name (at most 100 characters; 50 members at most)."""
    found = search(_registry(request), q, day)
    return _json(request, found.as_dict())


@api_router.get("/members/{siren}", dependencies=[Limited])
def api_member(request: Request, day: Day, siren: str) -> Response:
    """A member's public entry, or ``{"member": false}`` for a company that is not a member (HTTP 200)."""
    if not (siren.isdigit() and len(siren) == 9):
        return JSONResponse({"member": False, "siren": siren[:20], "problem": "invalid_siren"})
    return _json(request, lookup(_registry(request), siren, day).as_dict())


def _json(request: Request, doc: dict[str, Any]) -> Response:
    import json

    return _cached(request, json.dumps(doc, ensure_ascii=False).encode("utf-8"), "application/json")
