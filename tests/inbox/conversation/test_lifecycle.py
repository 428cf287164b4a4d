"""The handoff state machine (inbox.conversation.lifecycle): legal moves, refusals, the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inbox import schemas
from inbox.auth import agents
from inbox.conversation import agent_actions, handoffs, lifecycle
from inbox.db import make_engine, make_session_factory
from inbox.errors import Conflict
from inbox.migrate import upgrade
from inbox.models import Agent, Delivery, Handoff
from inbox.queue.store import waiting_count
from tests.inbox.helpers import handoff_payload

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def session(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        yield session


def _sam(session: Session) -> Agent:
    return agents.create_agent("sam", "x" * 12, session=session, display_name="Sam")


def _handoff(session: Session) -> Handoff:
    handoff, _ = handoffs.create_handoff(schemas.HandoffIn(**handoff_payload()), session=session)
    session.flush()
    return handoff


def _deliveries(handoff: Handoff, session: Session) -> list[Delivery]:
    return list(
        session.execute(
            select(Delivery).where(Delivery.handoff_id == handoff.id).order_by(Delivery.id)
        ).scalars()
    )


def test_every_transition_is_logged_with_who_and_when(session) -> None:
    sam, handoff = _sam(session), _handoff(session)
    agent_actions.claim(handoff, sam, session=session)
    agent_actions.resolve(handoff, sam, "refund 4411 approved", session=session)
    log = lifecycle.history(handoff, session=session)
    assert [(t.event, t.from_status, t.to_status) for t in log] == [
        ("claim", "waiting", "claimed"),
        ("resolve", "claimed", "resolved"),
    ]
    assert {(t.actor, t.agent_id, t.actor_name) for t in log} == {("agent", sam.id, "Sam")}
    assert all(t.at is not None for t in log)
    assert handoff.closed_at is not None


def test_leaving_while_waiting_abandons_and_takes_it_out_of_the_queue(session) -> None:
    sam, handoff = _sam(session), _handoff(session)
    assert waiting_count(session=session) == 1
    assert agent_actions.customer_left(handoff, T0 + timedelta(minutes=2), session=session)
    assert handoff.status == "abandoned"
    assert waiting_count(session=session) == 0
    assert lifecycle.left_after_text(handoff) == "left after 2 min"
    [left] = lifecycle.history(handoff, session=session)
    assert (left.actor, left.event) == ("customer", "customer_left")
    with pytest.raises(Conflict, match="The customer left before anyone joined"):
        agent_actions.claim(handoff, sam, session=session)
    with pytest.raises(Conflict, match="can no longer be claimed or answered"):
        agent_actions.add_agent_reply(handoff, sam, "Hi!", session=session)
    assert handoff.status == "abandoned" and handoff.claimed_by_id is None


def test_a_repeated_report_of_leaving_closes_once_and_unpauses_once(session) -> None:
    handoff = _handoff(session)
    assert agent_actions.customer_left(handoff, None, session=session) is True
    assert agent_actions.customer_left(handoff, None, session=session) is False
    assert [d.kind for d in _deliveries(handoff, session)] == ["end_handoff"]
    assert len(lifecycle.history(handoff, session=session)) == 1


def test_leaving_with_an_agent_ends_it_and_refuses_replies(session) -> None:
    sam, handoff = _sam(session), _handoff(session)
    agent_actions.claim(handoff, sam, session=session)
    agent_actions.customer_left(handoff, None, session=session)
    assert handoff.status == "customer_ended"
    assert lifecycle.left_after_text(handoff) is None  # not an abandonment of the queue
    with pytest.raises(Conflict, match="The customer ended this chat"):
        agent_actions.add_agent_reply(handoff, sam, "still there?", session=session)
    with pytest.raises(Conflict):
        agent_actions.resolve(handoff, sam, "", session=session)


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (status, event)
        for status in (
            "waiting",
            "claimed",
            "handed_back",
            "resolved",
            "abandoned",
            "customer_ended",
        )
        for event in lifecycle.TRANSITIONS
        if status not in lifecycle.TRANSITIONS[event]
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(session, status, event) -> None:
    handoff = _handoff(session)
    handoff.status = status
    session.flush()
    with pytest.raises(Conflict):
        lifecycle.apply(handoff, event, lifecycle.CUSTOMER, session=session)
    session.refresh(handoff)
    assert handoff.status == status
    assert lifecycle.history(handoff, session=session) == []


def test_a_stale_copy_loses_the_race(session) -> None:
    """The conditional UPDATE: a second mover that read ``waiting`` earlier is refused."""
    sam, handoff = _sam(session), _handoff(session)
    assert handoff.status == "waiting"  # this request read it before the customer left …
    session.execute(  # … and another request closed it meanwhile
        update(Handoff)
        .where(Handoff.id == handoff.id)
        .values(status="abandoned")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict, match="The customer left"):
        lifecycle.apply(handoff, "claim", lifecycle.Actor.of(sam), session=session)
    assert handoff.status == "abandoned"


def test_hand_back_keeps_the_internal_note_out_of_the_bot_call(session) -> None:
    sam, handoff = _sam(session), _handoff(session)
    agent_actions.claim(handoff, sam, session=session)
    agent_actions.hand_back(
        handoff,
        sam,
        "original parcel held at DPD Croydon depot",
        session=session,
        customer_message="a new parcel is on its way",
    )
    handback = _deliveries(handoff, session)[-1]
    assert handback.kind == "handback"
    assert handback.payload == {"resolution": "a new parcel is on its way"}
    assert handoff.resolution == "original parcel held at DPD Croydon depot"


def test_resolve_sends_its_own_closing_line_without_the_note(session) -> None:
    sam, handoff = _sam(session), _handoff(session)
    agent_actions.claim(handoff, sam, session=session)
    agent_actions.resolve(
        handoff,
        sam,
        "original parcel held at DPD Croydon depot",
        session=session,
        customer_message="A replacement pair ships today.",
    )
    closing = _deliveries(handoff, session)[-1]
    assert closing.kind == "resolve"
    text = closing.payload["text"]
    assert text.startswith(
        "Sam from our team has closed this chat. A replacement pair ships today."
    )
    assert "ask for a person again" in text
    assert "Croydon" not in str(closing.payload)


def test_a_customer_silent_while_waiting_is_found_by_the_timer(session) -> None:
    handoff = _handoff(session)
    arrived = handoff.received_at
    silence = timedelta(minutes=30)
    later = arrived + timedelta(minutes=31)
    assert lifecycle.silent_waiting(session=session, silence=silence, now=later) == [handoff]
    early = arrived + timedelta(minutes=29)
    assert lifecycle.silent_waiting(session=session, silence=silence, now=early) == []
    lifecycle.apply(handoff, "silent_timeout", lifecycle.INBOX_TIMER, session=session)
    assert handoff.status == "abandoned"


def test_the_timer_abandons_a_silent_customer_and_unpauses_the_bot(session) -> None:
    handoff = _handoff(session)
    [closed] = agent_actions.abandon_silent(session=session, silence=timedelta(0))
    assert closed is handoff and handoff.status == "abandoned"
    assert [d.kind for d in _deliveries(handoff, session)] == ["end_handoff"]
    [timeout] = lifecycle.history(handoff, session=session)
    assert (timeout.event, timeout.actor) == ("silent_timeout", "inbox")
    assert agent_actions.abandon_silent(session=session, silence=timedelta(0)) == []


@pytest.mark.parametrize(
    "claimed, event",
    [
        (True, "hand_back"),
        (True, "resolve"),
        (True, "customer_left"),
        (False, "customer_left"),
        (False, "silent_timeout"),
    ],
)
def test_every_close_stores_the_closing_frustration(session, claimed, event) -> None:
    """Analytics' "frustration fell" reads the score at the close: whoever closes (an agent,
    the customer, the silence timer, a help desk), the state machine stores it; a reopen
    clears it until the next close."""
    sam, handoff = _sam(session), _handoff(session)
    handoff.latest_frustration_score = 0.35
    if claimed:
        lifecycle.apply(handoff, "claim", lifecycle.Actor.of(sam), session=session)
    lifecycle.apply(handoff, event, lifecycle.INBOX_TIMER, session=session)
    assert handoff.closed_at is not None and handoff.closing_frustration_score == 0.35
    if lifecycle.allowed(handoff, "reopen"):
        lifecycle.apply(handoff, "reopen", lifecycle.Actor.of(sam), session=session)
        assert handoff.closing_frustration_score is None


def test_back_to_the_queue_is_a_transition_that_frees_the_conversation(session) -> None:
    """A transfer back to the queue is the state machine's ``transfer_to_queue``: the
    conversation waits again with nobody on it, and the log says who put it back."""
    sam, handoff = _sam(session), _handoff(session)
    agent_actions.claim(handoff, sam, session=session)
    assert lifecycle.apply(
        handoff, "transfer_to_queue", lifecycle.Actor.of(sam), session=session
    ) == (lifecycle.WAITING)
    assert (handoff.claimed_by_id, handoff.claimed_at, handoff.closed_at) == (None, None, None)
    last = lifecycle.history(handoff, session=session)[-1]
    assert (last.event, last.from_status, last.to_status, last.agent_id) == (
        "transfer_to_queue",
        "claimed",
        "waiting",
        sam.id,
    )
    with pytest.raises(Conflict):  # waiting already: nothing to put back
        lifecycle.apply(handoff, "transfer_to_queue", lifecycle.Actor.of(sam), session=session)
