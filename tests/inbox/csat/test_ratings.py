"""Ratings from the widget: stored with the conversation, its handoff and agent; CSAT figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from inbox.analytics.figures import period
from inbox.csat.figures import csat_report, figures_of
from inbox.models import Rating
from tests.inbox.helpers import create_handoff

PATH = "/api/v1/conversations/{conv}/ratings/{rid}"


@pytest.fixture()
def clean(inbox):  # type: ignore[no-untyped-def]
    with inbox.svc.factory.begin() as session:
        session.execute(delete(Rating))
    return inbox


def stored(inbox) -> list[Rating]:  # type: ignore[no-untyped-def]
    with inbox.svc.factory() as session:
        return list(session.execute(select(Rating).order_by(Rating.id)).scalars())


def test_a_rating_needs_the_service_secret(clean) -> None:  # type: ignore[no-untyped-def]
    import httpx

    response = httpx.put(
        clean.url + PATH.format(conv="web-1", rid="r-00000000"), json={"score": 5}, timeout=10
    )
    assert response.status_code == 401
    assert stored(clean) == []


def test_rating_after_a_handoff_keeps_handoff_and_agent_and_takes_the_comment_later(
    clean,  # type: ignore[no-untyped-def]
) -> None:
    body = create_handoff(clean.bot())
    key, conv = body["handoff_key"], body["conversation_id"]
    sam = clean.agent("sam")
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    with clean.bot() as bot:
        first = bot.put(
            PATH.format(conv=conv, rid="r-0123abcd"), json={"score": 5, "handoff_key": key}
        )
        assert first.status_code == 201, first.text
        assert first.json() == {
            "rating_id": "r-0123abcd",
            "score": 5,
            "handoff_key": key,
            "agent": "Sam",
            "created": True,
        }
        again = bot.put(
            PATH.format(conv=conv, rid="r-0123abcd"),
            json={"score": 4, "comment": "  <script>x</script>\x07 ", "handoff_key": key},
        )
        assert again.status_code == 200 and again.json()["created"] is False
    [rating] = stored(clean)
    assert (rating.score, rating.comment, rating.conversation_id, rating.agent_name) == (
        4,
        "<script>x</script>",
        conv,
        "Sam",
    )  # kept as text: pages escape it


def test_a_handoff_key_of_another_conversation_is_ignored(clean) -> None:  # type: ignore[no-untyped-def]
    key = create_handoff(clean.bot())["handoff_key"]
    with clean.bot() as bot:
        bot.put(
            PATH.format(conv="web-someone-else", rid="r-0123abcd"),
            json={"score": 1, "handoff_key": key},
        ).raise_for_status()
    [rating] = stored(clean)
    assert (rating.handoff_id, rating.handoff_key, rating.agent_name) == (None, None, None)


@pytest.mark.parametrize("body", [{"score": 0}, {"score": 6}, {"score": 3, "extra": 1}])
def test_invalid_ratings_are_refused(clean, body) -> None:  # type: ignore[no-untyped-def]
    with clean.bot() as bot:
        assert bot.put(PATH.format(conv="web-1", rid="r-0123abcd"), json=body).status_code == 422
        assert bot.put(PATH.format(conv="web-1", rid="bad"), json={"score": 3}).status_code == 422


def test_figures_of_a_group() -> None:
    assert figures_of([]).dict() == {"ratings": 0, "mean_score": None, "csat_percent": None}
    assert figures_of([5, 4, 2, 1]).dict() == {
        "ratings": 4,
        "mean_score": 3.0,
        "csat_percent": 50.0,
    }


def test_csat_per_day_per_agent_with_and_without_handoff(clean) -> None:  # type: ignore[no-untyped-def]
    body = create_handoff(clean.bot())
    day1 = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    day2 = day1 + timedelta(days=1)
    with clean.svc.factory.begin() as session:
        from inbox.conversation import handoffs

        handoff = handoffs.require_handoff(body["handoff_key"], session=session)
        rows = [
            (day1, 5, handoff.id, "Sam"),
            (day1, 2, None, None),
            (day2, 4, handoff.id, "Kim"),
            (day2, 3, handoff.id, "Sam"),
            (day2 + timedelta(days=5), 1, None, None),  # outside the period
        ]
        for i, (at, score, handoff_id, agent) in enumerate(rows):
            session.add(
                Rating(
                    conversation_id=f"web-{i}",
                    rating_id=f"r-0000000{i}",
                    handoff_id=handoff_id,
                    agent_name=agent,
                    score=score,
                    created_at=at,
                    updated_at=at,
                )
            )
    span = period(day1.date(), day2.date(), "UTC")
    with clean.svc.factory() as session:
        report = csat_report(session=session, span=span)
    assert report.total.ratings == 4 and report.total.csat_percent == 50.0
    assert (report.with_handoff.ratings, report.with_handoff.mean_score) == (3, 4.0)
    assert (report.without_handoff.ratings, report.without_handoff.csat_percent) == (1, 0.0)
    assert [(d.date.day, d.all.ratings, d.with_handoff.ratings) for d in report.per_day] == [
        (2, 2, 1),
        (3, 2, 2),
    ]
    assert [(a.agent, a.figures.ratings, a.figures.mean_score) for a in report.per_agent] == [
        ("Kim", 1, 4.0),
        ("Sam", 2, 4.0),
    ]


def test_csat_api_is_for_admins(clean) -> None:  # type: ignore[no-untyped-def]
    assert clean.agent("sam").get("/api/v1/analytics/csat").status_code == 403
    response = clean.agent("ada").get("/api/v1/analytics/csat?days=7")
    assert response.status_code == 200 and len(response.json()["per_day"]) == 7


def test_analytics_page_shows_csat_escaped(clean) -> None:  # type: ignore[no-untyped-def]
    body = create_handoff(clean.bot())
    key, conv = body["handoff_key"], body["conversation_id"]
    clean.agent("kim").post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    with clean.bot() as bot:
        bot.put(PATH.format(conv=conv, rid="r-0123abcd"), json={"score": 5, "handoff_key": key})
        bot.put(PATH.format(conv="web-x", rid="r-0123abce"), json={"score": 2})
    page = clean.agent("ada").get("/admin/analytics?days=7")
    assert page.status_code == 200
    html = page.text
    assert "Customer satisfaction (CSAT)" in html
    assert '<tr><th scope="row">With a person</th><td>1</td><td>5.00</td><td>100%</td></tr>' in html
    assert '<tr><th scope="row">Bot only</th><td>1</td><td>2.00</td><td>0%</td></tr>' in html
    assert '<tr><th scope="row">Kim</th><td>1</td>' in html
