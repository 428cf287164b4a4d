"""Canned replies: placeholders filled from the facts, admins manage, agents insert."""

from __future__ import annotations

from inbox.agent_tools.canned import conversation_facts, fill
from inbox.models import Agent, Handoff
from tests.inbox.helpers import create_handoff

BODY = "Hi {first_name}, I've checked order {order_number}: {order_status}. {agent_name}"


def test_fill_uses_the_facts_and_leaves_a_visible_blank_for_a_missing_one() -> None:
    filled = fill("Hi {first_name}, order {order_number} via {carrier}", {"first_name": "Dana"})
    assert filled.text == "Hi Dana, order [order number] via [carrier]"
    assert filled.blanks == ["order_number", "carrier"]
    assert "None" not in filled.text


def test_an_unknown_placeholder_is_a_blank_too_and_braces_stay_literal_otherwise() -> None:
    filled = fill("Code {voucher_code} {First_Name} {}", {})
    assert filled.text == "Code [voucher code] {First_Name} {}"
    assert filled.blanks == ["voucher_code"]


def test_facts_come_from_the_handoff_and_skip_empty_values() -> None:
    handoff = Handoff(
        customer_name="Dana Whitfield",
        order_number="",
        summary={"facts": {"order_number": "10482", "carrier": None, "order_total": "£89.00"}},
    )
    facts = conversation_facts(handoff, Agent(display_name="Kim"))
    assert facts["first_name"] == "Dana"
    assert facts["order_number"] == "10482"
    assert facts["order_total"] == "£89.00"
    assert facts["agent_name"] == "Kim"
    assert "carrier" not in facts


def test_admins_manage_canned_replies_and_agents_cannot(tools_inbox) -> None:
    ada, sam = tools_inbox.agent("ada"), tools_inbox.agent("sam")
    reply = {"shortcut": "/Late", "title": "Parcel late", "body": BODY}
    assert sam.post("/api/v1/canned-replies", json=reply).status_code == 403
    created = ada.post("/api/v1/canned-replies", json=reply)
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert created.json()["shortcut"] == "late"
    assert ada.post("/api/v1/canned-replies", json=reply).status_code == 409
    bad = ada.post("/api/v1/canned-replies", json={**reply, "shortcut": "has space"})
    assert bad.status_code == 422

    edited = ada.put(f"/api/v1/canned-replies/{rid}", json={**reply, "title": "Late parcel"})
    assert edited.status_code == 200 and edited.json()["title"] == "Late parcel"
    assert sam.put(f"/api/v1/canned-replies/{rid}", json=reply).status_code == 403
    assert [r["shortcut"] for r in sam.get("/api/v1/canned-replies").json()] == ["late"]

    assert sam.delete(f"/api/v1/canned-replies/{rid}").status_code == 403
    assert ada.delete(f"/api/v1/canned-replies/{rid}").status_code == 204
    assert sam.get("/api/v1/canned-replies").json() == []
    assert ada.delete(f"/api/v1/canned-replies/{rid}").status_code == 404


def test_a_conversation_gets_each_reply_filled_with_its_facts(tools_inbox) -> None:
    ada, sam, bot = tools_inbox.agent("ada"), tools_inbox.agent("sam"), tools_inbox.bot()
    ada.post(
        "/api/v1/canned-replies", json={"shortcut": "late", "title": "Late", "body": BODY}
    ).raise_for_status()
    ada.post(
        "/api/v1/canned-replies",
        json={"shortcut": "track", "title": "Tracking", "body": "Track it here: {tracking_url}"},
    ).raise_for_status()
    key = create_handoff(bot)["handoff_key"]

    filled = {r["shortcut"]: r for r in sam.get(f"/api/v1/handoffs/{key}/canned-replies").json()}
    assert filled["late"]["text"] == (
        "Hi Dana, I've checked order 10482: in transit since 3 June. Sam"
    )
    assert filled["late"]["blanks"] == []
    assert filled["track"]["text"] == "Track it here: [tracking link]"
    assert filled["track"]["blanks"] == ["tracking_url"]


def test_canned_replies_need_an_agent_session(tools_inbox) -> None:
    bot = tools_inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    assert bot.get("/api/v1/canned-replies").status_code == 401
    assert bot.get(f"/api/v1/handoffs/{key}/canned-replies").status_code == 401
