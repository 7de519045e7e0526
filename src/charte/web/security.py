"""Session-bound CSRF tokens and login throttling.

CSRF (OWASP "synchronizer token"): each session holds a random token; every state-changing form
posts it back in ``csrf_token`` and the server compares in constant time. The session cookie is
also ``SameSite=Lax`` and ``HttpOnly``.

Throttling: after ``max_failures`` failed logins for one e-mail, or from one client address, within
``window_seconds``, further attempts are refused (HTTP 429) until the window passes. The clock is
injectable so tests need no sleeping.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable, MutableMapping
from typing import Any

CSRF_FIELD = "csrf_token"


def csrf_token(session: MutableMapping[str, Any]) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(session: MutableMapping[str, Any], submitted: object) -> bool:
    expected = session.get("csrf")
    return isinstance(expected, str) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


class LoginThrottle:
    """Sliding-window counter of failed logins by key (e-mail, client address)."""

    def __init__(self, max_failures: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        queue = self._failures[key]
        limit = self.clock() - self.window
        while queue and queue[0] <= limit:
            queue.popleft()
        return queue

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(k)) >= self.max_failures for k in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
