"""The satisfaction rating a customer gives, as the widget sends it and the inbox stores it.

One model for both sides (the web chat server validates it before passing it on, the
inbox validates it again on arrival), so the two can never disagree on what is accepted.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, validator

MAX_COMMENT_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RatingIn(BaseModel):
    """One satisfaction rating (customer text: untrusted)."""

    score: int = Field(..., ge=1, le=5)
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    handoff_key: str | None = Field(None, max_length=64)

    class Config:
        extra = "forbid"

    @validator("comment")
    def clean_comment(cls, value: str | None) -> str | None:
        """Control characters out, blank means none (shown escaped in the inbox)."""
        if value is None:
            return None
        value = _CONTROL.sub("", value).strip()
        return value or None
