"""What the customer's widget asks the inbox: the handoff's state and typing both ways."""

from __future__ import annotations

from inbox.widget.typing import TypingBoard
from tests.inbox.helpers import create_handoff

STATUS = "/api/v1/conversations/{conv}/status"


def status(inbox, conv: str) -> dict:  # type: ignore[no-untyped-def]
    with inbox.bot() as bot:
        response = bot.get(STATUS.format(conv=conv))
        assert response.status_code == 200, response.text
        return response.json()


def test_status_needs_the_service_secret(inbox) -> None:  # type: ignore[no-untyped-def]
    assert inbox.agent("sam").get(STATUS.format(conv="web-1")).status_code == 401


def test_every_bot_call_needs_the_secret_and_a_well_formed_id(inbox) -> None:  # type: ignore[no-untyped-def]
    """The three calls about one conversation share one guard and one id shape."""
    sam, bot = inbox.agent("sam"), inbox.bot()
    calls = [("GET", "status"), ("POST", "typing"), ("GET", "events")]
    for method, tail in calls:
        assert sam.request(method, f"/api/v1/conversations/web-1/{tail}").status_code == 401
        assert bot.request(method, f"/api/v1/conversations/web.1/{tail}").status_code == 422


def test_status_through_waiting_claimed_and_resolved(inbox) -> None:  # type: ignore[no-untyped-def]
    assert status(inbox, "web-nobody")["state"] == "none"
    body = create_handoff(inbox.bot(), priority="normal")
    key, conv = body["handoff_key"], body["conversation_id"]
    create_handoff(inbox.bot(), priority="urgent")  # ahead in the queue
    waiting = status(inbox, conv)
    # Nobody is available yet: the position, but no wait the widget could promise.
    assert (waiting["state"], waiting["queue_position"], waiting["estimated_wait_seconds"]) == (
        "waiting",
        2,
        0,
    )
    sam = inbox.agent("sam")
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    assert status(inbox, conv)["estimated_wait_seconds"] == 240  # 2nd x 2 min / 1 agent
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    claimed = status(inbox, conv)
    assert (claimed["state"], claimed["agent"], claimed["queue_position"]) == (
        "with_agent",
        "Sam",
        0,
    )
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "done"})
    closed = status(inbox, conv)
    assert (closed["state"], closed["closed_as"], closed["handoff_key"]) == (
        "closed",
        "resolved",
        key,
    )
    assert "last_agent_message_at" not in closed


def test_customer_ended_is_closed_for_the_widget(inbox) -> None:  # type: ignore[no-untyped-def]
    body = create_handoff(inbox.bot())
    with inbox.bot() as bot:
        bot.post(
            f"/api/v1/handoffs/{body['handoff_key']}/customer-ended", json={}
        ).raise_for_status()
    ended = status(inbox, body["conversation_id"])
    # Left while waiting: the state machine's "abandoned" (older inboxes: customer_ended_at).
    assert ended["state"] == "closed"
    assert ended["closed_as"] in ("abandoned", "customer_ended")


def test_agent_typing_shows_until_their_message_and_only_for_the_holder(inbox) -> None:  # type: ignore[no-untyped-def]
    body = create_handoff(inbox.bot())
    key, conv = body["handoff_key"], body["conversation_id"]
    sam, kim = inbox.agent("sam"), inbox.agent("kim")
    assert sam.post(f"/api/v1/handoffs/{key}/typing").status_code == 409  # not claimed yet
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    assert kim.post(f"/api/v1/handoffs/{key}/typing").status_code == 409  # not theirs
    assert status(inbox, conv)["agent_typing"] is False
    assert sam.post(f"/api/v1/handoffs/{key}/typing").status_code == 202
    assert status(inbox, conv)["agent_typing"] is True
    sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Here you go"}).raise_for_status()
    assert status(inbox, conv)["agent_typing"] is False  # the signal was about that message


def test_customer_typing_only_for_an_open_handoff(inbox) -> None:  # type: ignore[no-untyped-def]
    with inbox.bot() as bot:
        none = bot.post("/api/v1/conversations/web-nobody/typing")
        assert none.status_code == 202 and none.json() == {"forwarded": False}
        conv = create_handoff(bot)["conversation_id"]
        assert bot.post(f"/api/v1/conversations/{conv}/typing").json() == {"forwarded": True}


def test_typing_board_limits_and_expires() -> None:
    now = [1000.0]
    board = TypingBoard(ttl=6, min_interval=1, clock=lambda: now[0])
    assert board.signal("agent", "k") is True
    assert board.signal("agent", "k") is False  # within the interval
    assert board.is_typing("agent", "k") and not board.is_typing("customer", "k")
    assert not board.is_typing("agent", "k", since=1000.5)  # a message came after
    now[0] += 6
    assert not board.is_typing("agent", "k")


def test_a_hand_back_is_closed_for_the_widget(inbox) -> None:  # type: ignore[no-untyped-def]
    body = create_handoff(inbox.bot())
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").raise_for_status()
    sam.post(f"/api/v1/handoffs/{body['handoff_key']}/handback", json={"resolution": ""})
    closed = status(inbox, body["conversation_id"])
    assert (closed["state"], closed["closed_as"], closed["agent"]) == (
        "closed",
        "handed_back",
        None,
    )
