"""Candidates in the store: accounts with a verified e-mail, sessions, profiles, applications, reports,
export and erasure, and the deletion of inactive accounts (:mod:`charte.jobs.candidates` states the rules).
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from charte.jobs.candidates import CONSENT_PURPOSE, CONSENT_VERSION, Profile, inactive_before, unverified_before
from charte.jobs.communes import Communes
from charte.jobs.cv import cv_path, store_cv
from charte.jobs.matching import SeekerFacts
from charte.store.accounts import hash_password, verify_password
from charte.store.job_rows import (
    JobApplicationRow,
    JobCandidateRow,
    JobCandidateSessionRow,
    JobOfferRow,
    JobReportRow,
)
from charte.store.sessions import SessionTimeouts

#: a candidate's session ends after 2 hours without a request and 12 hours after sign-in, as a member's does
#: (``CHARTE_SESSION_IDLE_SECONDS``, ``CHARTE_SESSION_MAX_SECONDS``: the web passes the application's own)
SESSION_TIMEOUTS: Final = SessionTimeouts(timedelta(hours=2), timedelta(hours=12))
REPORT_REASONS: Final = ("misleading", "illegal_pay", "discrimination", "other")


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown (same time as a wrong password); made at first use, not
    at import (an Argon2 hash is a third of a second of every start-up)."""
    return hash_password("charte: no such candidate")


PARIS: Final = ZoneInfo("Europe/Paris")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite returns datetimes without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_by_email(db: Session, email: str) -> JobCandidateRow | None:
    return db.scalar(select(JobCandidateRow).where(JobCandidateRow.email == email.strip().lower()))


def register(db: Session, email: str, password: str, language: str, now: datetime,
             password_hash: str | None = None) -> tuple[JobCandidateRow, str]:
    """A new, unverified account with the consent of :data:`CONSENT_VERSION`; returns it and the e-mail
    verification token (shown once: only its SHA-256 is kept). The caller checked the e-mail is free.
    (``password_hash``: an Argon2 hash of ``password`` already computed, for the demonstration's many accounts.)"""
    token = secrets.token_urlsafe(32)
    row = JobCandidateRow(email=email.strip().lower(), password_hash=password_hash or hash_password(password),
                          language=language,
                          verify_token_sha256=_digest(token), consent_version=CONSENT_VERSION, consent_at=now,
                          created_at=now, last_active_at=now)
    db.add(row)
    db.flush()
    return row, token


def verify(db: Session, token: str, now: datetime) -> JobCandidateRow | None:
    row = db.scalar(select(JobCandidateRow).where(JobCandidateRow.verify_token_sha256 == _digest(token)))
    if row is None:
        return None
    row.email_verified_at, row.verify_token_sha256, row.last_active_at = now, None, now
    return row


def authenticate(db: Session, email: str, password: str) -> JobCandidateRow | None:
    """The verified candidate with this e-mail and password, or ``None`` (the same work either way)."""
    row = find_by_email(db, email)
    if row is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(row.password_hash, password) or row.email_verified_at is None:
        return None
    return row


def _ends(created_at: datetime, now: datetime, timeouts: SessionTimeouts) -> datetime:
    """The end of a session seen at ``now``: idle time from now, never beyond the absolute time from sign-in."""
    return min(created_at + timeouts.absolute, now + timeouts.idle)


def open_session(db: Session, candidate: JobCandidateRow, now: datetime,
                 timeouts: SessionTimeouts = SESSION_TIMEOUTS) -> str:
    token = "j" + secrets.token_urlsafe(32)
    db.add(JobCandidateSessionRow(id=_digest(token), candidate_id=candidate.id, created_at=now,
                                  expires_at=_ends(now, now, timeouts)))
    candidate.last_active_at = now
    db.flush()
    return token


def find_session(db: Session, token: str, now: datetime,
                 timeouts: SessionTimeouts = SESSION_TIMEOUTS) -> JobCandidateRow | None:
    """The candidate of a live session, whose end moves on by the idle time (up to the absolute one); an ended
    session is deleted. The caller commits."""
    if not token.startswith("j"):
        return None
    row = db.get(JobCandidateSessionRow, _digest(token))
    if row is None:
        return None
    if now >= _aware(row.expires_at):
        db.delete(row)
        db.flush()
        return None
    row.expires_at = _ends(_aware(row.created_at), now, timeouts)
    return db.get(JobCandidateRow, row.candidate_id)


def close_session(db: Session, token: str) -> None:
    db.execute(delete(JobCandidateSessionRow).where(JobCandidateSessionRow.id == _digest(token)))


def save_profile(db: Session, candidate: JobCandidateRow, profile: Profile, cohort_id: str | None,
                 now: datetime) -> None:
    candidate.first_name = profile.first_name
    candidate.functions = " ".join(profile.functions)
    candidate.cities = " ".join(c.insee for c in profile.cities)
    candidate.radius_km = profile.radius_km
    candidate.remote_ok = profile.remote_ok
    candidate.available_from = profile.available_from
    candidate.contracts = " ".join(profile.contracts)
    candidate.languages = " ".join(profile.languages)
    candidate.shifts = " ".join(profile.shifts)
    candidate.work_study = profile.work_study
    candidate.diploma_sought = profile.diploma_sought
    candidate.searchable = profile.searchable
    candidate.cohort_id = cohort_id if profile.work_study else None
    candidate.last_active_at = now


def has_profile(candidate: JobCandidateRow) -> bool:
    return bool(candidate.first_name and candidate.functions and candidate.available_from)


def seeker_of(candidate: JobCandidateRow, places: Communes) -> SeekerFacts | None:
    if not has_profile(candidate):
        return None
    assert candidate.available_from is not None
    cities = tuple(c for code in candidate.cities.split() if (c := places.get(code)) is not None)
    return SeekerFacts(candidate.id, tuple(candidate.functions.split()), cities, candidate.radius_km,
                       candidate.remote_ok, candidate.available_from, tuple(candidate.contracts.split()),
                       tuple(candidate.languages.split()), tuple(candidate.shifts.split()), candidate.work_study)


def searchable_seekers(db: Session, places: Communes) -> list[tuple[JobCandidateRow, SeekerFacts]]:
    """Verified candidates who agreed to be found, with a profile."""
    rows = db.scalars(select(JobCandidateRow).where(JobCandidateRow.searchable.is_(True),
                                                    JobCandidateRow.email_verified_at.is_not(None)))
    return [(row, facts) for row in rows if (facts := seeker_of(row, places)) is not None]


@dataclass(frozen=True)
class ApplyRefused(Exception):  # noqa: N818  (a refusal shown at its field)
    field: str
    code: str
    template: str


def apply(db: Session, candidate: JobCandidateRow, offer: JobOfferRow, message: str, cv: bytes | None,
          cv_name: str, cv_folder: Path, day: date, now: datetime) -> JobApplicationRow:
    """Apply to an open offer (once). The CV, already checked, is stored by its SHA-256."""
    if offer.status != "open" or day > offer.expires_on:
        raise ApplyRefused("offer", "offer_not_open", "this offer is no longer open")
    if db.scalar(select(JobApplicationRow).where(JobApplicationRow.offer_id == offer.id,
                                                 JobApplicationRow.candidate_id == candidate.id)) is not None:
        raise ApplyRefused("offer", "already_applied", "you already applied to this offer")
    digest = store_cv(cv_folder, cv) if cv else None
    row = JobApplicationRow(offer_id=offer.id, candidate_id=candidate.id, organisation_id=offer.organisation_id,
                            message=message, cv_sha256=digest, cv_name=cv_name[:120] if digest else "",
                            applied_at=now)
    db.add(row)
    candidate.last_active_at = now
    db.flush()
    return row


def applications_of(db: Session, candidate_id: str) -> list[JobApplicationRow]:
    return list(db.scalars(select(JobApplicationRow).where(JobApplicationRow.candidate_id == candidate_id)
                           .order_by(JobApplicationRow.applied_at.desc())))


def report(db: Session, candidate: JobCandidateRow | None, offer: JobOfferRow, reason: str, comment: str,
           now: datetime) -> JobReportRow:
    if reason not in REPORT_REASONS:
        raise ValueError(f"reason {reason!r}: expected one of {', '.join(REPORT_REASONS)}")
    row = JobReportRow(offer_id=offer.id, candidate_id=candidate.id if candidate else None, reason=reason,
                       comment=comment[:1000], created_at=now)
    db.add(row)
    db.flush()
    return row


def export(db: Session, candidate: JobCandidateRow, cv_folder: Path) -> bytes:
    """Everything held on the candidate (GDPR art. 15 and 20): ``donnees.json`` and their CVs, as a ZIP."""
    applications = applications_of(db, candidate.id)
    offers = {a.offer_id: db.get(JobOfferRow, a.offer_id) for a in applications}
    reports = list(db.scalars(select(JobReportRow).where(JobReportRow.candidate_id == candidate.id)))
    doc = {
        "account": {"email": candidate.email, "language": candidate.language,
                    "created_at": candidate.created_at.isoformat(), "last_active_at": candidate.last_active_at
                    .isoformat(), "email_verified_at": candidate.email_verified_at.isoformat()
                    if candidate.email_verified_at else None},
        "consent": {"version": candidate.consent_version, "given_at": candidate.consent_at.isoformat(),
                    "purpose": CONSENT_PURPOSE},
        "profile": {k: getattr(candidate, k) for k in (
            "first_name", "functions", "cities", "radius_km", "remote_ok", "contracts", "languages", "shifts",
            "work_study", "diploma_sought", "searchable", "cohort_id")}
        | {"available_from": candidate.available_from.isoformat() if candidate.available_from else None},
        "applications": [{"offer": (o.title + " — " + o.company) if (o := offers[a.offer_id]) else a.offer_id,
                          "applied_at": a.applied_at.isoformat(), "status": a.status, "message": a.message,
                          "cv": f"cv/{a.cv_sha256}.pdf" if a.cv_sha256 else None} for a in applications],
        "reports": [{"offer_id": r.offer_id, "reason": r.reason, "comment": r.comment,
                     "created_at": r.created_at.isoformat()} for r in reports],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(doc, ensure_ascii=False, indent=1))
        for digest in sorted({a.cv_sha256 for a in applications if a.cv_sha256}):
            if (path := cv_path(cv_folder, digest)) is not None:
                archive.write(path, f"cv/{digest}.pdf")
    return out.getvalue()


def erase(db: Session, candidate: JobCandidateRow, cv_folder: Path) -> int:
    """Delete the candidate, their sessions, applications and reports' link to them, and the CVs no remaining
    application uses; placements stay, with no link to the person. Returns the CV files removed."""
    digests = {a.cv_sha256 for a in applications_of(db, candidate.id) if a.cv_sha256}
    db.delete(candidate)
    db.flush()
    still_used = set(db.scalars(select(JobApplicationRow.cv_sha256).where(JobApplicationRow.cv_sha256.in_(digests))))
    removed = 0
    for digest in digests - still_used:
        if (path := cv_path(cv_folder, digest)) is not None:
            path.unlink()
            removed += 1
    return removed


@dataclass(frozen=True)
class Purge:
    inactive: int
    unverified: int
    cv_files: int


def purge(db: Session, now: datetime, today: date, cv_folder: Path) -> Purge:
    """Delete accounts without activity for 24 months and accounts never verified within 7 days."""
    # in UTC, as every moment is stored (SQLite keeps no zone: a Paris time would compare as text)
    cutoff = datetime.combine(inactive_before(today), time.min, PARIS).astimezone(UTC)
    stale = list(db.scalars(select(JobCandidateRow).where(JobCandidateRow.last_active_at < cutoff)))
    unverified = list(db.scalars(select(JobCandidateRow).where(
        JobCandidateRow.email_verified_at.is_(None), JobCandidateRow.created_at < unverified_before(now),
        JobCandidateRow.last_active_at >= cutoff)))
    files = sum(erase(db, row, cv_folder) for row in [*stale, *unverified])
    db.execute(delete(JobCandidateSessionRow).where(JobCandidateSessionRow.expires_at <= now))  # ended sessions
    return Purge(len(stale), len(unverified), files)
