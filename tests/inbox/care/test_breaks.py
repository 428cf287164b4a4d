"""After an abusive conversation: a break offered, taken in one click, ending on its own."""

from __future__ import annotations

from datetime import timedelta

from inbox.care.breaks import end_due_breaks
from inbox.models import Agent, utcnow
from tests.inbox.helpers import create_handoff

ABUSIVE = {
    "score": 0.95,
    "level": "frustrated",
    "trend": 0.1,
    "reasons": ["abusive language"],
    "signals": {"abuse": 2.4},
    "abusive": True,
}


def handled(inbox, agent, *, abusive: bool) -> str:
    """A conversation ``agent`` claims and resolves; the customer insulted them or not."""
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    agent.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={
            "message_id": "c1",
            "text": "you useless idiots" if abusive else "thanks",
            **({"frustration": ABUSIVE} if abusive else {}),
        },
    ).raise_for_status()
    agent.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "done"}).raise_for_status()
    return key


def test_no_offer_after_a_calm_conversation(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    handled(tools_inbox, sam, abusive=False)
    assert sam.get("/api/v1/me/care").json()["offer"] is None


def test_a_break_is_offered_after_abuse_and_taking_it_routes_handoffs_to_others(
    tools_inbox,
) -> None:
    sam, kim = tools_inbox.agent("sam"), tools_inbox.agent("kim")
    for agent in (sam, kim):
        agent.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    key = handled(tools_inbox, sam, abusive=True)
    offer = sam.get("/api/v1/me/care").json()["offer"]
    assert offer == {"handoff_key": key, "customer_name": "Dana Whitfield", "minutes": 5}
    assert kim.get("/api/v1/me/care").json()["offer"] is None

    care = sam.post("/api/v1/me/break").json()
    assert care["available"] is False and care["offer"] is None
    assert care["break_until"] is not None
    assert tools_inbox.bot().get("/api/v1/status").json()["agents_available"] == 1

    new = create_handoff(tools_inbox.bot())["handoff_key"]
    plan = {i["handoff_key"]: i["agent_name"] for i in kim.get("/api/v1/routing").json()["items"]}
    assert plan == {new: "Kim"}

    # Time is up: available again, as chosen before the break.
    with tools_inbox.svc.factory.begin() as session:
        back = end_due_breaks(session=session, now=utcnow() + timedelta(minutes=6))
        sam_id = session.query(Agent.id).filter(Agent.username == "sam").scalar()
    assert back == [sam_id]
    assert sam.get("/api/v1/me").json()["available"] is True


def test_declining_the_offer_hides_it_for_that_conversation_only(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    handled(tools_inbox, sam, abusive=True)
    assert sam.post("/api/v1/me/break/decline").json()["offer"] is None
    assert sam.get("/api/v1/me/care").json()["offer"] is None
    second = handled(tools_inbox, sam, abusive=True)
    assert sam.get("/api/v1/me/care").json()["offer"]["handoff_key"] == second


def test_a_break_that_ends_after_logout_leaves_the_agent_away(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    sam.post("/api/v1/me/break").raise_for_status()
    sam.post("/api/v1/auth/logout").raise_for_status()
    with tools_inbox.svc.factory.begin() as session:
        assert end_due_breaks(session=session, now=utcnow() + timedelta(minutes=6)) == []
        assert session.query(Agent.available).filter(Agent.username == "sam").scalar() is False


def test_the_break_ends_on_the_agents_page_and_the_bot_counts_them_again(tools_inbox) -> None:
    from sqlalchemy import update

    from inbox.agent_tools.models import AgentCare

    sam, bot = tools_inbox.agent("sam"), tools_inbox.bot()
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    sam.post("/api/v1/me/break").raise_for_status()
    assert bot.get("/api/v1/queue").json()["figures"]["agents_available"] == 0
    with tools_inbox.svc.factory.begin() as session:  # the five minutes are over
        session.execute(update(AgentCare).values(break_until=utcnow() - timedelta(seconds=1)))
    care = sam.get("/api/v1/me/care").json()
    assert care["available"] is True and care["break_until"] is None
    assert bot.get("/api/v1/queue").json()["figures"]["agents_available"] == 1
