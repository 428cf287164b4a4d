"""Transfer to a colleague or back to the queue, with a note the receiver reads."""

from __future__ import annotations

from sqlalchemy import select

from inbox.models import HandoffTransition
from tests.inbox.helpers import create_handoff


def _claimed(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    return key, sam


def test_transfer_to_a_colleague_with_a_note(tools_inbox) -> None:
    key, sam = _claimed(tools_inbox)
    kim = tools_inbox.agent("kim")
    response = sam.post(
        f"/api/v1/handoffs/{key}/transfer",
        json={"to": "kim", "note": "Refund approved by Ada; just confirm the date"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["claimed_by"] == "Kim"

    conversation = kim.get(f"/api/v1/handoffs/{key}").json()
    assert conversation["status"] == "claimed"
    notes = kim.get(f"/api/v1/handoffs/{key}/notes").json()
    assert [(n["kind"], n["text"], n["agent_name"]) for n in notes] == [
        ("transfer", "Refund approved by Ada; just confirm the date", "Sam")
    ]
    # Kim now answers; Sam no longer can.
    assert kim.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Hi"}).status_code == 201
    assert sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Hi"}).status_code == 403
    # The customer hears who joined, never the note.
    calls = tools_inbox.rasa.wait_for(3)
    assert any("Kim has joined the chat." in str(c) for c in calls)
    assert all("Refund approved" not in str(c) for c in calls)


def test_transfer_back_to_the_queue_keeps_the_note_for_whoever_claims_next(tools_inbox) -> None:
    key, sam = _claimed(tools_inbox)
    kim = tools_inbox.agent("kim")
    response = sam.post(
        f"/api/v1/handoffs/{key}/transfer",
        json={"to": None, "note": "Needs someone who speaks German"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "waiting"
    queue = kim.get("/api/v1/queue").json()
    assert [i["handoff_key"] for i in queue["items"] if i["status"] == "waiting"] == [key]

    kim.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    assert kim.get(f"/api/v1/handoffs/{key}/notes").json()[0]["text"] == (
        "Needs someone who speaks German"
    )
    with tools_inbox.svc.factory.begin() as session:
        events = session.execute(select(HandoffTransition.event)).scalars().all()
    assert events == ["claim", "transfer_to_queue", "claim"]


def test_only_the_owner_or_an_admin_transfers_an_open_conversation(tools_inbox) -> None:
    key, sam = _claimed(tools_inbox)
    kim, ada = tools_inbox.agent("kim"), tools_inbox.agent("ada")
    assert kim.post(f"/api/v1/handoffs/{key}/transfer", json={"to": "kim"}).status_code == 403
    assert sam.post(f"/api/v1/handoffs/{key}/transfer", json={"to": "sam"}).status_code == 409
    assert sam.post(f"/api/v1/handoffs/{key}/transfer", json={"to": "nobody"}).status_code == 404
    assert ada.post(f"/api/v1/handoffs/{key}/transfer", json={"to": "kim"}).status_code == 200

    waiting = create_handoff(tools_inbox.bot())["handoff_key"]
    assert ada.post(f"/api/v1/handoffs/{waiting}/transfer", json={"to": "kim"}).status_code == 409


def test_colleagues_list_shows_who_is_available_and_their_load(tools_inbox) -> None:
    _key, sam = _claimed(tools_inbox)
    kim = tools_inbox.agent("kim")
    kim.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    people = {p["username"]: p for p in sam.get("/api/v1/agents").json()}
    assert people["kim"]["available"] is True
    assert people["sam"]["open_conversations"] == 1
    assert people["kim"]["open_conversations"] == 0
    assert "password_hash" not in str(people)
