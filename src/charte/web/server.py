"""The application as each worker process of ``charte serve --workers N`` builds it, from the environment.

uvicorn starts N processes that each import this module and call :func:`app` (``factory=True``). Every
worker reads the same ``CHARTE_*`` settings, so they share the database (sessions, throttling,
invitations: all rows) and the storage folder; the CSRF key derives from the shared
``CHARTE_SECRET_KEY``.
"""

from __future__ import annotations

from fastapi import FastAPI

from charte.web.app import create_app
from charte.web.config import WebSettings


def app(settings: WebSettings | None = None) -> FastAPI:
    """The production application (``charte serve`` without ``--demo``): refuses to start without a secret key."""
    return create_app(settings or WebSettings(production=True))
