"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_bank",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("question_type", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=False),
        sa.Column("difficulty", sa.String(length=10), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("reference_answer", sa.Text(), nullable=False),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("misconceptions", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "difficulty IN ('easy', 'medium', 'hard')", name=op.f("ck_question_bank_difficulty")
        ),
        sa.CheckConstraint(
            "question_type IN ('technical', 'behavioral', 'system_design')",
            name=op.f("ck_question_bank_question_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_bank")),
        sa.UniqueConstraint("slug", name=op.f("uq_question_bank_slug")),
    )
    with op.batch_alter_table("question_bank", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_bank_area"), ["area"], unique=False)
        batch_op.create_index(
            "ix_question_bank_type_difficulty", ["question_type", "difficulty"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("experience_level", sa.String(length=10), nullable=False),
        sa.Column("preferred_languages", sa.JSON(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("github_username", sa.String(length=100), nullable=True),
        sa.Column("github_data", sa.JSON(), nullable=True),
        sa.Column("github_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "experience_level IN ('junior', 'mid', 'senior')",
            name=op.f("ck_users_experience_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "ai_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ai_calls_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_calls")),
    )
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_calls_user_id"), ["user_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_sessions_token_hash")),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("interview_type", sa.String(length=20), nullable=False),
        sa.Column("difficulty", sa.String(length=10), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("focus_topics", sa.JSON(), nullable=False),
        sa.Column("follow_ups_enabled", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=False),
        sa.Column("elapsed_seconds", sa.Float(), nullable=False),
        sa.Column("question_shown_at_elapsed", sa.Float(), nullable=False),
        sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=30), nullable=True),
        sa.Column("performance_score", sa.Float(), nullable=True),
        sa.Column("ai_analysis", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "difficulty IN ('easy', 'medium', 'hard')", name=op.f("ck_interviews_difficulty")
        ),
        sa.CheckConstraint(
            "interview_type IN ('technical', 'behavioral', 'system_design')",
            name=op.f("ck_interviews_interview_type"),
        ),
        sa.CheckConstraint(
            "status IN ('scheduled', 'in_progress', 'paused', 'completed', 'cancelled')",
            name=op.f("ck_interviews_status"),
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 180", name=op.f("ck_interviews_duration_minutes")
        ),
        sa.CheckConstraint("elapsed_seconds >= 0", name=op.f("ck_interviews_elapsed_seconds")),
        sa.CheckConstraint(
            "performance_score IS NULL OR (performance_score >= 0 AND performance_score <= 100)",
            name=op.f("ck_interviews_performance_score"),
        ),
        sa.CheckConstraint(
            "question_count BETWEEN 1 AND 20", name=op.f("ck_interviews_question_count")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_interviews_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index("ix_interviews_user_created", ["user_id", "created_at"], unique=False)

    op.create_table(
        "interview_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("bank_question_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("follow_up_of_id", sa.Integer(), nullable=True),
        sa.Column("question_type", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=False),
        sa.Column("difficulty", sa.String(length=10), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("reference_answer", sa.Text(), nullable=False),
        sa.Column("key_points", sa.JSON(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("misconceptions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_question_id"],
            ["question_bank.id"],
            name=op.f("fk_interview_questions_bank_question_id_question_bank"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_of_id"],
            ["interview_questions.id"],
            name=op.f("fk_interview_questions_follow_up_of_id_interview_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_questions_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_questions")),
    )
    with op.batch_alter_table("interview_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_questions_interview_id"), ["interview_id"], unique=False
        )
        batch_op.create_index(
            "uq_interview_questions_main_position",
            ["interview_id", "position"],
            unique=True,
            sqlite_where=sa.text("follow_up_of_id IS NULL"),
            postgresql_where=sa.text("follow_up_of_id IS NULL"),
        )

    op.create_table(
        "performance_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("metric_name", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 100", name=op.f("ck_performance_metrics_score")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_performance_metrics_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_performance_metrics_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_metrics")),
    )
    with op.batch_alter_table("performance_metrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_performance_metrics_interview_id"), ["interview_id"], unique=False
        )
        batch_op.create_index(
            "ix_performance_metrics_user_metric",
            ["user_id", "metric_name", "recorded_at"],
            unique=False,
        )

    op.create_table(
        "interview_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=False),
        sa.Column("response_time_seconds", sa.Float(), nullable=False),
        sa.Column("evaluation_status", sa.String(length=10), nullable=False),
        sa.Column("ai_score", sa.Float(), nullable=True),
        sa.Column("ai_feedback", sa.Text(), nullable=True),
        sa.Column("improvement_suggestions", sa.JSON(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=True),
        sa.Column("evaluation_error", sa.String(length=300), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "evaluation_status IN ('pending', 'evaluated', 'failed', 'skipped')",
            name=op.f("ck_interview_responses_evaluation_status"),
        ),
        sa.CheckConstraint(
            "ai_score IS NULL OR (ai_score >= 0 AND ai_score <= 100)",
            name=op.f("ck_interview_responses_ai_score"),
        ),
        sa.CheckConstraint(
            "response_time_seconds >= 0", name=op.f("ck_interview_responses_response_time_seconds")
        ),
        sa.ForeignKeyConstraint(
            ["interview_question_id"],
            ["interview_questions.id"],
            name=op.f("fk_interview_responses_interview_question_id_interview_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_interview_responses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_responses")),
        sa.UniqueConstraint(
            "interview_question_id", name=op.f("uq_interview_responses_interview_question_id")
        ),
    )
    with op.batch_alter_table("interview_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_responses_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("interview_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_responses_user_id"))

    op.drop_table("interview_responses")
    with op.batch_alter_table("performance_metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_performance_metrics_user_metric")
        batch_op.drop_index(batch_op.f("ix_performance_metrics_interview_id"))

    op.drop_table("performance_metrics")
    with op.batch_alter_table("interview_questions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_interview_questions_main_position",
            sqlite_where=sa.text("follow_up_of_id IS NULL"),
            postgresql_where=sa.text("follow_up_of_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_interview_questions_interview_id"))

    op.drop_table("interview_questions")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_user_created")

    op.drop_table("interviews")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_user_id"))

    op.drop_table("auth_sessions")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("ai_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_calls_user_id"))

    op.drop_table("ai_calls")
    op.drop_table("users")
    with op.batch_alter_table("question_bank", schema=None) as batch_op:
        batch_op.drop_index("ix_question_bank_type_difficulty")
        batch_op.drop_index(batch_op.f("ix_question_bank_area"))

    op.drop_table("question_bank")
