"""Closed conversations: newest first, filtered by agent, date, outcome and rating, each
row with its outcome and satisfaction."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from inbox.models import Agent, Handoff, Rating
from tests.inbox.helpers import create_handoff

DAY = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def closed_by(inbox, username: str, *, outcome: str, days_ago: int, rating: int | None) -> str:
    """A conversation ``username`` closed with ``outcome`` on DAY - days_ago."""
    bot, agent = inbox.bot(), inbox.agent(username)
    key = create_handoff(bot)["handoff_key"]
    agent.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    path = "resolve" if outcome == "resolved" else "handback"
    body = {"note": "ok"} if outcome == "resolved" else {"resolution": "ok"}
    agent.post(f"/api/v1/handoffs/{key}/{path}", json=body).raise_for_status()
    with inbox.svc.factory.begin() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.key == key)
            .values(closed_at=DAY - timedelta(days=days_ago))
        )
        if rating is not None:
            handoff = session.query(Handoff).filter(Handoff.key == key).one()
            agent_id = session.query(Agent.id).filter(Agent.username == username).scalar()
            session.add(
                Rating(
                    conversation_id=handoff.conversation_id,
                    rating_id=f"r-{key}",
                    handoff_id=handoff.id,
                    handoff_key=key,
                    agent_id=agent_id,
                    score=rating,
                    comment="quick and kind" if rating >= 4 else None,
                )
            )
    return key


def keys(client, **params) -> list[str]:
    response = client.get("/api/v1/closed", params=params)
    assert response.status_code == 200, response.text
    return [row["handoff_key"] for row in response.json()["items"]]


def test_the_list_opens_on_the_newest_with_outcome_and_satisfaction(inbox) -> None:
    old = closed_by(inbox, "sam", outcome="resolved", days_ago=3, rating=5)
    new = closed_by(inbox, "kim", outcome="handed_back", days_ago=0, rating=None)
    create_handoff(inbox.bot())  # still waiting: never listed
    sam = inbox.agent("sam")
    rows = sam.get("/api/v1/closed").json()["items"]
    assert [r["handoff_key"] for r in rows] == [new, old]
    assert (rows[0]["outcome_label"], rows[0]["rating"], rows[0]["agent_name"]) == (
        "Handed back to the bot",
        None,
        "Kim",
    )
    assert (rows[1]["outcome"], rows[1]["rating"], rows[1]["rating_comment"]) == (
        "resolved",
        5,
        "quick and kind",
    )


def test_filters_by_agent_date_outcome_and_rating(inbox) -> None:
    a = closed_by(inbox, "sam", outcome="resolved", days_ago=5, rating=2)
    b = closed_by(inbox, "sam", outcome="handed_back", days_ago=1, rating=5)
    c = closed_by(inbox, "kim", outcome="resolved", days_ago=1, rating=None)
    sam = inbox.agent("sam")
    assert keys(sam, agent="sam") == [b, a]
    assert keys(sam, agent="kim") == [c]
    assert keys(sam, agent="nobody") == []
    assert keys(sam, outcome="resolved") == [c, a]
    assert keys(sam, rating=5) == [b]
    assert keys(sam, rating=0) == [c]
    day = (DAY - timedelta(days=1)).date().isoformat()
    assert set(keys(sam, since=day, until=day)) == {b, c}
    assert keys(sam, until=(DAY - timedelta(days=2)).date().isoformat()) == [a]
    assert keys(sam, agent="sam", outcome="resolved", rating=2) == [a]


def test_pages_follow_each_other_without_gaps_or_repeats(inbox) -> None:
    made = [closed_by(inbox, "sam", outcome="resolved", days_ago=d, rating=None) for d in range(5)]
    sam = inbox.agent("sam")
    first = sam.get("/api/v1/closed", params={"limit": 2}).json()
    second = sam.get("/api/v1/closed", params={"limit": 2, "before": first["next_before"]}).json()
    third = sam.get("/api/v1/closed", params={"limit": 2, "before": second["next_before"]}).json()
    seen = [r["handoff_key"] for page in (first, second, third) for r in page["items"]]
    assert seen == made  # days_ago 0..4: newest first
    assert third["next_before"] is None


def test_bad_filters_are_refused(inbox) -> None:
    sam = inbox.agent("sam")
    assert sam.get("/api/v1/closed", params={"outcome": "waiting"}).status_code == 422
    assert sam.get("/api/v1/closed", params={"rating": 7}).status_code == 422
    assert sam.get("/api/v1/closed", params={"before": "yesterday"}).status_code == 422
    assert inbox.bot().get("/api/v1/closed").status_code == 200  # tools read it with the secret


def test_the_page_filters_and_shows_outcome_and_satisfaction_escaped(inbox) -> None:
    rated = closed_by(inbox, "sam", outcome="resolved", days_ago=2, rating=4)
    other = closed_by(inbox, "kim", outcome="handed_back", days_ago=1, rating=None)
    with inbox.svc.factory.begin() as session:
        session.execute(
            update(Handoff).where(Handoff.key == rated).values(customer_name="<b>Eve</b>")
        )
    sam = inbox.agent("sam")
    page = sam.get("/search").text
    assert page.index(other) < page.index(rated)  # newest first
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page
    assert 'aria-label="4 of 5"' in page and "Handed back to the bot" in page
    assert "Not rated" in page

    only_sam = sam.get("/search", params={"agent": "sam", "rating": "4"}).text
    assert rated in only_sam and other not in only_sam
    nothing = sam.get("/search", params={"outcome": "abandoned"}).text
    assert "No closed conversation matches these filters." in nothing
    odd = sam.get("/search", params={"rating": "eleven"}).text
    assert "Ignored: rating" in odd and rated in odd
