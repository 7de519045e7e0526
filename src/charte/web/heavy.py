"""Heavy work beside the event loop, and downloads built for one request.

CPU work — reading a contract, settling a month, building an export — never runs on the event loop:
routes that do it are plain ``def`` functions (FastAPI runs them in its thread pool) or hand it to
:func:`off_loop`. On top of that, :func:`heavy` lets at most ``CHARTE_HEAVY_SLOTS`` of them run at once
per worker: the others wait (up to ``CHARTE_HEAVY_WAIT_SECONDS``, then 503 with ``Retry-After``), so
a burst of settlements or exports never takes every thread and sign-ins and pages keep their own; a request
waiting for a slot holds no database connection.

:func:`download` answers with bytes built for this request only. A file shared between requests
(the barometer was written to one path and streamed from it) is corrupted when two requests write it
at once; a buffer per request cannot be.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from charte.store.database import release_connection

P = ParamSpec("P")
T = TypeVar("T")


class HeavySlots:
    def __init__(self, slots: int, wait_seconds: float) -> None:
        self._semaphore = threading.BoundedSemaphore(max(1, slots))
        self.wait_seconds = wait_seconds

    @contextmanager
    def slot(self, before_waiting: Callable[[], object] | None = None) -> Iterator[None]:
        """Hold a slot for the block; when none is free, call ``before_waiting`` (which lets go of what the caller
        must not hold while it waits: its database connection) and wait for one."""
        if not self._semaphore.acquire(blocking=False):
            if before_waiting is not None:
                before_waiting()
            if not self._semaphore.acquire(timeout=self.wait_seconds):
                raise HTTPException(503, "the server is busy with other settlements and exports; try again in a "
                                         "minute", headers={"Retry-After": "30"})
        try:
            yield
        finally:
            self._semaphore.release()


@contextmanager
def heavy(request: Request) -> Iterator[None]:
    """Hold one of the worker's heavy-work slots for the block (call it from a thread, never the loop).

    A request that has to wait for a slot first gives its database connection back to the pool when its
    transaction only read (:func:`charte.store.database.release_connection`): a queue of settlements or exports
    never holds the connections the pages need."""
    slots: HeavySlots = request.app.state.heavy
    session: Session | None = getattr(request.state, "db_session", None)
    with slots.slot(None if session is None else lambda: release_connection(session)):
        yield


async def off_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``function`` in the thread pool and wait for it without blocking the event loop."""
    return await run_in_threadpool(function, *args, **kwargs)


def download(content: bytes, filename: str, media_type: str) -> Response:
    """An attachment built for this request (its length is that of these bytes), never cached."""
    disposition = f"attachment; filename=\"{filename.encode('ascii', 'replace').decode()}\"; " \
                  f"filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})
