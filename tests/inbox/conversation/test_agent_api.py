"""Agent side: sessions, CSRF, claims, replies and hand-back reaching (fake) Rasa."""

from __future__ import annotations

import json

import httpx

from tests.inbox.conftest import PASSWORD
from tests.inbox.helpers import create_handoff


def _claimed(inbox, agent="sam"):
    body = create_handoff(inbox.bot())
    client = inbox.agent(agent)
    client.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").raise_for_status()
    return body["handoff_key"], body["conversation_id"], client


def test_reads_and_actions_need_credentials(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    anonymous = httpx.Client(base_url=inbox.url)
    assert anonymous.get("/api/v1/queue").status_code == 401
    assert anonymous.get(f"/api/v1/handoffs/{key}").status_code == 401
    assert anonymous.get("/api/v1/events").status_code == 401
    assert anonymous.post(f"/api/v1/handoffs/{key}/claim").status_code == 401
    forged = httpx.Client(base_url=inbox.url, cookies={"inbox_session": "eyJhIjoxfQ.forged.sig"})
    assert (
        forged.post(f"/api/v1/handoffs/{key}/claim", headers={"X-CSRF-Token": "x"}).status_code
        == 401
    )


def test_the_bot_secret_cannot_act_as_an_agent(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    assert inbox.bot().post(f"/api/v1/handoffs/{key}/claim").status_code == 401


def test_state_changes_without_the_csrf_token_are_refused(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    sam = inbox.agent("sam")
    token = sam.headers.pop("X-CSRF-Token")
    assert sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 403
    assert (
        sam.post(f"/api/v1/handoffs/{key}/claim", headers={"X-CSRF-Token": token + "x"}).status_code
        == 403
    )
    assert sam.post("/api/v1/me/availability", json={"available": True}).status_code == 403
    assert inbox.bot().get(f"/api/v1/handoffs/{key}").json()["status"] == "waiting"
    assert (
        sam.post(f"/api/v1/handoffs/{key}/claim", headers={"X-CSRF-Token": token}).status_code
        == 200
    )


def test_login_response_never_contains_the_password_hash(inbox):
    client = httpx.Client(base_url=inbox.url)
    response = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert response.status_code == 200
    assert "argon2" not in response.text and "password" not in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_login_is_rate_limited_per_username_and_ip(inbox):
    client = httpx.Client(base_url=inbox.url)
    codes = [
        client.post("/api/v1/auth/login", json={"username": "sam", "password": "wrong"}).status_code
        for _ in range(inbox.settings.login_max_attempts)
    ]
    assert codes == [401] * inbox.settings.login_max_attempts
    blocked = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    other = client.post("/api/v1/auth/login", json={"username": "kim", "password": PASSWORD})
    assert other.status_code == 200


def test_only_one_agent_can_claim(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    sam, kim = inbox.agent("sam"), inbox.agent("kim")
    assert sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 200
    conflict = kim.post(f"/api/v1/handoffs/{key}/claim")
    assert conflict.status_code == 409
    assert "Sam" in conflict.json()["detail"]
    assert (
        sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 200
    )  # claiming again is harmless


def test_an_agent_cannot_act_on_a_conversation_claimed_by_another(inbox):
    key, _conv, _sam = _claimed(inbox, "sam")
    kim = inbox.agent("kim")
    assert kim.post(f"/api/v1/handoffs/{key}/replies", json={"text": "hi"}).status_code == 403
    assert kim.post(f"/api/v1/handoffs/{key}/handback", json={"resolution": ""}).status_code == 403
    assert kim.post(f"/api/v1/handoffs/{key}/resolve", json={"note": ""}).status_code == 403
    assert inbox.bot().get(f"/api/v1/handoffs/{key}").json()["status"] == "claimed"


def test_replying_needs_a_claim(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    assert (
        inbox.agent("sam").post(f"/api/v1/handoffs/{key}/replies", json={"text": "hi"}).status_code
        == 409
    )


def test_only_admins_reassign(inbox):
    key, _conv, sam = _claimed(inbox, "sam")
    kim = inbox.agent("kim")
    assert kim.post(f"/api/v1/handoffs/{key}/assign", json={"username": "kim"}).status_code == 403
    ada = inbox.agent("ada")
    response = ada.post(f"/api/v1/handoffs/{key}/assign", json={"username": "kim"})
    assert response.status_code == 200
    assert response.json()["claimed_by"]["username"] == "kim"
    assert (
        sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "still me?"}).status_code == 403
    )
    assert kim.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Kim here"}).status_code == 201
    assert (
        ada.post(f"/api/v1/handoffs/{key}/assign", json={"username": "nobody"}).status_code == 404
    )


def test_claim_and_reply_reach_rasa_in_the_contract_shape(inbox):
    key, conv, sam = _claimed(inbox)
    reply = sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "Hi Dana, I'm on it."})
    assert reply.status_code == 201
    assert reply.json()["delivery_status"] == "delivered"
    joined, sent = inbox.rasa.wait_for(2)[:2]
    assert joined["path"] == sent["path"] == f"/conversations/{conv}/tracker/events"
    assert sent["query"] == {
        "output_channel": "latest",
        "execute_side_effects": "true",
        "token": "rasa-test-token",
    }
    # each line carries its outbox row's id, so a retry can tell it already went out
    joined_id = joined["json"][0]["metadata"]["delivery_id"]
    sent_id = sent["json"][0]["metadata"]["delivery_id"]
    assert isinstance(joined_id, int) and isinstance(sent_id, int) and joined_id != sent_id
    assert joined["json"] == [
        {
            "event": "bot",
            "text": "Sam has joined the chat.",
            "metadata": {
                "source": "system",
                "agent": {"name": "Sam"},
                "kind": "agent_joined",
                "delivery_id": joined_id,
            },
            "data": {"custom": {"data": {"handoff": {"kind": "agent_joined", "agent": "Sam"}}}},
        }
    ]
    assert sent["json"] == [
        {
            "event": "bot",
            "text": "Hi Dana, I'm on it.",
            "metadata": {"agent": {"name": "Sam"}, "source": "agent", "delivery_id": sent_id},
            "data": {"custom": {"data": {"handoff": {"kind": "agent_message", "agent": "Sam"}}}},
        }
    ]


def test_other_channels_get_plain_text_without_the_socketio_marker(inbox):
    body = create_handoff(inbox.bot(), channel="telegram")
    sam = inbox.agent("sam")
    sam.post(f"/api/v1/handoffs/{body['handoff_key']}/claim").raise_for_status()
    sam.post(
        f"/api/v1/handoffs/{body['handoff_key']}/replies", json={"text": "Hello"}
    ).raise_for_status()
    joined, sent = inbox.rasa.wait_for(2)[:2]
    assert "data" not in joined["json"][0] and "data" not in sent["json"][0]
    metadata = sent["json"][0]["metadata"]
    assert sent["json"] == [
        {
            "event": "bot",
            "text": "Hello",
            "metadata": {
                "agent": {"name": "Sam"},
                "source": "agent",
                "delivery_id": metadata["delivery_id"],
            },
        }
    ]


def test_hand_back_resumes_the_bot_and_triggers_the_intent(inbox):
    key, conv, sam = _claimed(inbox)
    response = sam.post(
        f"/api/v1/handoffs/{key}/handback",
        json={"resolution": "refund issued", "customer_message": "your refund is on its way"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "handed_back"
    assert response.json()["resolution"] == "refund issued"  # the internal note, inbox only
    calls = inbox.rasa.wait_for(3)
    resume, trigger = calls[1], calls[2]
    assert resume["path"] == f"/conversations/{conv}/tracker/events" and resume["json"] == [
        {"event": "resume"}
    ]
    assert trigger["path"] == f"/conversations/{conv}/trigger_intent"
    assert trigger["query"] == {"output_channel": "latest", "token": "rasa-test-token"}
    assert trigger["json"] == {
        "name": "agent_handback",
        "entities": {"resolution": "your refund is on its way"},
    }
    response = sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "late"})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This conversation was handed back to the bot; it can no longer be claimed or answered."
    )


def test_an_internal_note_never_reaches_rasa(inbox):
    """Issue 15: the note field was 'shown to the bot on hand-back' and the customer read it."""
    note = "original parcel held at DPD Croydon depot"
    for close in ("handback", "resolve"):
        key, _conv, sam = _claimed(inbox)
        field = "resolution" if close == "handback" else "note"
        sam.post(f"/api/v1/handoffs/{key}/{close}", json={field: note}).raise_for_status()
    calls = inbox.rasa.wait_for(6)
    assert len(calls) >= 6
    assert "Croydon" not in json.dumps([call["json"] for call in inbox.rasa.calls])


def test_reply_is_kept_while_rasa_is_down_and_delivered_later(inbox):
    key, _conv, sam = _claimed(inbox)
    inbox.rasa.wait_for(1)
    inbox.rasa.down = True
    reply = sam.post(f"/api/v1/handoffs/{key}/replies", json={"text": "are you there?"})
    assert reply.status_code == 201
    assert reply.json()["delivery_status"] == "retrying"
    sam.post(f"/api/v1/handoffs/{key}/handback", json={"resolution": "ok"}).raise_for_status()
    inbox.rasa.down = False
    calls = inbox.rasa.wait_for(4)
    # the reply goes out before the hand-back even though both were queued while Rasa was down
    assert calls[1]["json"][0]["text"] == "are you there?"
    assert calls[2]["json"] == [{"event": "resume"}]
    messages = sam.get(f"/api/v1/handoffs/{key}").json()["messages"]
    assert [m["delivery_status"] for m in messages if m["sender"] == "agent"] == ["delivered"]


def test_resolve_closes_with_a_note_and_resumes_the_bot(inbox):
    key, conv, sam = _claimed(inbox)
    response = sam.post(
        f"/api/v1/handoffs/{key}/resolve",
        json={"note": "sent a replacement", "customer_message": "A new pair ships today."},
    )
    assert response.status_code == 200
    assert (
        response.json()["status"] == "resolved"
        and response.json()["resolution"] == "sent a replacement"
    )
    calls = inbox.rasa.wait_for(4)
    closing, resume, trigger = calls[1], calls[2], calls[3]
    assert closing["json"][0]["text"] == (
        "Sam from our team has closed this chat. A new pair ships today. If you need anything"
        " else, just write here: the assistant will answer, and you can ask for a person again"
        " at any time."
    )
    metadata = closing["json"][0]["metadata"]
    assert isinstance(metadata.pop("delivery_id"), int)  # a repeat shows once in Rasa
    assert metadata == {"agent": {"name": "Sam"}, "source": "agent"}
    assert resume["json"] == [{"event": "resume"}]
    assert trigger["path"] == f"/conversations/{conv}/trigger_intent"
    assert trigger["json"] == {"name": "agent_handback", "entities": {"closing": "resolved"}}


def test_closed_conversations_are_searchable(inbox):
    bot = inbox.bot()
    key, _conv, sam = _claimed(inbox)
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "m", "text": "The parcel was soggy"}
    )
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "replacement"}).raise_for_status()
    open_key = create_handoff(bot)["handoff_key"]
    for query in ("dana", "10482", "SOGGY", "d***@example.com", "where is my parcel"):
        hits = [
            h["handoff_key"] for h in sam.get("/api/v1/search", params={"q": query}).json()["items"]
        ]
        assert hits == [key], query
    assert sam.get("/api/v1/search", params={"q": "nothing like this"}).json()["items"] == []
    assert sam.get("/api/v1/search", params={"q": "50%_"}).json()["items"] == []
    with_open = sam.get("/api/v1/search", params={"q": "dana", "include_open": "true"}).json()[
        "items"
    ]
    assert {h["handoff_key"] for h in with_open} == {key, open_key}


def test_availability_and_logout(inbox):
    sam = inbox.agent("sam")
    assert sam.post("/api/v1/me/availability", json={"available": True}).json()["available"] is True
    assert inbox.bot().get("/api/v1/status").json()["agents_available"] == 1
    stolen = httpx.Client(
        base_url=inbox.url, cookies={"inbox_session": sam.cookies["inbox_session"]}
    )
    other_device = inbox.agent("sam")
    assert stolen.get("/api/v1/me").status_code == 200
    assert sam.post("/api/v1/auth/logout").status_code == 200
    assert inbox.bot().get("/api/v1/status").json()["agents_available"] == 0
    assert sam.get("/api/v1/me").status_code == 401
    assert stolen.get("/api/v1/me").status_code == 401  # the cookie itself is revoked
    assert other_device.get("/api/v1/me").status_code == 401
