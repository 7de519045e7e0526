"""initial store

Revision ID: 0001
Revises:
Create Date: 2026-11-24 18:47:12.958580
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "app_user",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("organisation_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_api_token_organisation_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_token_token_sha256")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "contract",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("provider_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("client_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("uploaded_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_organisation_id"], ["organisation.id"], name=op.f("fk_contract_client_organisation_id")
        ),
        sa.ForeignKeyConstraint(
            ["provider_organisation_id"], ["organisation.id"], name=op.f("fk_contract_provider_organisation_id")
        ),
        sa.ForeignKeyConstraint(["uploaded_by"], ["app_user.id"], name=op.f("fk_contract_uploaded_by")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_client_organisation_id"), ["client_organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_provider_organisation_id"), ["provider_organisation_id"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_membership_organisation_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_membership_user_id"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "organisation_id", name=op.f("uq_membership_user_id")),
    )
    op.create_table(
        "contract_share",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("mediator_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("invited_by_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_share_contract_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_contract_share_invited_by_organisation_id"),
        ),
        sa.ForeignKeyConstraint(
            ["mediator_organisation_id"], ["organisation.id"], name=op.f("fk_contract_share_mediator_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_share")),
        sa.UniqueConstraint("contract_id", "mediator_organisation_id", name=op.f("uq_contract_share_contract_id")),
    )
    with op.batch_alter_table("contract_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_share_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "facts_upload",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("files_json", sa.Text(), nullable=False),
        sa.Column("uploaded_by_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_facts_upload_contract_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_facts_upload_uploaded_by_organisation_id"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts_upload")),
    )
    with op.batch_alter_table("facts_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_upload_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "settlement",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("settlement_json", sa.Text(), nullable=False),
        sa.Column("explanations_json", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("total_excluding_vat", sa.String(length=40), nullable=False),
        sa.Column("total_including_vat", sa.String(length=40), nullable=False),
        sa.Column("settled_by_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_settlement_contract_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["settled_by_organisation_id"], ["organisation.id"], name=op.f("fk_settlement_settled_by_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement")),
    )
    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.create_index("ix_settlement_contract_period", ["contract_id", "period"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("settlement", schema=None) as batch_op:
        batch_op.drop_index("ix_settlement_contract_period")

    op.drop_table("settlement")
    with op.batch_alter_table("facts_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facts_upload_contract_id"))

    op.drop_table("facts_upload")
    with op.batch_alter_table("contract_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_share_contract_id"))

    op.drop_table("contract_share")
    op.drop_table("membership")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_provider_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_contract_client_organisation_id"))

    op.drop_table("contract")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_organisation_id"))

    op.drop_table("api_token")
    op.drop_table("organisation")
    op.drop_table("audit_log")
    op.drop_table("app_user")
