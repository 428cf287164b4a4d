"""The next abusive customer goes to someone else while anyone else is free."""

from __future__ import annotations

from tests.inbox.care.test_breaks import ABUSIVE, handled
from tests.inbox.helpers import create_handoff


def _abusive_waiting(inbox) -> str:
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/messages",
        json={"message_id": "c1", "text": "idiots", "frustration": ABUSIVE},
    ).raise_for_status()
    return key


def _plan(client) -> dict[str, tuple[str | None, bool]]:
    return {
        i["handoff_key"]: (i["agent_name"], i["abusive"])
        for i in client.get("/api/v1/routing").json()["items"]
    }


def test_an_agent_just_out_of_an_abusive_conversation_is_spared_the_next_one(tools_inbox) -> None:
    sam, kim = tools_inbox.agent("sam"), tools_inbox.agent("kim")
    handled(tools_inbox, sam, abusive=True)
    for agent in (sam, kim):
        agent.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    kim_busy = create_handoff(tools_inbox.bot())["handoff_key"]
    kim.post(f"/api/v1/handoffs/{kim_busy}/claim").raise_for_status()  # Kim has more work
    rude = _abusive_waiting(tools_inbox)
    assert _plan(sam)[rude] == ("Kim", True)


def test_two_abusive_customers_in_a_row_go_to_two_different_agents(tools_inbox) -> None:
    sam, kim = tools_inbox.agent("sam"), tools_inbox.agent("kim")
    for agent in (sam, kim):
        agent.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    first, second = _abusive_waiting(tools_inbox), _abusive_waiting(tools_inbox)
    plan = _plan(sam)
    assert {plan[first][0], plan[second][0]} == {"Sam", "Kim"}


def test_when_nobody_else_is_free_the_same_agent_is_offered_it(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    handled(tools_inbox, sam, abusive=True)
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    rude = _abusive_waiting(tools_inbox)
    assert _plan(sam)[rude] == ("Sam", True)


def test_nobody_available_means_nobody_offered(tools_inbox) -> None:
    key = create_handoff(tools_inbox.bot())["handoff_key"]
    assert _plan(tools_inbox.bot())[key] == (None, False)
