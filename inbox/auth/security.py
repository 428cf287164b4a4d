"""Passwords, signed session cookies and CSRF tokens.

- Passwords: argon2id (argon2-cffi defaults).
- Session: an itsdangerous-signed, timestamped cookie holding the agent id, the
  CSRF token of that session and the agent's session epoch (bumped at logout, which
  revokes every earlier cookie); HttpOnly, SameSite=Lax, Secure when configured.
- CSRF: every state-changing agent request must send the session's token in the
  ``X-CSRF-Token`` header (JSON API) or the ``csrf_token`` form field (pages). Before
  login, a short-lived signed ``inbox_prelogin`` cookie carries the token instead.
- The login limit is ``inbox.auth.throttle`` (per account and per IP, back-off).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "inbox_session"
PRELOGIN_COOKIE = "inbox_prelogin"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random URL-safe token (CSRF, message ids)."""
    return secrets.token_urlsafe(24)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison that is False when either side is missing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


@dataclass(frozen=True)
class SessionData:
    """What the session cookie carries."""

    agent_id: int
    csrf: str
    epoch: int = 0


class SessionCodec:
    """Signs and reads the session and pre-login cookies."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="inbox-session")
        self._prelogin = URLSafeTimedSerializer(secret, salt="inbox-prelogin")
        self.max_age = max_age_seconds

    def dump(self, data: SessionData) -> str:
        return self._session.dumps({"a": data.agent_id, "c": data.csrf, "e": data.epoch})

    def load(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            raw = self._session.loads(cookie, max_age=self.max_age)
            return SessionData(
                agent_id=int(raw["a"]), csrf=str(raw["c"]), epoch=int(raw.get("e", 0))
            )
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def dump_prelogin(self, token: str) -> str:
        return self._prelogin.dumps(token)

    def load_prelogin(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return str(self._prelogin.loads(cookie, max_age=3600))
        except BadSignature:
            return None
