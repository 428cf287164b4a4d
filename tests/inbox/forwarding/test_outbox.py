"""The outbox: order per handoff and target, claims, backoff, resolution events."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from inbox.forwarding import outbox
from inbox.forwarding.base import PermanentError, RetryableError
from inbox.forwarding.worker import Forwarder
from inbox.models import Forward, Handoff, utcnow

from .conftest import SECRET, queue_handoff, rows, run_until_settled, settings
from .fakes import Failure


def _resolve(factory, config, handoff_id: int, by: str = "Sam") -> None:  # type: ignore[no-untyped-def]
    forwarder = Forwarder(factory, config)
    with factory.begin() as session:
        handoff = session.get(Handoff, handoff_id)
        handoff.status, handoff.closed_at, handoff.resolution = (
            "resolved",
            utcnow(),
            "Parcel re-sent <today>",
        )
        forwarder.enqueue_resolved(handoff, by, session=session)
        forwarder.enqueue_resolved(handoff, by, session=session)  # twice: still one row per target
    asyncio.run(forwarder.client.aclose())


def test_backoff_doubles_with_jitter_and_is_capped():
    assert outbox.backoff(1, 5, 900, rng=lambda: 0.0) == 2.5
    assert outbox.backoff(1, 5, 900, rng=lambda: 1.0) == 5.0
    assert outbox.backoff(3, 5, 900, rng=lambda: 1.0) == 20.0
    assert 450 <= outbox.backoff(30, 5, 900) <= 900


def test_retry_after_is_a_floor_and_a_permanent_error_fails_at_once(factory):
    config = settings(slack_webhook_url="http://127.0.0.1:9/hook")
    queue_handoff(factory, config)
    [row] = rows(factory)
    with factory.begin() as session:
        before = utcnow()
        assert (
            outbox.record(
                row.id,
                RetryableError("429", retry_after=30),
                session=session,
                max_attempts=5,
                base=0.05,
                cap=1,
            )
            == "pending"
        )
    [row] = rows(factory)
    assert row.next_attempt_at >= before + timedelta(seconds=30)
    with factory.begin() as session:
        assert (
            outbox.record(
                row.id, PermanentError("gone"), session=session, max_attempts=5, base=1, cap=1
            )
            == "failed"
        )


def test_resolved_waits_behind_created_per_target_and_targets_do_not_wait_for_each_other(
    factory, slack, receiver
):
    config = settings(
        slack_webhook_url=slack.webhook_url, webhook_url=receiver.url + "/h", webhook_secret=SECRET
    )
    _, handoff_id = queue_handoff(factory, config)
    _resolve(factory, config, handoff_id)
    slack.fail("POST", Failure(503), Failure(503))
    run_until_settled(factory, config)
    # The webhook got both events while Slack was still failing its first one.
    hooks = receiver.calls()
    assert [c.json()["type"] for c in hooks] == ["handoff.created", "handoff.resolved"]
    assert hooks[1].at < slack.calls()[-2].at
    assert [c.status for c in slack.calls()] == [503, 503, 200, 200]
    assert ["needs a person" in m["text"] for m in slack.messages] == [True, False]
    assert "Sam resolved conversation web-" in slack.messages[1]["text"]
    resolved = hooks[1].json()["data"]
    assert resolved["status"] == "resolved" and resolved["resolution"] == "Parcel re-sent <today>"
    assert resolved["resolved_by"] == "Sam" and resolved["closed_at"].endswith("Z")
    assert [(r.target, r.event, r.status) for r in rows(factory)] == [
        ("slack", "handoff.created", "delivered"),
        ("webhook", "handoff.created", "delivered"),
        ("slack", "handoff.resolved", "delivered"),
        ("webhook", "handoff.resolved", "delivered"),
    ]


def test_chatwoot_resolves_the_conversation_it_opened(factory, chatwoot):
    config = settings(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
    )
    _, handoff_id = queue_handoff(factory, config)
    _resolve(factory, config, handoff_id, by="Kim")
    chatwoot.fail("POST .*/toggle_status$", Failure(503), Failure(503))  # opening is retried first
    run_until_settled(factory, config)
    [conversation] = chatwoot.conversations.values()
    assert conversation["status"] == "resolved"
    notes = chatwoot.notes(conversation["id"])  # summary, the bot's transcript line, the close
    assert (
        len(notes) == 3
        and notes[2] == r"**Resolved in the agent inbox** by Kim: Parcel re-sent \<today\>"
    )
    assert [c.json()["status"] for c in chatwoot.calls("toggle_status")] == [
        "open",
        "open",
        "open",
        "resolved",
    ]
    assert [r.status for r in rows(factory)] == ["delivered", "delivered"]


def test_resolving_in_chatwoot_fails_when_the_handoff_never_got_there(factory, chatwoot):
    config = settings(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token="wrong",
    )
    _, handoff_id = queue_handoff(factory, config)
    _resolve(factory, config, handoff_id)
    run_until_settled(factory, config)
    created, resolved = rows(factory)
    assert created.status == "failed" and resolved.status == "failed"
    assert "never reached Chatwoot" in resolved.last_error


def test_only_one_worker_can_claim_a_row(factory):
    config = settings(slack_webhook_url="http://127.0.0.1:9/hook")
    queue_handoff(factory, config)
    [row] = rows(factory)
    now = utcnow()
    with factory.begin() as session:
        first = outbox.claim(row.id, now, now + timedelta(seconds=60), session=session)
    with factory.begin() as session:
        second = outbox.claim(row.id, now, now + timedelta(seconds=60), session=session)
    assert first is not None and first.event == "handoff.created" and second is None
    with factory.begin() as session:  # the lease hides it from the loop until it expires
        assert outbox.due(now, session=session).ids == []


def test_an_admin_retry_gives_a_failed_row_new_attempts(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    slack.fail("POST", Failure(410, "channel_is_archived"))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    with factory.begin() as session:
        row = session.execute(select(Forward)).scalar_one()
        assert row.status == "failed"
        outbox.retry(row.id, session=session)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("delivered", 1) and len(slack.messages) == 1
