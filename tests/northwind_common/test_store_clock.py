"""The store's clock: one time zone setting, the store's day around midnight."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from northwind_common.store_clock import (
    DEFAULT_STORE_TIMEZONE,
    as_utc,
    store_date,
    store_timezone,
    store_timezone_name,
    store_today,
)

UTC = timezone.utc


def test_the_default_zone_is_london() -> None:
    assert store_timezone_name({}) == DEFAULT_STORE_TIMEZONE == "Europe/London"


def test_store_timezone_wins_over_the_inbox_s_former_name() -> None:
    env = {"STORE_TIMEZONE": "Europe/Berlin", "INBOX_TIMEZONE": "Europe/Dublin"}
    assert store_timezone_name(env) == "Europe/Berlin"
    assert store_timezone_name({"INBOX_TIMEZONE": "Europe/Dublin"}) == "Europe/Dublin"


def test_an_unknown_zone_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="STORE_TIMEZONE"):
        store_timezone({"STORE_TIMEZONE": "Mars/Olympus_Mons"})


def test_a_summer_evening_in_utc_is_already_tomorrow_in_london() -> None:
    # 23:30 UTC on 1 July is 00:30 BST on 2 July.
    assert store_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert store_date(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)


def test_naive_datetimes_are_utc() -> None:
    naive = datetime(2026, 7, 1, 23, 30)
    assert as_utc(naive) == datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert store_date(naive) == date(2026, 7, 2)


def test_the_zone_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    monkeypatch.setenv("STORE_TIMEZONE", "Asia/Tokyo")  # UTC+9: already 2 December
    assert store_today(lambda: moment) == date(2026, 12, 2)
    monkeypatch.setenv("STORE_TIMEZONE", "America/New_York")
    assert store_today(lambda: moment + timedelta(hours=4)) == date(2026, 12, 1)
