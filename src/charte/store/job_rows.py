"""The rows of the job board (issue 22): members' offers, candidates and their sessions, applications,
reports, work-study cohorts and placements.

Tenancy: an offer belongs to one member organisation; an application carries the offer's organisation, and only
that organisation (and the candidate) ever reads it or its CV. Candidates are not users of an organisation:
they sign in to the job board only. Pay amounts are Decimal text, never floats. A placement keeps no link to
the person once the application is deleted (``application_id`` is set to null): it stays a number.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from charte.store.models import Base, new_id, now


class JobOfferRow(Base):
    """An offer as posted (the fields of :class:`charte.jobs.offers.Offer`) and where it stands."""

    __tablename__ = "job_offer"
    __table_args__ = (Index("ix_job_offer_status_expires", "status", "expires_on"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    posted_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), default=None)
    siren: Mapped[str | None] = mapped_column(String(9), default=None)
    company: Mapped[str] = mapped_column(String(200))
    job_id: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    function: Mapped[str] = mapped_column(String(20))
    classification: Mapped[str] = mapped_column(String(80), default="")
    commune: Mapped[str] = mapped_column(String(5))       # INSEE code
    city: Mapped[str] = mapped_column(String(5), index=True)  # the commune, or the city of an arrondissement
    region: Mapped[str] = mapped_column(String(60))
    work_mode: Mapped[str] = mapped_column(String(10))
    contract: Mapped[str] = mapped_column(String(20))
    duration_months: Mapped[int | None] = mapped_column(Integer, default=None)
    diploma: Mapped[str] = mapped_column(String(200), default="")
    school: Mapped[str] = mapped_column(String(200), default="")
    weekly_hours: Mapped[str] = mapped_column(String(10))  # Decimal text
    shifts: Mapped[str] = mapped_column(String(60))        # space-separated
    schedule: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[str] = mapped_column(String(60))     # space-separated ISO 639-1
    pay_min: Mapped[str] = mapped_column(String(20))       # Decimal text
    pay_max: Mapped[str] = mapped_column(String(20))
    pay_period: Mapped[str] = mapped_column(String(10))
    pay_note: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    places: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, open, hidden, filled, closed
    flags_json: Mapped[str] = mapped_column(Text, default="[]")        # phrases the moderator should read
    moderation_note: Mapped[str] = mapped_column(String(500), default="")
    posted_at: Mapped[datetime] = mapped_column(default=now)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class JobCandidateRow(Base):
    """A candidate's account (e-mail verified, consent given) and profile."""

    __tablename__ = "job_candidate"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="fr")
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    verify_token_sha256: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(default=now)
    first_name: Mapped[str] = mapped_column(String(60), default="")
    functions: Mapped[str] = mapped_column(String(60), default="")
    cities: Mapped[str] = mapped_column(String(60), default="")        # INSEE codes, space-separated
    radius_km: Mapped[int] = mapped_column(Integer, default=20)
    remote_ok: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date | None] = mapped_column(Date, default=None)
    contracts: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[str] = mapped_column(String(60), default="")
    shifts: Mapped[str] = mapped_column(String(60), default="")
    work_study: Mapped[bool] = mapped_column(default=False)
    diploma_sought: Mapped[str] = mapped_column(String(200), default="")
    cohort_id: Mapped[str | None] = mapped_column(ForeignKey("job_cohort.id", ondelete="SET NULL"), default=None)
    searchable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_active_at: Mapped[datetime] = mapped_column(default=now, index=True)


class JobCandidateSessionRow(Base):
    """A candidate's signed-in session; the cookie holds a random token, only its SHA-256 is stored."""

    __tablename__ = "job_candidate_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("job_candidate.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column()


class JobApplicationRow(Base):
    """A candidate's application to an offer; read only by the offer's organisation and the candidate."""

    __tablename__ = "job_application"
    __table_args__ = (UniqueConstraint("offer_id", "candidate_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    offer_id: Mapped[str] = mapped_column(ForeignKey("job_offer.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("job_candidate.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    cv_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    cv_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(12), default="received")  # received, shortlisted, hired, rejected
    applied_at: Mapped[datetime] = mapped_column(default=now)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class JobReportRow(Base):
    """A candidate's report about an offer, for the trade body's moderator."""

    __tablename__ = "job_report"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    offer_id: Mapped[str] = mapped_column(ForeignKey("job_offer.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str | None] = mapped_column(ForeignKey("job_candidate.id", ondelete="SET NULL"),
                                                     default=None)
    reason: Mapped[str] = mapped_column(String(20))   # misleading, illegal_pay, discrimination, other
    comment: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, dismissed, upheld
    created_at: Mapped[datetime] = mapped_column(default=now)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)


class JobCohortRow(Base):
    """A school's work-study cohort in a city (the trade body records it with its partner schools)."""

    __tablename__ = "job_cohort"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    school: Mapped[str] = mapped_column(String(200))
    diploma: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(5), index=True)
    function: Mapped[str | None] = mapped_column(String(20), default=None)
    starts_on: Mapped[date] = mapped_column(Date)
    students: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now)


class JobPlacementRow(Base):
    """A placement made (work-study or job): counted per city and function, with no link to the person."""

    __tablename__ = "job_placement"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    offer_id: Mapped[str | None] = mapped_column(ForeignKey("job_offer.id", ondelete="SET NULL"), default=None)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("job_application.id", ondelete="SET NULL"),
                                                       default=None, unique=True)
    cohort_id: Mapped[str | None] = mapped_column(ForeignKey("job_cohort.id", ondelete="SET NULL"), default=None)
    city: Mapped[str] = mapped_column(String(5), index=True)
    function: Mapped[str] = mapped_column(String(20))
    contract: Mapped[str] = mapped_column(String(20))
    placed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(12))  # member, trade_body
