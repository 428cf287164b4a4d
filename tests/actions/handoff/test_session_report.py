"""Session reports: built from the tracker, queued in the outbox, never on the customer's time."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import session_report
from actions.handoff.actions import ActionHandoffToHuman
from actions.handoff.session_report import (
    SessionReport,
    for_handoff,
    for_turn,
    iso,
    outbox_key,
    submit,
)
from actions.to_inbox import delivery
from actions.to_inbox.inbox_outbox import KIND_HANDOFF, KIND_SESSION_REPORT
from actions.turn_scoring import ActionValidateSlotMappings
from tests.actions.conftest import (
    DOMAIN,
    FakeInbox,
    bot,
    contract_handoff,
    external,
    make_tracker,
    user,
)

START = 1_780_000_000.0  # 2026-05-28T20:26:40Z


def started(timestamp: float = START) -> dict[str, Any]:
    return {"event": "session_started", "timestamp": timestamp}


def session(*events: dict[str, Any], **slots: Any):
    return make_tracker([started(), *events], slots)


# -- building reports -------------------------------------------------------------------------
def test_the_first_customer_message_of_a_session_is_reported() -> None:
    tracker = session(
        user("/session_start", "session_start", timestamp=START + 1),
        user("where is my parcel?", "order_status", timestamp=START + 5),
    )
    report = for_turn(tracker, 0.2)
    assert report == SessionReport(
        conversation_id="web-3a9c",
        session_started_at="2026-05-28T20:26:40Z",
        channel="socketio",
        last_seen_at="2026-05-28T20:26:45Z",
        user_turns=1,
        handed_off=False,
        max_frustration_score=0.2,
        outcome=None,
    )


def test_a_later_message_is_not_reported_unless_it_ends_the_session() -> None:
    events = [
        user("where is my parcel?", "order_status", timestamp=START + 5),
        bot("Order number?"),
        user("10482", "inform", timestamp=START + 20),
    ]
    assert for_turn(session(*events), 0.1) is None
    thanks = session(
        *events, bot("It is in transit."), user("thanks!", "thank", timestamp=START + 40)
    )
    report = for_turn(thanks, 0.05)
    assert report is not None
    assert (report.user_turns, report.outcome, report.last_seen_at) == (
        3,
        "resolved_by_bot",
        iso(START + 40),
    )


def test_thanks_while_the_order_form_waits_is_not_the_end() -> None:
    events = [
        user("where is my parcel?", "order_status", timestamp=START + 5),
        bot("Order number?"),
        user("thanks", "thank", timestamp=START + 20),
    ]
    tracker = make_tracker([started(), *events], active_loop="order_form")
    assert for_turn(tracker, 0.1) is None  # neither the first message, a refresh, nor an ending


def test_a_long_session_is_refreshed_every_few_messages() -> None:
    turns = [user(f"question {n}", "order_status", timestamp=START + 10 * n) for n in range(1, 6)]
    report = for_turn(session(*turns), 0.1)
    assert report is not None and (report.user_turns, report.last_seen_at, report.outcome) == (
        5,
        iso(START + 50),
        None,
    )
    assert for_turn(session(*turns[:4]), 0.1) is None


def test_the_highest_score_of_the_session_so_far_is_reported() -> None:
    timeline = [
        {"turn": 1, "score": 0.2, "level": "calm"},
        {"turn": 2, "score": 0.81, "level": "frustrated"},
        {"turn": 3, "score": 0.95, "level": "frustrated", "during_handoff": True},
    ]
    events = [
        user("a", "order_status", timestamp=START + 1),
        user("b", "order_status", timestamp=START + 2),
        user("bye", "goodbye", timestamp=START + 3),
    ]
    report = for_turn(session(*events, frustration_timeline=timeline), 0.1)
    assert (
        report is not None and report.max_frustration_score == 0.81
    )  # not the agent's part, not just now


def test_goodbye_on_the_first_message_is_one_report_with_the_outcome() -> None:
    report = for_turn(session(user("bye", "goodbye", timestamp=START + 3)), 0.0)
    assert report is not None and (report.user_turns, report.outcome) == (1, "resolved_by_bot")


def test_only_the_current_session_counts() -> None:
    old = [
        user("hi", "greet", timestamp=START - 7200),
        user("where is 10482", "order_status", timestamp=START - 7100),
    ]
    tracker = make_tracker(
        [
            started(START - 7300),
            *old,
            started(START),
            user("hello again", "greet", timestamp=START + 2),
        ]
    )
    report = for_turn(tracker, 0.1)
    assert report is not None
    assert (report.session_started_at, report.user_turns) == (iso(START), 1)


def test_trigger_intents_are_not_customer_turns() -> None:
    tracker = session(
        user("where is my parcel?", "order_status", timestamp=START + 5),
        external("agent_handback"),
        user("thank you", "thank", timestamp=START + 90),
    )
    report = for_turn(tracker, 0.1)
    assert report is not None and report.user_turns == 2


def test_messages_to_a_person_are_not_reported() -> None:
    tracker = make_tracker(
        [started(), user("thanks", "thank", timestamp=START + 5)], {"handoff_active": True}
    )
    assert for_turn(tracker, 0.1) is None


def test_without_a_customer_message_nothing_is_reported() -> None:
    assert for_turn(session(), 0.1) is None
    assert for_handoff(session()) is None


def test_a_tracker_without_session_started_uses_its_first_event() -> None:
    tracker = make_tracker([user("hi", "greet", timestamp=START + 1)])
    report = for_turn(tracker, None)
    assert report is not None
    assert (report.session_started_at, report.max_frustration_score) == (iso(START + 1), None)


def test_the_handoff_report_carries_the_escalation_score() -> None:
    tracker = session(
        user("where is 10482", "order_status", timestamp=START + 5),
        user("I want a person", "request_human", timestamp=START + 30),
        frustration_score=0.71,
    )
    report = for_handoff(tracker)
    assert report is not None
    assert (report.handed_off, report.outcome, report.user_turns, report.max_frustration_score) == (
        True,
        "handed_off",
        2,
        0.71,
    )


def test_session_start_keeps_microseconds_so_the_key_is_exact() -> None:
    assert iso(START + 0.123456) == "2026-05-28T20:26:40.123456Z"


def test_outbox_keys_fit_the_column_and_stay_per_conversation() -> None:
    assert outbox_key("web-1") == "session:web-1"
    long_a, long_b = outbox_key("x" * 255), outbox_key("x" * 254 + "y")
    assert len(long_a) == len(long_b) == 64 and long_a != long_b
    assert outbox_key("x" * 255) == long_a  # stable


# -- submitting never hurts the turn ------------------------------------------------------------
def _report() -> SessionReport:
    report = for_turn(session(user("hi", "greet", timestamp=START + 1)), 0.0)
    assert report is not None
    return report


async def test_a_failing_sink_is_logged_not_raised(monkeypatch, caplog) -> None:
    async def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(session_report, "SINK", broken)
    await submit(_report())
    assert "not queued" in caplog.text and "disk full" in caplog.text


async def test_a_slow_sink_costs_at_most_the_timeout(monkeypatch) -> None:
    async def slow(*_args: Any) -> None:
        await asyncio.sleep(5)

    monkeypatch.setattr(session_report, "SINK", slow)
    monkeypatch.setattr(session_report, "ENQUEUE_TIMEOUT_SECONDS", 0.05)
    began = time.monotonic()
    await submit(_report())
    assert time.monotonic() - began < 1.0


async def test_none_is_not_submitted(session_reports: list[tuple]) -> None:
    await submit(None)
    assert session_reports == []


# -- the hooks ------------------------------------------------------------------------------
async def test_the_turn_scorer_reports_the_first_message(session_reports: list[tuple]) -> None:
    tracker = session(
        user("where is my parcel?", "order_status", message_id="m1", timestamp=START + 5)
    )
    await ActionValidateSlotMappings().run(CollectingDispatcher(), tracker, DOMAIN)
    [(kind, key, payload)] = session_reports
    assert (kind, key) == (KIND_SESSION_REPORT, "session:web-3a9c")
    assert payload["user_turns"] == 1 and payload["outcome"] is None
    assert 0.0 <= payload["max_frustration_score"] <= 1.0


async def test_the_handoff_action_reports_the_handoff(
    inbox: FakeInbox, session_reports: list[tuple]
) -> None:
    tracker = session(
        user("where is my parcel?", "order_status", timestamp=START + 5),
        bot("Order number?"),
        user("I want a person", "request_human", timestamp=START + 20),
        frustration_score=0.4,
    )
    await ActionHandoffToHuman().run(CollectingDispatcher(), tracker, DOMAIN)
    assert len(inbox.handoffs) == 1
    [(kind, _key, payload)] = session_reports
    assert kind == KIND_SESSION_REPORT
    assert (payload["handed_off"], payload["outcome"], payload["user_turns"]) == (
        True,
        "handed_off",
        2,
    )


# -- through the real outbox ---------------------------------------------------------------------
@pytest.fixture
def real_outbox(inbox: FakeInbox, monkeypatch) -> FakeInbox:
    """Reports go to the process outbox; the fake inbox also answers PUT /api/v1/bot-sessions."""
    monkeypatch.setattr(session_report, "SINK", None)
    inbox.sessions = []  # type: ignore[attr-defined]
    original = inbox.handle

    def handle(request: httpx.Request) -> httpx.Response:
        if (
            request.url.path == "/api/v1/bot-sessions"
            and request.method == "PUT"
            and not inbox.down
        ):
            inbox.requests.append(request)
            inbox.sessions.append(json.loads(request.content))  # type: ignore[attr-defined]
            return httpx.Response(201, json={"created": True})
        return original(request)

    inbox.handle = handle  # type: ignore[method-assign]
    return inbox


async def test_reports_wait_in_the_outbox_and_the_customers_send_does_not_carry_them(
    real_outbox: FakeInbox,
) -> None:
    await submit(_report())
    assert await delivery.outbox().pending_count() == 1
    await delivery.send(KIND_HANDOFF, "k1", contract_handoff("k1"))
    assert [r.url.path for r in real_outbox.requests] == [
        "/api/v1/handoffs"
    ]  # the report was not sent inline
    assert await delivery.outbox().pending_count() == 1
    results = await delivery.outbox().deliver_pending(delivery.client())  # what the worker does
    assert [r.kind for r in results] == [KIND_SESSION_REPORT]
    assert real_outbox.sessions == [_report().payload()]  # type: ignore[attr-defined]
    assert await delivery.outbox().pending_count() == 0


async def test_an_unreachable_inbox_costs_one_attempt_per_pass_for_all_reports(
    real_outbox: FakeInbox,
) -> None:
    for n in range(5):
        tracker = make_tracker(
            [started(), user("hi", "greet", timestamp=START + 1)], sender_id=f"web-{n}"
        )
        await submit(for_turn(tracker, 0.0))
    real_outbox.down = True
    results = await delivery.outbox().deliver_pending(delivery.client())
    assert len(results) == 1 and results[0].error  # the other four were not tried
    real_outbox.down = False
    results = await delivery.outbox().deliver_pending(delivery.client())
    assert len(results) == 5 and not any(r.error for r in results)
    assert sorted(s["conversation_id"] for s in real_outbox.sessions) == [
        f"web-{n}" for n in range(5)
    ]  # type: ignore[attr-defined]
