"""GitHub settings, read from the environment (prefix ``MOCKROOM_GITHUB_``) and ``.env``.

Without a client id and secret, "Sign in with GitHub" is hidden and users can still link a
public username. The two base URLs point at github.com by default; GitHub Enterprise Server
uses ``https://HOST`` and ``https://HOST/api/v3``.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SCOPES = "read:user user:email"


class GithubSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MOCKROOM_GITHUB_", env_file=".env", extra="ignore"
    )

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    web_url: str = "https://github.com"
    api_url: str = "https://api.github.com"
    # The OAuth callback GitHub redirects to. Empty: derived from the request, which is right
    # unless a proxy rewrites the host; it must match the OAuth app's registered callback.
    callback_url: str = ""

    repository_limit: int = Field(default=30, ge=1, le=100)
    # Manifest files are read from this many of the top repositories (one listing each, then
    # only the manifests present), which keeps an unauthenticated sync inside GitHub's budget.
    manifest_repositories: int = Field(default=5, ge=0, le=10)
    stale_hours: float = Field(default=24.0, gt=0)
    timeout_seconds: float = Field(default=10.0, gt=0)
    # A rate-limit reset closer than this is waited for; a later one is reported to the user.
    rate_limit_max_wait_seconds: float = Field(default=5.0, ge=0, le=60)

    @field_validator("web_url", "api_url", "callback_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.client_id and self.client_secret.get_secret_value())

    @property
    def authorize_url(self) -> str:
        return f"{self.web_url}/login/oauth/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.web_url}/login/oauth/access_token"


github_settings = GithubSettings()
