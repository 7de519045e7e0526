"""Rendering a page: the template with the reader's language, the viewer and the form's CSRF token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from charte.web.i18n import LANGUAGES, Language
from charte.web.security import csrf_token


def render(request: Request, lang: Language, template: str, viewer: Any = None, status_code: int = 200,
           headers: Mapping[str, str] | None = None, **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(
        _=lang.gettext, lang=lang, viewer=viewer, csrf=csrf_token(request), path=request.url.path,
        languages=LANGUAGES, **context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
