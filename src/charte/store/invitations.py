"""Invitations to join an organisation, and who may send them.

An administrator creates an organisation and invites its FIRST manager; from then on only the
organisation's own managers invite colleagues (manager or reader) and remove them. An administrator
therefore never becomes a member of a tenant: it cannot invite into an organisation that already has
members, and an account that belongs to the platform's administration cannot accept an invitation
into a tenant (nor a tenant's member into the administration). The link's token is random, shown or
mailed once, and only its SHA-256 is stored; it expires after :data:`VALID_FOR` and works once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from charte.store.accounts import AccountError, add_member, create_user
from charte.store.models import MEMBERSHIP_ROLES, InvitationRow, MembershipRow, OrganisationRow, UserRow
from charte.store.sessions import close_sessions_of

VALID_FOR = timedelta(days=7)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class IssuedInvitation:
    row: InvitationRow
    token: str  # the link's secret, shown or mailed once


def members_of(session: Session, organisation: OrganisationRow) -> list[MembershipRow]:
    return list(session.scalars(select(MembershipRow).where(MembershipRow.organisation_id == organisation.id)))


def _issue(session: Session, organisation: OrganisationRow, email: str, role: str, invited_by: str | None,
           now: datetime) -> IssuedInvitation:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("invalid_email", f"{email!r} is not an e-mail address")
    if role not in MEMBERSHIP_ROLES:
        raise AccountError("unknown_role", f"role {role!r}: expected one of {', '.join(MEMBERSHIP_ROLES)}")
    token = "inv_" + secrets.token_urlsafe(32)
    row = InvitationRow(token_sha256=_digest(token), organisation_id=organisation.id, email=email, role=role,
                        invited_by_user_id=invited_by, created_at=now, expires_at=now + VALID_FOR)
    session.add(row)
    session.flush()
    return IssuedInvitation(row, token)


def invite_first_manager(session: Session, organisation: OrganisationRow, email: str, invited_by: str | None,
                         now: datetime) -> IssuedInvitation:
    """The administrator's invitation of an organisation's first manager (refused once it has members: from then
    on its managers invite their colleagues themselves). A new invitation replaces a pending one."""
    if members_of(session, organisation):
        raise AccountError("organisation_has_members", f"{organisation.name} already has members; its managers "
                                                       "invite their colleagues themselves")
    session.execute(delete(InvitationRow).where(InvitationRow.organisation_id == organisation.id,
                                                InvitationRow.accepted_at.is_(None)))
    return _issue(session, organisation, email, "manager", invited_by, now)


def invite_colleague(session: Session, organisation: OrganisationRow, email: str, role: str, invited_by: str,
                     now: datetime) -> IssuedInvitation:
    """A manager's invitation of a colleague into their own organisation."""
    if organisation.kind == "admin":
        raise AccountError("not_a_tenant", "administrators are created with `charte admin create-admin`")
    return _issue(session, organisation, email, role, invited_by, now)


def pending_invitation(session: Session, token: str, now: datetime) -> InvitationRow | None:
    """The invitation of this link if it can still be accepted (not used, not revoked, not expired)."""
    row = session.scalar(select(InvitationRow).where(InvitationRow.token_sha256 == _digest(token)))
    if row is None or row.accepted_at is not None or row.revoked or _aware(row.expires_at) <= now:
        return None
    return row


def _is_admin(user: UserRow) -> bool:
    return any(m.organisation.kind == "admin" for m in user.memberships)


def accept_invitation(session: Session, token: str, now: datetime, *, password: str = "", display_name: str = "",
                      signed_in: UserRow | None = None) -> tuple[UserRow, OrganisationRow]:
    """Join the organisation of the invitation: a new account for the invited e-mail (with ``password``), or the
    signed-in user's own account when it has that e-mail. Administrators never join a tenant."""
    row = pending_invitation(session, token, now)
    if row is None:
        raise AccountError("invitation_unusable", "this invitation link is unknown, already used or expired; ask "
                                                  "for a new one")
    organisation = session.get(OrganisationRow, row.organisation_id)
    assert organisation is not None
    existing = session.scalar(select(UserRow).where(UserRow.email == row.email))
    if existing is not None:
        if signed_in is None or signed_in.id != existing.id:
            raise AccountError("sign_in_to_accept", f"an account with the e-mail {row.email} exists: sign in with it, "
                                                    "then open the link again")
        user = existing
        if _is_admin(user) != (organisation.kind == "admin"):
            raise AccountError("administrator_and_tenant", "an administrator's account never joins a tenant's "
                                                           "organisation, nor a tenant's account the administration")
        if any(m.organisation_id == organisation.id for m in user.memberships):
            raise AccountError("already_member", f"you are already a member of {organisation.name}")
    else:
        user = create_user(session, row.email, password, display_name)
    add_member(session, user, organisation, row.role)
    row.accepted_at, row.accepted_user_id = now, user.id
    session.flush()
    return user, organisation


def remove_member(session: Session, organisation: OrganisationRow, user_id: str) -> bool:
    """Remove a user from the organisation and end their sessions acting for it; the last manager stays."""
    membership = session.scalar(select(MembershipRow).where(MembershipRow.organisation_id == organisation.id,
                                                            MembershipRow.user_id == user_id))
    if membership is None:
        return False
    managers = [m for m in members_of(session, organisation) if m.role == "manager"]
    if membership.role == "manager" and len(managers) == 1:
        raise AccountError("last_manager", "the organisation's last manager cannot be removed")
    session.delete(membership)
    close_sessions_of(session, user_id, organisation_id=organisation.id)
    session.flush()
    return True


def set_account_active(session: Session, user: UserRow, active: bool) -> None:
    """Disable (every session ends at once) or re-enable an account."""
    user.active = active
    if not active:
        close_sessions_of(session, user.id)
    session.flush()
