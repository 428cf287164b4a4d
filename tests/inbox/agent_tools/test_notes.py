"""Notes inside a conversation: agents read them; nothing carries them to Rasa or a desk."""

from __future__ import annotations

from sqlalchemy import func, select

from inbox.models import Delivery, Forward, Message
from tests.inbox.helpers import create_handoff


def _counts(inbox) -> tuple[int, int, int]:
    with inbox.svc.factory.begin() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count(model.id))).scalar_one()
            for model in (Delivery, Forward, Message)
        )


def test_a_note_is_shown_to_agents_and_never_reaches_rasa(tools_inbox) -> None:
    bot, sam, kim = tools_inbox.bot(), tools_inbox.agent("sam"), tools_inbox.agent("kim")
    key = create_handoff(bot)["handoff_key"]
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    tools_inbox.rasa.wait_for(1)  # the "Sam has joined" line
    before_calls = len(tools_inbox.rasa.calls)
    before = _counts(tools_inbox)

    secret = "Customer sounds like a reseller <script>x</script>; check before refunding"
    response = sam.post(f"/api/v1/handoffs/{key}/notes", json={"text": secret})
    assert response.status_code == 201, response.text
    assert response.json()["agent_name"] == "Sam"

    assert [n["text"] for n in kim.get(f"/api/v1/handoffs/{key}/notes").json()] == [secret]
    assert _counts(tools_inbox) == before  # no delivery, no forward, no message row
    sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Hi Dana"}).raise_for_status()
    calls = tools_inbox.rasa.wait_for(before_calls + 1)
    assert all(secret not in str(call) for call in calls)
    transcript = sam.get(f"/api/v1/handoffs/{key}").json()["messages"]
    assert all(secret not in m["text"] for m in transcript)


def test_the_bot_credential_cannot_read_or_write_notes(tools_inbox) -> None:
    bot = tools_inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    assert bot.get(f"/api/v1/handoffs/{key}/notes").status_code == 401
    assert bot.post(f"/api/v1/handoffs/{key}/notes", json={"text": "x"}).status_code == 401


def test_an_empty_note_is_refused(tools_inbox) -> None:
    bot, sam = tools_inbox.bot(), tools_inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    assert sam.post(f"/api/v1/handoffs/{key}/notes", json={"text": "   "}).status_code == 422
    assert sam.get(f"/api/v1/handoffs/{key}/notes").json() == []
