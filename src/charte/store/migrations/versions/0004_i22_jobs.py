"""job board: offers, candidates, applications, reports, work-study cohorts and placements (issue 22)

Revision ID: 0004_i22_jobs
Revises: 0003_i16_disputes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_i22_jobs"
down_revision = "0003_i16_disputes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_cohort",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("diploma", sa.String(length=200), nullable=False),
        sa.Column("commune", sa.String(length=5), nullable=False),
        sa.Column("city", sa.String(length=5), nullable=False),
        sa.Column("function", sa.String(length=20), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_cohort")),
    )
    with op.batch_alter_table("job_cohort", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_cohort_city"), ["city"], unique=False)

    op.create_table(
        "job_candidate",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verify_token_sha256", sa.String(length=64), nullable=True),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_name", sa.String(length=60), nullable=False),
        sa.Column("functions", sa.String(length=60), nullable=False),
        sa.Column("cities", sa.String(length=60), nullable=False),
        sa.Column("radius_km", sa.Integer(), nullable=False),
        sa.Column("remote_ok", sa.Boolean(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("contracts", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=60), nullable=False),
        sa.Column("shifts", sa.String(length=60), nullable=False),
        sa.Column("work_study", sa.Boolean(), nullable=False),
        sa.Column("diploma_sought", sa.String(length=200), nullable=False),
        sa.Column("cohort_id", sa.String(length=32), nullable=True),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["job_cohort.id"], name=op.f("fk_job_candidate_cohort_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_candidate")),
        sa.UniqueConstraint("email", name=op.f("uq_job_candidate_email")),
    )
    with op.batch_alter_table("job_candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_candidate_last_active_at"), ["last_active_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_candidate_verify_token_sha256"), ["verify_token_sha256"], unique=False)

    op.create_table(
        "job_offer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("posted_by", sa.String(length=32), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("job_id", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("function", sa.String(length=20), nullable=False),
        sa.Column("classification", sa.String(length=80), nullable=False),
        sa.Column("commune", sa.String(length=5), nullable=False),
        sa.Column("city", sa.String(length=5), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("work_mode", sa.String(length=10), nullable=False),
        sa.Column("contract", sa.String(length=20), nullable=False),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("diploma", sa.String(length=200), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("weekly_hours", sa.String(length=10), nullable=False),
        sa.Column("shifts", sa.String(length=60), nullable=False),
        sa.Column("schedule", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.String(length=60), nullable=False),
        sa.Column("pay_min", sa.String(length=20), nullable=False),
        sa.Column("pay_max", sa.String(length=20), nullable=False),
        sa.Column("pay_period", sa.String(length=10), nullable=False),
        sa.Column("pay_note", sa.String(length=200), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("flags_json", sa.Text(), nullable=False),
        sa.Column("moderation_note", sa.String(length=500), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_job_offer_organisation_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["posted_by"], ["app_user.id"], name=op.f("fk_job_offer_posted_by"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_offer")),
    )
    with op.batch_alter_table("job_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_offer_city"), ["city"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_offer_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index("ix_job_offer_status_expires", ["status", "expires_on"], unique=False)

    op.create_table(
        "job_application",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("offer_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cv_sha256", sa.String(length=64), nullable=True),
        sa.Column("cv_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["job_candidate.id"], name=op.f("fk_job_application_candidate_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["job_offer.id"], name=op.f("fk_job_application_offer_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_job_application_organisation_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_application")),
        sa.UniqueConstraint("offer_id", "candidate_id", name=op.f("uq_job_application_offer_id")),
    )
    with op.batch_alter_table("job_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_application_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_application_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_application_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "job_candidate_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["job_candidate.id"],
            name=op.f("fk_job_candidate_session_candidate_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_candidate_session")),
    )
    with op.batch_alter_table("job_candidate_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_candidate_session_candidate_id"), ["candidate_id"], unique=False)

    op.create_table(
        "job_report",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("offer_id", sa.String(length=32), nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["job_candidate.id"], name=op.f("fk_job_report_candidate_id"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["job_offer.id"], name=op.f("fk_job_report_offer_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_report")),
    )
    with op.batch_alter_table("job_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_report_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "job_placement",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("offer_id", sa.String(length=32), nullable=True),
        sa.Column("application_id", sa.String(length=32), nullable=True),
        sa.Column("cohort_id", sa.String(length=32), nullable=True),
        sa.Column("city", sa.String(length=5), nullable=False),
        sa.Column("function", sa.String(length=20), nullable=False),
        sa.Column("contract", sa.String(length=20), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["job_application.id"],
            name=op.f("fk_job_placement_application_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["job_cohort.id"], name=op.f("fk_job_placement_cohort_id"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["job_offer.id"], name=op.f("fk_job_placement_offer_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_placement")),
        sa.UniqueConstraint("application_id", name=op.f("uq_job_placement_application_id")),
    )
    with op.batch_alter_table("job_placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_placement_city"), ["city"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_placement_city"))

    op.drop_table("job_placement")
    with op.batch_alter_table("job_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_report_offer_id"))

    op.drop_table("job_report")
    with op.batch_alter_table("job_candidate_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_candidate_session_candidate_id"))

    op.drop_table("job_candidate_session")
    with op.batch_alter_table("job_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_application_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_job_application_offer_id"))
        batch_op.drop_index(batch_op.f("ix_job_application_candidate_id"))

    op.drop_table("job_application")
    with op.batch_alter_table("job_offer", schema=None) as batch_op:
        batch_op.drop_index("ix_job_offer_status_expires")
        batch_op.drop_index(batch_op.f("ix_job_offer_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_job_offer_city"))

    op.drop_table("job_offer")
    with op.batch_alter_table("job_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_candidate_verify_token_sha256"))
        batch_op.drop_index(batch_op.f("ix_job_candidate_last_active_at"))

    op.drop_table("job_candidate")
    with op.batch_alter_table("job_cohort", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_cohort_city"))

    op.drop_table("job_cohort")
