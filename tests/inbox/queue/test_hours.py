"""Business hours and the wait estimate (pure functions)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from inbox.queue.hours import BusinessHours, parse
from inbox.queue.store import estimate_wait

HOURS = "Mon-Fri 08:00-18:00, Sat 09:00-13:00"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "moment, is_open",
    [
        ("2026-11-25T10:00", True),  # Wednesday, GMT
        ("2026-11-25T18:00", False),  # closing time is exclusive
        ("2026-11-28T12:59", True),  # Saturday
        ("2026-11-29T12:00", False),  # Sunday
        ("2026-06-03T07:30", True),  # 08:30 in London (BST)
    ],
)
def test_open_in_london_time(moment, is_open):
    assert BusinessHours(HOURS, "Europe/London").is_open(utc(moment)) is is_open


def test_next_opening_after_saturday_is_monday_morning():
    assert BusinessHours(HOURS).next_opening(utc("2026-11-28T14:00")) == utc("2026-11-30T08:00")
    assert BusinessHours(HOURS).next_opening(utc("2026-11-25T10:00")) is None


def test_always_open_and_bad_specs():
    assert BusinessHours("24/7").is_open(utc("2026-11-29T03:00"))
    with pytest.raises(ValueError):
        parse("Mon-Fri 9-5")
    with pytest.raises(ValueError):
        parse("Mon 18:00-08:00")


def test_wrapping_day_range():
    assert [w.weekday for w in parse("Sat-Mon 10:00-12:00")] == [5, 6, 0]


def test_wait_is_position_times_handle_time_over_available_agents():
    assert estimate_wait(3, 0, 120) == 360
    assert estimate_wait(3, 2, 120) == 180
    assert estimate_wait(0, 2, 120) == 0


def test_figures_outside_business_hours_name_the_next_opening(tmp_path):
    from inbox.db import make_engine, make_session_factory
    from inbox.migrate import upgrade
    from inbox.queue import store as queue_store

    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        figures = queue_store.figures(
            session=session,
            hours=BusinessHours(HOURS),
            avg_handle_seconds=120,
            now=utc("2026-11-29T12:00"),
        )  # Sunday noon
    assert figures.within_business_hours is False
    assert figures.next_opening == utc("2026-11-30T08:00")
    assert (figures.queue_length, figures.agents_available, figures.estimated_wait_seconds) == (
        0,
        0,
        120,
    )
