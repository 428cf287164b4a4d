"""Signed webhook: the body, the signature a receiver can verify, a stable event id."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from inbox.forwarding.webhook import sign, verify

from .conftest import SECRET, queue_handoff, rows, run_until_settled, settings
from .fakes import Failure


def test_the_event_is_signed_and_carries_the_summary(factory, receiver):
    config = settings(webhook_url=receiver.url + "/hooks/northwind", webhook_secret=SECRET)
    key, _ = queue_handoff(factory, config)
    run_until_settled(factory, config)
    [call] = receiver.calls()
    assert call.path == "/hooks/northwind" and call.status == 200
    event = call.json()
    assert set(event) == {"id", "type", "created_at", "data"}
    assert event["type"] == "handoff.created" and event["id"].startswith("evt_")
    assert event["created_at"].endswith("Z")
    data = event["data"]
    assert (
        data["handoff_key"] == key and data["priority"] == "high" and data["channel"] == "socketio"
    )
    assert data["frustration_level"] == "frustrated"
    assert data["brief"] == "Dana Whitfield (verified) wants to know where order 10482 is."
    assert data["summary"]["facts"]["order_number"] == "10482"
    assert data["inbox_url"] == f"https://inbox.example.com/conversations/{key}"
    # The signature, recomputed here by hand as a receiver would.
    timestamp = call.headers["x-northwind-timestamp"]
    expected = hmac.new(
        SECRET.encode(), f"{timestamp}.".encode() + call.body, hashlib.sha256
    ).hexdigest()
    assert call.headers["x-northwind-signature"] == f"v1={expected}"
    assert abs(int(timestamp) - time.time()) < 60
    assert call.headers["x-northwind-event-id"] == event["id"]
    assert list(receiver.events) == [event["id"]] and receiver.rejected == 0


def test_a_receiver_with_another_secret_rejects_it_and_the_row_fails(factory, receiver):
    receiver.secret = "another-secret-entirely-0000"
    config = settings(webhook_url=receiver.url + "/hooks", webhook_secret=SECRET)
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert receiver.rejected == 1 and receiver.events == {}
    [row] = rows(factory)
    assert row.status == "failed" and row.last_error.startswith("webhook: HTTP 401")


def test_retries_keep_the_event_id_and_re_sign_each_attempt(factory, receiver):
    config = settings(webhook_url=receiver.url + "/hooks", webhook_secret=SECRET)
    receiver.fail("POST", Failure(500), Failure(503))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    calls = receiver.calls()
    assert [c.status for c in calls] == [500, 503, 200]
    assert len({c.headers["x-northwind-event-id"] for c in calls}) == 1
    assert len({c.body for c in calls}) == 1  # the same bytes every time
    assert all(
        verify(
            SECRET, c.headers["x-northwind-timestamp"], c.headers["x-northwind-signature"], c.body
        )
        for c in calls
    )
    assert len(receiver.events) == 1


def test_a_lost_answer_is_redelivered_and_the_receiver_dedupes_on_the_id(factory, receiver):
    config = settings(
        webhook_url=receiver.url + "/hooks", webhook_secret=SECRET, timeout_seconds=0.3
    )
    receiver.fail(
        "POST", Failure(200, delay=0.8, lost=True)
    )  # processed, but too late for the client
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert receiver.wait_for(
        lambda: len(receiver.calls()) == 2 and all(c.status for c in receiver.calls())
    )
    assert len(receiver.events) == 1
    [row] = rows(factory)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, None)


def test_verify_refuses_old_timestamps_and_tampered_bodies():
    body = json.dumps({"id": "evt_1"}).encode()
    now = 1_700_000_000
    good = sign(SECRET, str(now), body)
    assert verify(SECRET, str(now), good, body, now=now + 10)
    assert not verify(SECRET, str(now), good, body, now=now + 301)  # a replay, five minutes later
    assert not verify(SECRET, str(now), good, body + b" ", now=now)
    assert not verify(SECRET, str(now + 1), good, body, now=now)
    assert not verify("wrong-secret-0000000", str(now), good, body, now=now)
    assert not verify(SECRET, "soon", good, body, now=now)
