"""Chatwoot: contact, conversation, private note, opened; resumes where it failed."""

from __future__ import annotations

from sqlalchemy import select

from inbox.forwarding.chatwoot import md
from inbox.models import Handoff

from .conftest import queue_handoff, rows, run_until_settled, settings
from .fakes import Failure, FakeChatwoot


def _config(chatwoot: FakeChatwoot, **overrides):  # type: ignore[no-untyped-def]
    return settings(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=chatwoot.account_id,
        chatwoot_inbox_id=chatwoot.inbox_id,
        chatwoot_api_token=chatwoot.token,
        **overrides,
    )


def _one_of_each(chatwoot: FakeChatwoot) -> tuple:
    assert len(chatwoot.contacts) == 1
    assert len(chatwoot.conversations) == 1
    [conversation] = chatwoot.conversations.values()
    # the summary note, then the transcript: the customer's line, the bot's as a note
    assert len(chatwoot.messages[conversation["id"]]) == 3
    return (
        next(iter(chatwoot.contacts.values())),
        conversation,
        chatwoot.messages[conversation["id"]][0],
    )


def test_a_handoff_becomes_an_open_conversation_with_a_private_note(factory, chatwoot):
    config = _config(chatwoot)
    key, _ = queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert [f"{c.method} {c.path}" for c in chatwoot.calls()] == [
        "GET /api/v1/accounts/7/contacts/search",
        "POST /api/v1/accounts/7/contacts",
        "POST /api/v1/accounts/7/conversations",
        "POST /api/v1/accounts/7/conversations/101/messages",
        "POST /api/v1/accounts/7/conversations/101/messages",
        "POST /api/v1/accounts/7/conversations/101/messages",
        "POST /api/v1/accounts/7/conversations/101/toggle_status",
    ]
    assert all(c.headers["api_access_token"] == "cw-token-123" for c in chatwoot.calls())
    assert all(c.status == 200 for c in chatwoot.calls())
    contact, conversation, note = _one_of_each(chatwoot)
    assert contact["name"] == "Dana Whitfield" and contact["identifier"].startswith("rasa:web-")
    assert contact["email"] is None  # the masked email (d***@…) is not a real address
    create = chatwoot.calls("POST .*/conversations$")[0].json()
    assert (
        create["status"] == "pending"
        and create["inbox_id"] == 3
        and create["contact_id"] == contact["id"]
    )
    assert create["source_id"] == contact["contact_inboxes"][0]["source_id"]
    assert conversation["additional_attributes"]["northwind_handoff_key"] == key
    assert conversation["status"] == "open"
    assert note["private"] is True and note["message_type"] == 1
    with factory.begin() as session:  # the reason the inbox derived from the bot's summary
        reason = session.execute(select(Handoff.reason)).scalar_one()
    for expected in (
        f"**Why:** {md(reason)}",
        "**Goal:** Find out why order 10482 has not arrived",
        "**Brief:** Dana Whitfield (verified)",
        "**Order:** 10482 (in transit since 3 June)",
        "- Looked up order 10482: ok",
        "**Suggested opening:** Hi Dana",
        f"https://inbox.example.com/conversations/{key}",
    ):
        assert expected in note["content"]
    [row] = rows(factory)
    assert row.status == "delivered"
    assert row.progress == {
        "contact_id": contact["id"],
        "source_id": create["source_id"],
        "conversation_id": conversation["id"],
        "note": True,
        "transcript_done": 2,
        "opened": True,
    }
    transcript = chatwoot.messages[conversation["id"]][1:]
    assert [(m["content"], m["private"], m["message_type"]) for m in transcript] == [
        ("where is my parcel", False, 0),  # incoming: the customer's own words
        ("Assistant: Can you give me your order number?", True, 1),  # never sent out again
    ]


def test_a_real_email_is_sent_and_an_existing_contact_with_it_is_reused(factory, chatwoot):
    existing = chatwoot.add_contact(
        "Dana W.", identifier=None, email="dana@example.com", in_inbox=False
    )
    config = _config(chatwoot)
    payload_summary = {
        "customer": {"name": "Dana Whitfield", "email": "dana@example.com"},
        "goal": "refund",
    }
    queue_handoff(factory, config, summary=payload_summary)
    run_until_settled(factory, config)
    assert (
        chatwoot.calls("POST .*/contacts$") == []
    )  # not created twice (Chatwoot would answer 422)
    assert (
        len(chatwoot.contacts) == 1 and len(existing["contact_inboxes"]) == 1
    )  # linked to our inbox
    [conversation] = chatwoot.conversations.values()
    assert (
        conversation["meta"]["sender"]["id"] == existing["id"] and conversation["status"] == "open"
    )


def test_a_failed_step_resumes_without_a_second_contact(factory, chatwoot):
    config = _config(chatwoot)
    chatwoot.fail("POST .*/conversations$", Failure(503), Failure(500))
    chatwoot.fail("POST .*/toggle_status$", Failure(502))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert len(chatwoot.calls("POST .*/contacts$")) == 1
    assert len(chatwoot.calls("GET .*/contacts/search")) == 1  # the contact step was not redone
    assert [c.status for c in chatwoot.calls("POST .*/conversations$")] == [503, 500, 200]
    assert [c.status for c in chatwoot.calls("toggle_status")] == [502, 200]
    _one_of_each(chatwoot)
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("delivered", 4)


def test_lost_answers_never_duplicate_contact_conversation_or_note(factory, chatwoot):
    config = _config(chatwoot)
    # Chatwoot acts, but the answer never arrives (a 502 from a proxy, say), at every step.
    chatwoot.fail("POST .*/contacts$", Failure(502, lost=True))
    chatwoot.fail("POST .*/conversations$", Failure(502, lost=True))
    chatwoot.fail("POST .*/messages$", Failure(502, lost=True))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    contact, conversation, _note = _one_of_each(chatwoot)
    assert contact["identifier"].startswith("rasa:") and conversation["status"] == "open"
    assert len(chatwoot.calls("POST .*/contacts$")) == 1  # found by identifier on the retry
    assert len(chatwoot.calls("GET .*/contacts/\\d+/conversations")) == 1
    assert len(chatwoot.calls("GET .*/messages$")) == 1
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("delivered", 4)


def test_a_wrong_token_is_a_permanent_failure(factory, chatwoot):
    config = _config(chatwoot)
    chatwoot.token = "rotated"
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == 'chatwoot contact search: HTTP 401 {"error": "Invalid Access Token"}'
    assert chatwoot.contacts == {} and len(chatwoot.calls()) == 1


def test_an_answer_of_an_unexpected_shape_is_retried_then_reported_failed(factory, chatwoot):
    # A proxy or an API change answers 200 with a list: the row must not loop silently.
    config = _config(chatwoot, max_attempts=3)
    chatwoot.fail(
        "POST .*/contacts$",
        *[Failure(status=200, body="[]", headers={"Content-Type": "application/json"})] * 3,
    )
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "unexpected" in row.last_error


def test_customer_words_cannot_become_links_or_formatting_in_the_note(factory, chatwoot):
    config = _config(chatwoot)
    queue_handoff(factory, config, reason="[refund here](https://evil.example) *now*")
    run_until_settled(factory, config)
    _, _, note = _one_of_each(chatwoot)
    assert r"\[refund here\](https://evil.example) \*now\*" in note["content"]
    assert "[refund here](https://evil.example)" not in note["content"]
