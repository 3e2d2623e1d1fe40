"""Authenticated encryption for what must stay secret on disk or in a browser cookie.

Each purpose gets its own key, derived from the app's secret key, so a value sealed for one
purpose (an access token at rest, say) is worthless when presented as another (a cookie).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

AT_REST = "github access token at rest"
STATE_COOKIE = "github oauth state"
PENDING_COOKIE = "github pending link"


class Unreadable(Exception):
    """Tampered with, expired, or sealed under another secret key."""


class Sealer:
    def __init__(self, secret_key: str, purpose: str) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()
        ).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, sealed: str, max_age_seconds: int | None = None) -> str:
        try:
            return self._fernet.decrypt(sealed.encode(), ttl=max_age_seconds).decode()
        except (InvalidToken, UnicodeError, ValueError) as error:
            raise Unreadable() from error

    def seal_json(self, value: dict[str, Any]) -> str:
        return self.seal(json.dumps(value, separators=(",", ":")))

    def open_json(self, sealed: str, max_age_seconds: int) -> dict[str, Any]:
        try:
            value = json.loads(self.open(sealed, max_age_seconds))
        except json.JSONDecodeError as error:
            raise Unreadable() from error
        if not isinstance(value, dict):
            raise Unreadable()
        return value
