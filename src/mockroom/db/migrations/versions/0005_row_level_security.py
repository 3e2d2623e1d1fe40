"""row-level security on every user-owned table (PostgreSQL only)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

Each policy compares a row with settings the app makes per transaction (see
mockroom/db/row_security.py and docs/row-level-security.md). FORCE makes the policies bind the
tables' owner too, so they hold whichever non-superuser role the app connects as. Referential
actions (ON DELETE CASCADE) and constraint checks are not filtered by row security.
SQLite has no row-level security; there this revision does nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An unset setting reads as NULL and one reset at the end of a transaction as '', so both
# mean "none", and a comparison with NULL matches no row.
FUNCTIONS = {
    "mockroom_actor() RETURNS integer": (
        "SELECT NULLIF(current_setting('mockroom.user_id', true), '')::integer"
    ),
    "mockroom_every_row() RETURNS boolean": (
        "SELECT COALESCE(current_setting('mockroom.every_row', true), '') = 'on'"
    ),
    "mockroom_lookup_email() RETURNS text": (
        "SELECT NULLIF(current_setting('mockroom.lookup_email', true), '')"
    ),
    "mockroom_lookup_token() RETURNS text": (
        "SELECT NULLIF(current_setting('mockroom.lookup_token', true), '')"
    ),
    "mockroom_lookup_github_id() RETURNS bigint": (
        "SELECT NULLIF(current_setting('mockroom.lookup_github_id', true), '')::bigint"
    ),
}

ACTOR_OWNS_INTERVIEW = (
    "EXISTS (SELECT 1 FROM interviews AS owned"
    " WHERE owned.id = {table}.interview_id AND owned.user_id = mockroom_actor())"
)
ACTOR_OWNS_QUESTION = (
    "EXISTS (SELECT 1 FROM interview_questions AS asked"
    " JOIN interviews AS owned ON owned.id = asked.interview_id"
    " WHERE asked.id = interview_responses.interview_question_id"
    " AND owned.user_id = mockroom_actor())"
)

# table -> (rows the actor may see and change, rows the actor may write). A child row may only
# be written under a parent the actor owns, so a wrong id cannot attach it to another's data.
OWNER_RULES = {
    "users": ("id = mockroom_actor()", "id = mockroom_actor()"),
    "auth_sessions": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
    "api_tokens": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
    "github_accounts": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
    "interviews": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
    "interview_questions": (
        ACTOR_OWNS_INTERVIEW.format(table="interview_questions"),
        ACTOR_OWNS_INTERVIEW.format(table="interview_questions"),
    ),
    "interview_responses": (
        "user_id = mockroom_actor()",
        f"user_id = mockroom_actor() AND {ACTOR_OWNS_QUESTION}",
    ),
    "performance_metrics": (
        "user_id = mockroom_actor()",
        "user_id = mockroom_actor() AND "
        + ACTOR_OWNS_INTERVIEW.format(table="performance_metrics"),
    ),
    "ai_calls": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
    "study_plans": ("user_id = mockroom_actor()", "user_id = mockroom_actor()"),
}

# The security log is append-only: read and add, never change or remove (account deletion
# still removes it through the foreign key's cascade).
APPEND_ONLY = {"audit_events": "user_id = mockroom_actor()"}

# Before anyone acts, a credential shows exactly the row it names, and nothing else:
# (policy, table, command, clause).
CREDENTIAL_POLICIES = [
    ("sign_in", "users", "SELECT", "USING (email = mockroom_lookup_email())"),
    (
        "registration",
        "users",
        "INSERT",
        "WITH CHECK (email = mockroom_lookup_email() AND NOT is_admin)",
    ),
    ("credential", "auth_sessions", "SELECT", "USING (token_hash = mockroom_lookup_token())"),
    ("sign_out", "auth_sessions", "DELETE", "USING (token_hash = mockroom_lookup_token())"),
    ("credential", "api_tokens", "SELECT", "USING (token_hash = mockroom_lookup_token())"),
    (
        "oauth_sign_in",
        "github_accounts",
        "SELECT",
        "USING (linked_via = 'oauth' AND github_id = mockroom_lookup_github_id())",
    ),
]


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _secure(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    if not _on_postgresql():
        return
    for signature, body in FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {signature} LANGUAGE sql STABLE AS $$ {body} $$")
    for table, (visible, writable) in OWNER_RULES.items():
        _secure(table)
        op.execute(f"CREATE POLICY owner ON {table} USING ({visible}) WITH CHECK ({writable})")
        op.execute(
            f"CREATE POLICY every_row ON {table}"
            " USING (mockroom_every_row()) WITH CHECK (mockroom_every_row())"
        )
    for table, owned in APPEND_ONLY.items():
        _secure(table)
        op.execute(f"CREATE POLICY owner_reads ON {table} FOR SELECT USING ({owned})")
        op.execute(f"CREATE POLICY owner_adds ON {table} FOR INSERT WITH CHECK ({owned})")
        op.execute(
            f"CREATE POLICY every_row_reads ON {table} FOR SELECT USING (mockroom_every_row())"
        )
        op.execute(
            f"CREATE POLICY every_row_adds ON {table} FOR INSERT WITH CHECK (mockroom_every_row())"
        )
    for name, table, command, clause in CREDENTIAL_POLICIES:
        op.execute(f"CREATE POLICY {name} ON {table} FOR {command} {clause}")


def downgrade() -> None:
    if not _on_postgresql():
        return
    for name, table, _command, _clause in CREDENTIAL_POLICIES:
        op.execute(f"DROP POLICY {name} ON {table}")
    for table in APPEND_ONLY:
        for name in ("owner_reads", "owner_adds", "every_row_reads", "every_row_adds"):
            op.execute(f"DROP POLICY {name} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in OWNER_RULES:
        op.execute(f"DROP POLICY every_row ON {table}")
        op.execute(f"DROP POLICY owner ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION {signature.split(' RETURNS ')[0]}")
