"""issue 16: disputes, their thread, what-ifs, attachments; users' language for e-mails

Revision ID: 0003_i16_disputes
Revises: 0002_i17_web_security
Create Date: 2026-12-01 00:31:56.604036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_i16_disputes"
down_revision = "0002_i17_web_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispute",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("provider_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("client_organisation_id", sa.String(length=32), nullable=False),
        sa.Column("mediator_organisation_id", sa.String(length=32), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("invoice_number", sa.String(length=40), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("invoice_total", sa.String(length=40), nullable=False),
        sa.Column("settlement_id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("commitment", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("disputed_amount", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invoice_status", sa.String(length=20), nullable=False),
        sa.Column("document_number", sa.String(length=40), nullable=True),
        sa.Column("opened_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_organisation_id"], ["organisation.id"], name=op.f("fk_dispute_client_organisation_id")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_dispute_contract_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mediator_organisation_id"], ["organisation.id"], name=op.f("fk_dispute_mediator_organisation_id")
        ),
        sa.ForeignKeyConstraint(["opened_by_user_id"], ["app_user.id"], name=op.f("fk_dispute_opened_by_user_id")),
        sa.ForeignKeyConstraint(
            ["provider_organisation_id"], ["organisation.id"], name=op.f("fk_dispute_provider_organisation_id")
        ),
        sa.ForeignKeyConstraint(["settlement_id"], ["settlement.id"], name=op.f("fk_dispute_settlement_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
    )
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_contract_invoice", ["contract_id", "invoice_number"], unique=False)

    op.create_table(
        "dispute_attachment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dispute_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.String(length=30), nullable=True),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_dispute_attachment_dispute_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_dispute_attachment_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_attachment")),
        sa.UniqueConstraint("dispute_id", "sha256", name=op.f("uq_dispute_attachment_dispute_id")),
    )
    with op.batch_alter_table("dispute_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_attachment_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_entry",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dispute_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standing", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("whatif_id", sa.String(length=32), nullable=True),
        sa.Column("document", sa.String(length=40), nullable=True),
        sa.Column("attachments_json", sa.Text(), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_dispute_entry_dispute_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_dispute_entry_organisation_id")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_dispute_entry_user_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_entry")),
        sa.UniqueConstraint("dispute_id", "seq", name=op.f("uq_dispute_entry_dispute_id")),
    )
    with op.batch_alter_table("dispute_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_entry_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_whatif",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dispute_id", sa.String(length=32), nullable=False),
        sa.Column("standing", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("proposed_settlement_json", sa.Text(), nullable=True),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("difference", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_dispute_whatif_dispute_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_dispute_whatif_organisation_id")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_dispute_whatif_user_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_whatif")),
    )
    with op.batch_alter_table("dispute_whatif", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_whatif_dispute_id"), ["dispute_id"], unique=False)

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("language")

    with op.batch_alter_table("dispute_whatif", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_whatif_dispute_id"))

    op.drop_table("dispute_whatif")
    with op.batch_alter_table("dispute_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_entry_dispute_id"))

    op.drop_table("dispute_entry")
    with op.batch_alter_table("dispute_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_attachment_dispute_id"))

    op.drop_table("dispute_attachment")
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_contract_invoice")

    op.drop_table("dispute")
