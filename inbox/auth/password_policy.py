"""Which passwords an inbox account may have: long enough and hard to guess.

Length alone let ``1234567890``, ``aaaaaaaaaa`` and ``password12`` through, so the
strength is estimated with zxcvbn (Dropbox's estimator: common-password lists,
keyboard patterns, repeats, sequences, dates, l33t) and anything it scores below
``MIN_SCORE`` is refused with its own reason. The username and display name count
as known words: a password made of them is weak.

Checked wherever a password is set (``python -m inbox create-admin|create-agent``,
which ``make run`` uses for the first admin); there is no other way to set one.
"""

from __future__ import annotations

from collections.abc import Iterable

from inbox.errors import InboxError

MIN_LENGTH = 10
MAX_LENGTH = 256  # zxcvbn's cost grows with length; argon2 needs no more
# zxcvbn score 3: "safely unguessable" (about 10^8 guesses or more).
MIN_SCORE = 3


class WeakPassword(InboxError):
    """The password is too short, too long or too easy to guess (the message says why)."""

    status_code = 422


def check_password(password: str, *, known_words: Iterable[str] = ()) -> None:
    """Refuse a password an attacker would guess.

    Args:
        password: the proposed password.
        known_words: words tied to the account (username, display name) that
            make a password weaker when it contains them.

    Raises:
        WeakPassword: with a sentence the person choosing it can act on.
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password may have at most {MAX_LENGTH} characters")
    from zxcvbn import zxcvbn  # imported here: loading its word lists takes a moment

    words = [word for phrase in known_words for word in phrase.lower().split() if word]
    result = zxcvbn(password, user_inputs=words)
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        reason = (feedback.get("warning") or "It is too easy to guess").rstrip(".")
        hint = " ".join(feedback.get("suggestions") or ["Use a few unrelated words."])
        raise WeakPassword(f"the password is too weak ({reason[:1].lower()}{reason[1:]}). {hint}")
