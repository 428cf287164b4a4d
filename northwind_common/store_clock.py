"""The store's clock: its time zone and what day it is in the store.

Return windows, "was expected 26 November", business hours and the daily
analytics all count in the store's calendar, not the server's (containers run
in UTC, so ``date.today()`` is a day off for an hour or two around midnight in
summer). One setting, ``STORE_TIMEZONE`` (an IANA name, default Europe/London),
read when asked so tests and operators can change it without a restart.
``INBOX_TIMEZONE``, its former name on the inbox side, is still read when
``STORE_TIMEZONE`` is not set.

Times in: aware datetimes; a naive one is taken as UTC (every timestamp the
project stores is UTC). A clock is any ``() -> aware datetime``; code that asks
"what day is it" takes one, so tests pin the time instead of waiting for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STORE_TIMEZONE_ENV = "STORE_TIMEZONE"
LEGACY_TIMEZONE_ENV = "INBOX_TIMEZONE"
DEFAULT_STORE_TIMEZONE = "Europe/London"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, aware, in UTC: the default clock."""
    return datetime.now(timezone.utc)


def store_timezone_name(env: Mapping[str, str] | None = None) -> str:
    """The configured IANA zone name of the store."""
    env = os.environ if env is None else env
    return (
        env.get(STORE_TIMEZONE_ENV) or env.get(LEGACY_TIMEZONE_ENV) or DEFAULT_STORE_TIMEZONE
    ).strip()


def store_timezone(env: Mapping[str, str] | None = None) -> tzinfo:
    """The store's time zone; an unknown name is a configuration error (ValueError)."""
    name = store_timezone_name(env)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"{STORE_TIMEZONE_ENV}={name!r} is not a time zone (e.g. Europe/London)"
        ) from error


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def store_time(moment: datetime) -> datetime:
    """The wall-clock time in the store at ``moment``."""
    return as_utc(moment).astimezone(store_timezone())


def store_date(moment: datetime) -> date:
    """The calendar day in the store at ``moment``."""
    return store_time(moment).date()


def store_today(clock: Clock = utc_now) -> date:
    """Today in the store, by ``clock``."""
    return store_date(clock())
