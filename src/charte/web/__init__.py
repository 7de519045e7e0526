"""The web application (FastAPI, server-rendered pages in French and English, a JSON API).

``create_app(WebSettings(...))`` returns the ASGI application; ``charte serve`` runs it with the
demo loaded. Providers, clients, the trade body, mediators and administrators share one server;
each organisation sees only its own contracts (:mod:`charte.store.tenancy`).
"""

from __future__ import annotations

from charte.web.app import create_app
from charte.web.config import WebSettings

__all__ = ["WebSettings", "create_app"]
