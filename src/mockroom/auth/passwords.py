"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps sign-in timing the same either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

PASSWORD_RULES = (
    (re.compile(r".{8,}", re.DOTALL), "at least 8 characters"),
    (re.compile(r"[A-Z]"), "an upper-case letter"),
    (re.compile(r"[a-z]"), "a lower-case letter"),
    (re.compile(r"[0-9]"), "a digit"),
    (re.compile(r"[^A-Za-z0-9]"), "a special character"),
)


def password_problems(password: str) -> list[str]:
    return [rule for pattern, rule in PASSWORD_RULES if not pattern.search(password)]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
