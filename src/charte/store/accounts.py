"""Organisations, users, memberships and API tokens: creation and verification.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); API tokens are random
(``secrets.token_urlsafe``), shown once, and only their SHA-256 is stored, so a copy of the
database does not give access to the API.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from charte.domain.contract.parties import luhn_ok
from charte.store.models import (
    MEMBERSHIP_ROLES,
    ORGANISATION_KINDS,
    ApiTokenRow,
    AuditLogRow,
    MembershipRow,
    OrganisationRow,
    UserRow,
)

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so both paths cost the same time (made at first
    use: hashing at import would slow every command that imports the store)."""
    return _HASHER.hash("charte: no such user")


class AccountError(ValueError):
    """A request about accounts that cannot be done; ``code`` is a stable snake_case code."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def checked_siren(siren: str | None) -> str | None:
    """The SIREN without spaces, or ``None`` for none; :class:`AccountError` when it is not 9 digits with a valid
    check digit (INSEE's Luhn key)."""
    if siren is None or not siren.strip():
        return None
    compact = re.sub(r"[\s\u00a0]", "", siren)
    if not re.fullmatch(r"\d{9}", compact) or not luhn_ok(compact):
        raise AccountError("invalid_siren", f"SIREN {siren!r}: expected 9 digits whose last is the Luhn check digit")
    return compact


def create_organisation(session: Session, name: str, kind: str, siren: str | None = None) -> OrganisationRow:
    """A new organisation; providers and clients are known by their SIREN (one organisation per SIREN and kind)."""
    if kind not in ORGANISATION_KINDS:
        raise AccountError("unknown_organisation_kind",
                           f"kind {kind!r}: expected one of {', '.join(ORGANISATION_KINDS)}")
    name = name.strip()
    if not name:
        raise AccountError("missing_name", "the organisation needs a name")
    siren = checked_siren(siren)
    if siren is not None and session.scalar(select(OrganisationRow).where(
            OrganisationRow.siren == siren, OrganisationRow.kind == kind)) is not None:
        raise AccountError("siren_taken", f"a {kind} organisation with SIREN {siren} already exists")
    row = OrganisationRow(name=name[:200], kind=kind, siren=siren)
    session.add(row)
    session.flush()
    return row


#: NIST SP 800-63B §3.1.1.2: at least 8 characters chosen by the user (15 for single-factor is the newer advice;
#: 12 here), no composition rules, at most 64 characters accepted without truncation.
MIN_PASSWORD = 12
MAX_PASSWORD = 128


def check_new_password(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_too_short", f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_too_long", f"the password may have at most {MAX_PASSWORD} characters")
    if email and password.strip().lower() == email.strip().lower():
        raise AccountError("password_is_email", "the password may not be the e-mail address")


def create_user(session: Session, email: str, password: str, display_name: str = "") -> UserRow:
    email = email.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 254:
        raise AccountError("invalid_email", f"{email!r} is not an e-mail address")
    check_new_password(password, email)
    if session.scalar(select(UserRow).where(UserRow.email == email)) is not None:
        raise AccountError("email_taken", f"a user with the e-mail {email} already exists")
    row = UserRow(email=email, display_name=display_name or email, password_hash=hash_password(password))
    session.add(row)
    session.flush()
    return row


def add_member(session: Session, user: UserRow, organisation: OrganisationRow, role: str = "manager") -> MembershipRow:
    if role not in MEMBERSHIP_ROLES:
        raise AccountError("unknown_role", f"role {role!r}: expected one of {', '.join(MEMBERSHIP_ROLES)}")
    row = MembershipRow(user_id=user.id, organisation_id=organisation.id, role=role)
    session.add(row)
    session.flush()
    session.refresh(user)
    return row


def authenticate(session: Session, email: str, password: str) -> UserRow | None:
    """The active user with this e-mail and password, or ``None`` (same work either way)."""
    user = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    row: ApiTokenRow
    token: str  # shown once; only its SHA-256 is stored


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def issue_token(session: Session, organisation: OrganisationRow, label: str = "", *,
                valid_for: timedelta | None = timedelta(days=90), created_by: str | None = None,
                now: datetime | None = None) -> IssuedToken:
    """A new API token of the organisation, valid ``valid_for`` (``None``: until revoked; only for tests and
    the demo). Only a provider or a client has an API; the platform's administrators never get a token."""
    if organisation.kind == "admin":
        raise AccountError("admin_has_no_token", "the platform's administrators have no API token")
    issued_at = now or datetime.now(UTC)
    token = "ct_" + secrets.token_urlsafe(32)
    row = ApiTokenRow(organisation_id=organisation.id, token_sha256=_digest(token), label=label[:200],
                      created_at=issued_at, expires_at=issued_at + valid_for if valid_for else None,
                      created_by=created_by)
    session.add(row)
    session.flush()
    return IssuedToken(row, token)


def organisation_of_token(session: Session, token: str, now: datetime | None = None) -> OrganisationRow | None:
    """The organisation a live token (not revoked, not expired) speaks for, or ``None``; notes its last use."""
    at = now or datetime.now(UTC)
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == _digest(token),
                                                   ApiTokenRow.revoked.is_(False)))
    if row is None or (row.expires_at is not None and _aware(row.expires_at) <= at):
        return None
    if row.last_used_at is None or at - _aware(row.last_used_at) >= timedelta(minutes=1):
        row.last_used_at = at
    return session.get(OrganisationRow, row.organisation_id)


def tokens_of(session: Session, organisation: OrganisationRow) -> list[ApiTokenRow]:
    return list(session.scalars(select(ApiTokenRow).where(ApiTokenRow.organisation_id == organisation.id)
                                .order_by(ApiTokenRow.created_at.desc())))


def revoke_token(session: Session, organisation: OrganisationRow, token_id: str) -> bool:
    """Revoke one of the organisation's tokens (another organisation's token id does nothing)."""
    result = session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id,
                                                       ApiTokenRow.organisation_id == organisation.id)
                             .values(revoked=True))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def change_password(session: Session, user: UserRow, current: str, new: str) -> None:
    """Set a new password after checking the current one (the caller ends the user's other sessions)."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong_password", "the current password is wrong")
    check_new_password(new, user.email)
    user.password_hash = hash_password(new)
    session.flush()


def audit(session: Session, action: str, *, user_id: str | None = None, organisation_id: str | None = None,
          target: str = "", detail: str = "") -> None:
    session.add(AuditLogRow(action=action, user_id=user_id, organisation_id=organisation_id, target=target[:300],
                            detail=detail))
