"""Wrap-up notes: the draft from recorded handoffs (tests/inbox/data/), and the API to save it.

The fixtures were recorded with the real stack (tests/stack.py): the summary is what
the bot sent, the messages what the inbox stored during the handoff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from inbox.wrapup.draft import Ending, Line, commitments, draft_note
from tests.inbox.helpers import create_handoff

DATA = Path(__file__).resolve().parents[1] / "data"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"handoff_{name}.json").read_text())


def draft_of(name: str) -> str:
    record = recorded(name)
    lines = [
        Line(m["sender"], m["text"], m["abusive"], m["agent_name"]) for m in record["messages"]
    ]
    latest = record["latest_frustration"]
    ending = Ending(
        status=record["status"],
        resolution=record["resolution"],
        customer_ended=record["customer_ended"],
        agent_name=record["agent_name"],
        latest_level=latest["level"],
        latest_score=latest["score"],
        contact_preference=record["contact_preference"],
    )
    return draft_note(record["summary"], lines, ending)


def sections(note: str) -> dict[str, str]:
    out = {}
    for block in note.split("\n\n"):
        title, _, body = block.partition(":\n")
        out[title] = body
    return out


def test_every_draft_has_the_five_sections_in_order() -> None:
    for path in sorted(DATA.glob("handoff_*.json")):
        note = draft_of(path.stem.removeprefix("handoff_"))
        assert list(sections(note)) == [
            "Problem",
            "Facts",
            "What the bot did",
            "What the agent did",
            "Outcome",
        ], path


def test_the_draft_is_deterministic() -> None:
    assert draft_of("late_parcel") == draft_of("late_parcel")


def test_late_parcel_redelivery_and_voucher_resolved() -> None:
    note = sections(draft_of("late_parcel"))
    assert note["Problem"].startswith(
        "Find out where order 10482 is (and has complained about it)."
    )
    assert "“where is my order?”" in note["Problem"]
    assert "- Order: 10482 (ownership verified)" in note["Facts"]
    assert "- Order status: in transit with DPD since 17 November" in note["Facts"]
    assert "- Customer: Dana Whitfield (dana.whitfield@example.com), verified" in note["Facts"]
    assert (
        "- Frustration: frustrated (0.99) when handed off; calm (0.31) at their last message"
        in note["Facts"]
    )
    assert (
        "- Looked up order 10482 — told the customer it is in transit" in note["What the bot did"]
    )
    assert (
        "Handed off to a person (frustration): repeated the same request 2 times"
        in note["What the bot did"]
    )
    assert "- Sam replied 2 times" in note["What the agent did"]
    assert (
        "Redelivery arranged, Voucher or credit offered: “I've asked DPD to redeliver it tomorrow"
        in note["What the agent did"]
    )
    assert note["Outcome"].splitlines() == [
        "- Resolved: DPD redelivers tomorrow before 12:00; £10 voucher added",
        "- Customer's last message: “ok thank you, that helps”",
    ]


def test_cancel_request_handed_back_names_the_order_from_the_chat() -> None:
    note = sections(draft_of("cancel_request"))
    assert note["Problem"].splitlines() == [
        "Cancel an order.",
        "In the customer's words: “I want to cancel my order”",
        "To the agent: “I want to cancel order 10502, I ordered the wrong size”",
    ]
    assert "- Order number mentioned to the agent: 10502" in note["Facts"]
    assert (
        "- Handed off to a person (request): asked for a person ('talk to a human')"
        in note["What the bot did"]
    )
    assert (
        "Refund issued, Order cancelled: “No problem: I've cancelled order 10502"
        in note["What the agent did"]
    )
    assert note["Outcome"].startswith(
        "- Handed back to the bot: Order 10502 cancelled, refund processed"
    )


def test_churn_and_abuse_callback_customer_ended() -> None:
    note = sections(draft_of("churn_abuse"))
    assert "- Abusive language: 1 message (masked in the inbox)" in note["Facts"]
    assert "idiots" not in note["Problem"]  # insults are never quoted as the problem
    assert "Handed off to a person (abuse): " in note["What the bot did"]
    assert (
        "- Callback arranged: “I'll call you back within the hour once I've spoken to DPD.”"
        in note["What the agent did"]
    )
    assert (
        "- Resolved: Callback promised within the hour after checking with DPD" in note["Outcome"]
    )
    assert "- The customer ended the chat" in note["Outcome"]
    assert "clicked" not in note["Outcome"]


def test_damaged_item_replacement_and_return_label() -> None:
    note = sections(draft_of("damaged_item"))
    assert note["Problem"].startswith("Make a complaint about order 10377.")
    assert "“the box was crushed and one of the items is broken”" in note["Problem"]
    assert "- Order: 10377 (ownership not verified)" in note["Facts"]
    assert (
        "Replacement sent, Return label sent, Email sent: “I'm sending a replacement today"
        in note["What the agent did"]
    )
    assert "- Resolved: Replacement sent by express; return label emailed" in note["Outcome"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I've issued a full refund to your card.", ["Refund issued"]),
        ("I can't refund this, sorry.", []),
        ("Our refund policy allows 30 days.", []),
        ("We'll call you back tomorrow morning.", ["Callback arranged"]),
        ("I have updated the delivery address to 1 High St.", ["Delivery address changed"]),
        ("Do you have your address?", []),
        ("I'll send a new pair today. Anything else?", ["Replacement sent"]),
    ],
)
def test_commitments(text, expected) -> None:
    assert [label for label, _ in commitments(text)] == expected


def test_an_open_conversation_without_replies_says_so() -> None:
    note = sections(draft_note({}, [], Ending(status="claimed", agent_name="Kim")))
    assert note["Problem"] == "Not stated: read the transcript."
    assert note["What the agent did"] == "- Kim took the conversation and sent no reply"
    assert note["Outcome"] == "- Still open (claimed)"


# -- the API ----------------------------------------------------------------------------------
def test_resolve_then_draft_then_save(inbox) -> None:
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot)["handoff_key"]
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    sam.post(
        f"/api/v1/handoffs/{key}/replies", json={"text": "I've arranged a redelivery for Friday."}
    ).raise_for_status()
    early = sam.put(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "too early"})
    assert early.status_code == 409
    sam.post(
        f"/api/v1/handoffs/{key}/resolve", json={"note": "Redelivery on Friday"}
    ).raise_for_status()

    wrap = sam.get(f"/api/v1/handoffs/{key}/wrap-up").json()
    assert wrap["saved_note"] is None
    assert "Find out why order 10482 has not arrived." in wrap["draft"]
    assert "- Redelivery arranged: “I've arranged a redelivery for Friday.”" in wrap["draft"]
    assert "- Resolved: Redelivery on Friday" in wrap["draft"]

    edited = wrap["draft"] + "\n\nNote: customer prefers email."
    saved = sam.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": edited})
    assert saved.status_code == 200, saved.text
    assert saved.json()["saved_note"] == edited and saved.json()["saved_by"] == "Sam"
    conversation = sam.get(f"/api/v1/handoffs/{key}").json()
    assert conversation["wrap_up_note"] == edited and conversation["wrap_up_saved_by"] == "Sam"
    again = sam.put(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "Shorter note"}).json()
    assert again["saved_note"] == "Shorter note"

    # The replaced note's words are no longer findable; the saved one's are.
    assert sam.get("/api/v1/search", params={"q": "customer prefers email"}).json()["items"] == []
    hits = sam.get("/api/v1/search", params={"q": "shorter note"}).json()["items"]
    assert [h["handoff_key"] for h in hits] == [key]
    assert hits[0]["wrap_up_note"] == "Shorter note"
    blank = sam.put(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "   \n "})
    assert blank.status_code == 422
    assert sam.get(f"/api/v1/handoffs/{key}/wrap-up").json()["saved_note"] == "Shorter note"
    page = sam.get(f"/conversations/{key}").text
    assert '<div class="wrap-up-note" id="wrap-up-note">Shorter note</div>' in page
    assert "Saved by Sam" in page


def test_saving_needs_csrf_and_the_right_agent(inbox) -> None:
    bot, sam, kim, ada = inbox.bot(), inbox.agent("sam"), inbox.agent("kim"), inbox.agent("ada")
    key = create_handoff(bot)["handoff_key"]
    sam.post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    sam.post(f"/api/v1/handoffs/{key}/resolve", json={"note": "done"}).raise_for_status()
    no_csrf = sam.post(
        f"/api/v1/handoffs/{key}/wrap-up", json={"note": "x"}, headers={"X-CSRF-Token": ""}
    )
    assert no_csrf.status_code == 403
    assert kim.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "not mine"}).status_code == 403
    assert (
        ada.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "admin fixes it"}).status_code
        == 200
    )
    assert bot.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "bot"}).status_code in (
        401,
        403,
    )
    assert sam.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": ""}).status_code == 422
    assert (
        sam.post(f"/api/v1/handoffs/{key}/wrap-up", json={"note": "x" * 10001}).status_code == 422
    )
    assert sam.get(f"/api/v1/handoffs/{key}/wrap-up").json()["saved_note"] == "admin fixes it"
    # Agents only: the bot's bearer has no need to read agents' notes (least privilege).
    assert bot.get(f"/api/v1/handoffs/{key}/wrap-up").status_code == 401
    assert sam.get("/api/v1/handoffs/unknown/wrap-up").status_code == 404


def test_order_numbers_of_five_to_seven_digits_are_noted() -> None:
    """The wrap-up reads order numbers with the shop's one pattern (northwind_common)."""
    lines = [
        Line("customer", "it's about 1048200 and also #10377, not £10482.50"),
        Line("agent", "I see 1048200 here"),
    ]
    note = draft_note(recorded("late_parcel")["summary"], lines, Ending("claimed"))
    assert "Order numbers mentioned to the agent: 10377, 1048200" in note
