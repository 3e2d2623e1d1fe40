"""github accounts: OAuth and public-username links, with the sync cache

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "github_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("github_id", sa.BigInteger(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("linked_via", sa.String(length=10), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("http_cache", sa.JSON(), nullable=False),
        sa.Column("rate_limited_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "linked_via IN ('oauth', 'username')", name=op.f("ck_github_accounts_linked_via")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_github_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_github_accounts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_github_accounts_user_id")),
    )
    with op.batch_alter_table("github_accounts", schema=None) as batch_op:
        batch_op.create_index(
            "uq_github_accounts_oauth_identity",
            ["github_id"],
            unique=True,
            sqlite_where=sa.text("linked_via = 'oauth'"),
            postgresql_where=sa.text("linked_via = 'oauth'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("github_accounts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_github_accounts_oauth_identity",
            sqlite_where=sa.text("linked_via = 'oauth'"),
            postgresql_where=sa.text("linked_via = 'oauth'"),
        )

    op.drop_table("github_accounts")
