"""``UtcDateTime``: the one SQLAlchemy column type for moments, used by the order
database and the inbox.

Stored as naive UTC on every backend (SQLite has no time zones, PostgreSQL's
``timestamp without time zone`` then compares the same way), returned as aware
UTC. A naive datetime given to it is taken as UTC, the same rule as
``store_clock.as_utc``: every timestamp the project produces is UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from northwind_common.store_clock import as_utc


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes out, naive UTC in the table; naive input is UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)
