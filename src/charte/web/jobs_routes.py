"""The job board's routes, added to the application in one call (:func:`include`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from charte.web import jobs_candidates, jobs_members, jobs_public, jobs_trade
from charte.web.jobs_glue import CandidateRequired


def include(app: FastAPI) -> None:
    for module in (jobs_public, jobs_candidates, jobs_members, jobs_trade):
        app.include_router(module.router)

    @app.exception_handler(CandidateRequired)
    async def _sign_in(request: Request, _: CandidateRequired) -> Response:
        return RedirectResponse(f"/emplois/connexion?suite={request.url.path}", 303)
