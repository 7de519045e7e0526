"""issue 14: evidence register, invoice ledger, chain heads; entries immutable

Revision ID: 0005_i14_register_ledger
Revises: 0004_i22_jobs
Create Date: 2026-11-30 10:00:00

The ledger's and the register's entries are append-only: triggers refuse any UPDATE or DELETE
on ``ledger_entry`` and ``evidence_submission`` (SQLite and PostgreSQL), so neither the
application nor a mistaken query changes an issued invoice or a submission. (Someone who drops
the triggers can still edit the rows; the hash chains then show it: ``charte ledger verify``.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i14_register_ledger"
down_revision = "0004_i22_jobs"
branch_labels = None
depends_on = None

APPEND_ONLY = ("ledger_entry", "evidence_submission")


def upgrade() -> None:
    op.create_table(
        "chain_head",
        sa.Column("chain", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_chain_head")),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("book", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain", sa.String(length=300), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("contract", sa.String(length=200), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("month_generation", sa.Integer(), nullable=True),
        sa.Column("settlement_sha256", sa.String(length=64), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chain"], ["chain_head.chain"], name=op.f("fk_ledger_entry_chain")),
        sa.PrimaryKeyConstraint("book", "position", name=op.f("pk_ledger_entry")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index("uq_ledger_entry_sequence", ["book", "series", "sequence"], unique=True)
        batch_op.create_index("uq_ledger_entry_month_invoice", ["book", "contract", "period", "month_generation"],
                              unique=True)
        batch_op.create_index("ix_ledger_entry_number", ["book", "number"], unique=False)
    op.create_table(
        "evidence_submission",
        sa.Column("contract_key", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain", sa.String(length=300), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("submitted_by", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=True),
        sa.Column("submitted_at", sa.String(length=40), nullable=False),
        sa.Column("time_source", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chain"], ["chain_head.chain"], name=op.f("fk_evidence_submission_chain")),
        sa.PrimaryKeyConstraint("contract_key", "position", name=op.f("pk_evidence_submission")),
    )
    with op.batch_alter_table("evidence_submission", schema=None) as batch_op:
        batch_op.create_index("uq_evidence_submission_version", ["contract_key", "period", "kind", "version"],
                              unique=True)
        batch_op.create_index(batch_op.f("ix_evidence_submission_sha256"), ["sha256"], unique=False)
    _append_only(op.get_bind().dialect.name)


def _append_only(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION charte_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'charte: % entries are append-only (% refused)', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION charte_refuse_change()")
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'charte: {table} entries are append-only ({action} refused)'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS charte_refuse_change()")
    with op.batch_alter_table("evidence_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_submission_sha256"))
        batch_op.drop_index("uq_evidence_submission_version")
    op.drop_table("evidence_submission")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entry_number")
        batch_op.drop_index("uq_ledger_entry_month_invoice")
        batch_op.drop_index("uq_ledger_entry_sequence")
    op.drop_table("ledger_entry")
    op.drop_table("chain_head")
