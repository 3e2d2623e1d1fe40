"""Application settings, read from the environment (prefix ``MOCKROOM_``) and ``.env``."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKROOM_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    database_url: str = ""
    # The schema owner's connection for `db upgrade` and `seed`; the app's own role, in
    # database_url, is then subject to row-level security (docs/row-level-security.md).
    migration_database_url: str = ""
    secret_key: str = ""
    session_days: int = Field(default=14, ge=1, le=365)
    max_answer_chars: int = 20_000
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"

    # Rate limits (docs/rate-limits.md). With a Redis URL they hold across workers and servers.
    redis_url: str = ""
    rate_limit_prefix: str = Field(default="mockroom", min_length=1, max_length=100)
    sign_in_failures_per_account: int = Field(default=5, ge=1)
    sign_in_failures_per_ip: int = Field(default=20, ge=1)
    registrations_per_ip: int = Field(default=10, ge=1)
    registrations_per_email: int = Field(default=5, ge=1)
    lockout_seconds: int = Field(default=60, ge=1)
    lockout_max_seconds: int = Field(default=3600, ge=1)
    interviews_per_hour: int = Field(default=30, ge=1)
    answers_per_hour: int = Field(default=120, ge=1)
    study_plans_per_hour: int = Field(default=10, ge=1)
    websocket_messages_per_minute: int = Field(default=30, ge=1)
    # Origins allowed to call the API from a browser; none by default, so CORS stays closed.
    cors_origins: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'mockroom.db'}"
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The signing secret: configured, or generated once and kept under ``data_dir``.

        Production refuses to invent one, because a key that changes on restart would
        silently invalidate every signed value, and one written to local disk is easy to lose.
        """
        if self.secret_key:
            return self.secret_key
        if self.is_production:
            raise RuntimeError("MOCKROOM_SECRET_KEY must be set in production")
        key_file = self.data_dir / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


settings = Settings()
