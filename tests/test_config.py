"""The secret key: generated once and kept in development, required in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockroom.app import create_app
from mockroom.config import Settings


def test_development_generates_a_key_once_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, environment="development", data_dir=tmp_path, secret_key="")  # type: ignore[call-arg]
    first = settings.resolved_secret_key()
    assert len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings(_env_file=None, data_dir=tmp_path).resolved_secret_key() == first  # type: ignore[call-arg]


def test_production_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, environment="production", data_dir=tmp_path, secret_key="")  # type: ignore[call-arg]
    with pytest.raises(RuntimeError, match="MOCKROOM_SECRET_KEY"):
        create_app(settings)
    assert not (tmp_path / "secret_key").exists()


def test_the_default_database_is_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url="")  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'mockroom.db'}"
