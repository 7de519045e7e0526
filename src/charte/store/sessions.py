"""Signed-in sessions kept in the database, so every worker sees them and any of them can end them.

The browser's cookie holds only a random token (``secrets.token_urlsafe(32)``, 256 bits): no user id,
no organisation, nothing derived from the password. The row is found by the token's SHA-256. A
session ends when it is idle longer than its idle timeout, at its absolute end whatever the
activity, or when its row is deleted: logout, password change (the user's other sessions), member
removed from the organisation, account disabled, "sign out everywhere" (OWASP Session Management
Cheat Sheet: server-side state, idle and absolute timeouts, renewal at sign-in).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from charte.store.models import OrganisationRow, UserRow, WebSessionRow

#: The last-seen time is written at most this often (a page view is not a database write).
TOUCH_EVERY = timedelta(seconds=60)
#: Tokens of signed-in sessions start with this letter; the cookie of a visitor who is not signed in
#: starts with another one, so no database lookup is made for it.
SIGNED_IN = "s"


def _aware(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionTimeouts:
    idle: timedelta
    absolute: timedelta


def open_session(db: Session, user: UserRow, organisation: OrganisationRow, timeouts: SessionTimeouts, now: datetime,
                 client_address: str = "", user_agent: str = "") -> str:
    """A new session for ``user`` acting for ``organisation``; returns the cookie's token (shown once)."""
    token = SIGNED_IN + secrets.token_urlsafe(32)
    db.add(WebSessionRow(id=token_digest(token), user_id=user.id, organisation_id=organisation.id, created_at=now,
                         last_seen_at=now, expires_at=now + timeouts.absolute, client_address=client_address[:64],
                         user_agent=user_agent[:200]))
    db.flush()
    return token


def find_session(db: Session, token: str, timeouts: SessionTimeouts, now: datetime) -> WebSessionRow | None:
    """The live session of this cookie token, its last-seen time refreshed; ``None`` (and the row deleted) when
    it is unknown, idle too long or past its absolute end."""
    if not token.startswith(SIGNED_IN):
        return None
    row = db.get(WebSessionRow, token_digest(token))
    if row is None:
        return None
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) >= timeouts.idle:
        db.delete(row)
        db.flush()
        return None
    if now - _aware(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        db.flush()
    return row


def close_session(db: Session, token: str) -> None:
    db.execute(delete(WebSessionRow).where(WebSessionRow.id == token_digest(token)))


def close_sessions_of(db: Session, user_id: str, *, keep_token: str | None = None,
                      organisation_id: str | None = None) -> int:
    """End the user's sessions (all, or those acting for one organisation), except the one of ``keep_token``."""
    query = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
    if keep_token is not None:
        query = query.where(WebSessionRow.id != token_digest(keep_token))
    if organisation_id is not None:
        query = query.where(WebSessionRow.organisation_id == organisation_id)
    return int(db.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def sessions_of(db: Session, user_id: str) -> list[WebSessionRow]:
    return list(db.scalars(select(WebSessionRow).where(WebSessionRow.user_id == user_id)
                           .order_by(WebSessionRow.last_seen_at.desc())))


def purge_expired(db: Session, timeouts: SessionTimeouts, now: datetime) -> int:
    """Delete the rows of sessions that ended by themselves."""
    query = delete(WebSessionRow).where((WebSessionRow.expires_at <= now)
                                        | (WebSessionRow.last_seen_at <= now - timeouts.idle))
    return int(db.execute(query).rowcount or 0)  # type: ignore[attr-defined]
