"""inbox.analytics.figures: every figure of a hand-made data set, counted by hand in the comments.

The data set lives in the business timezone Europe/London around the switch to
summer time (Sunday 29 March 2026, 01:00 UTC): the period is the 3 local days
Sat 28 – Mon 30 March, i.e. UTC [28 Mar 00:00, 30 Mar 23:00) — Monday starts at
29 Mar 23:00 UTC. Run on SQLite and PostgreSQL (the duration SQL differs).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from inbox import schemas
from inbox.analytics import figures as analytics
from inbox.auth import agents
from inbox.conversation import agent_actions, handoffs
from inbox.conversation.coaching_store import escalation_trigger, note_closing_frustration
from inbox.db import make_engine, make_session_factory
from inbox.models import Base, BotSession, Handoff, Message
from tests.inbox.conftest import throwaway_pg_database
from tests.inbox.helpers import handoff_row

UTC = timezone.utc
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
SPAN = analytics.period(date(2026, 3, 28), date(2026, 3, 30), "Europe/London")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def handoff(
    key: str,
    created: datetime,
    trigger: object,
    status: str = "waiting",
    *,
    claimed: float | None = None,
    closed: float | None = None,
    before: float | None = None,
    latest: float | None = None,
) -> Handoff:
    """A handoff; ``claimed``/``closed`` are seconds after ``created``."""
    summary = {"escalation": {"trigger": trigger}} if trigger is not None else {}
    return Handoff(
        **handoff_row(key, f"c-{key}", created),
        summary=summary,
        escalation_trigger=escalation_trigger(summary),
        status=status,
        claimed_at=None if claimed is None else created + timedelta(seconds=claimed),
        closed_at=None if closed is None else created + timedelta(seconds=closed),
        escalation_score=before,
        latest_frustration_score=latest,
    )


def seed(factory: sessionmaker) -> None:
    with factory.begin() as s:
        s.add_all(
            [
                # Outside the period (before and after): never counted.
                handoff(
                    "old",
                    at(27, 23, 59, 59),
                    "request",
                    "resolved",
                    claimed=10,
                    closed=20,
                    before=0.9,
                    latest=0.1,
                ),
                handoff("late", at(30, 23, 0), "request"),
                # Saturday 28 (UTC = local, GMT): h1, h2.
                handoff(
                    "h1",
                    at(28, 9),
                    "request",
                    "resolved",
                    claimed=60,
                    closed=660,
                    before=0.8,
                    latest=0.3,
                ),
                handoff(
                    "h2",
                    at(28, 23, 30),
                    "frustration",
                    "handed_back",
                    claimed=120,
                    closed=420,
                    before=0.6,
                ),
                # Sunday 29 (BST from 01:00 UTC; Sunday ends 29 Mar 23:00 UTC): h3, h4, h5.
                handoff(
                    "h3",
                    at(29, 0, 30),
                    "frustration",
                    "resolved",
                    claimed=30,
                    closed=1830,
                    before=0.5,
                    latest=0.7,
                ),
                handoff("h4", at(29, 10), "churn", "claimed", claimed=300),
                handoff(
                    "h5",
                    at(29, 22, 59, 59),
                    "mystery",
                    "resolved",
                    claimed=600,
                    closed=900,
                    before=0.9,
                ),
                # Monday 30 (starts 29 Mar 23:00 UTC): h6, h7, h8.
                handoff("h6", at(29, 23, 0), None, "waiting"),
                handoff("h7", at(30, 8), "abuse", "resolved", closed=60, before=0.4, latest=0.2),
                handoff(
                    "h8",
                    at(30, 9),
                    "repeated_failure",
                    "resolved",
                    claimed=240,
                    closed=1440,
                    before=0.3,
                    latest=0.2,
                ),
            ]
        )
        s.flush()
        ids = {h.key: h.id for h in s.query(Handoff).all()}

        def message(
            key: str, mid: str, sender: str, sent: datetime, score: float | None
        ) -> Message:
            return Message(
                handoff_id=ids[key],
                message_id=mid,
                sender=sender,
                text="…",
                sent_at=sent,
                received_at=sent,
                frustration_score=score,
            )

        s.add_all(
            [
                # h2: the last scored customer message before the close says 0.4 (the 0.2 comes after it).
                message("h2", "a", "customer", at(28, 23, 33), 0.5),
                message("h2", "b", "customer", at(28, 23, 36), 0.4),
                message("h2", "c", "agent", at(28, 23, 36, 30), None),
                message(
                    "h2", "d", "customer", at(28, 23, 45), 0.2
                ),  # after the close (23:37): ignored
                # h1: a message wins over the column (0.3): 0.35.
                message("h1", "a", "customer", at(28, 9, 5), 0.35),
                # h5: only an unscored customer message and an agent's: no "after" reading.
                message("h5", "a", "customer", at(29, 23, 5), None),
            ]
        )
        s.flush()
        # The messages went in after the closes: store the frustration at the close again,
        # as the inbox does when a scored message reaches a closed handoff.
        for h in s.query(Handoff).filter(Handoff.closed_at.isnot(None)):
            note_closing_frustration(h, session=s)
        sessions = [
            # (conversation, started, last seen, turns, handed off, outcome)
            (
                "s1",
                at(28, 10),
                at(28, 10, 5),
                3,
                False,
                "resolved_by_bot",
            ),  # Sat resolved, said bye
            ("s2", at(28, 11), at(28, 11, 2), 1, False, None),  # Sat resolved (quiet)
            ("s3", at(28, 12), at(28, 12, 9), 4, True, "handed_off"),  # Sat handed off
            ("s4", at(29, 9), at(29, 9, 1), 2, True, "handed_off"),  # Sun handed off
            (
                "s5",
                at(29, 22, 30),
                at(29, 22, 31),
                1,
                False,
                "resolved_by_bot",
            ),  # Sun resolved, said thanks
            ("s6", at(29, 23, 30), at(29, 23, 40), 2, False, None),  # Mon resolved (quiet)
            ("s7", at(30, 11, 30), at(30, 11, 30), 1, False, None),  # Mon in progress (30 min ago)
            ("s8", at(30, 10, 50), at(30, 11, 1), 2, False, None),  # Mon in progress (59 min ago)
            ("s9", at(30, 10, 0), at(30, 10, 59), 1, False, None),  # Mon resolved (61 min quiet)
            ("s10", at(30, 11, 0), at(30, 11, 0), 0, False, None),  # no customer message: ignored
            ("s11", at(27, 20), at(27, 20, 5), 1, False, None),  # before the period: ignored
        ]
        s.add_all(
            [
                BotSession(
                    conversation_id=c,
                    session_started_at=st,
                    last_seen_at=seen,
                    user_turns=t,
                    handed_off=h,
                    outcome=o,
                    channel="socketio",
                )
                for c, st, seen, t, h, o in sessions
            ]
        )


@pytest.fixture(scope="module")
def own_pg_database() -> Iterator[str]:
    """A PostgreSQL database of this module's own (the shared one holds the running inbox's tables)."""
    with throwaway_pg_database("analytics_test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path) -> Iterator[sessionmaker]:
    url = (
        f"sqlite:///{tmp_path / 'a.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("own_pg_database")
    )
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    made = make_session_factory(engine)
    seed(made)
    yield made
    Base.metadata.drop_all(engine)
    engine.dispose()


def test_the_period_is_three_local_days_across_the_clock_change() -> None:
    assert SPAN.days == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
    assert SPAN.start == at(28, 0) and SPAN.boundaries[2] == at(29, 23) and SPAN.end == at(30, 23)
    assert analytics.last_days(3, "Europe/London", NOW) == SPAN
    with pytest.raises(ValueError):
        analytics.period(date(2026, 3, 2), date(2026, 3, 1), "UTC")


def test_handoffs_per_day_are_local_days_zero_filled(factory) -> None:
    with factory.begin() as s:
        days = analytics.handoffs_per_day(session=s, span=SPAN)
    # Sat: h1, h2 = 2; Sun: h3, h4, h5 = 3; Mon: h6 (23:00 UTC Sunday = 00:00 BST Monday), h7, h8 = 3.
    assert [(d.date.day, d.count) for d in days] == [(28, 2), (29, 3), (30, 3)]
    wider = analytics.period(date(2026, 3, 26), date(2026, 3, 31), "Europe/London")
    with factory.begin() as s:
        counts = [d.count for d in analytics.handoffs_per_day(session=s, span=wider)]
    # 26: 0; 27: "old" = 1; 28: 2; 29: 3; 30: 3; 31: "late" (23:00 UTC 30th = 00:00 BST 31st) = 1.
    assert counts == [0, 1, 2, 3, 3, 1]


def test_escalation_reasons(factory) -> None:
    with factory.begin() as s:
        reasons = analytics.escalation_reasons(session=s, span=SPAN)
    # request: h1; frustration: h2, h3; abuse: h7; churn: h4; repeated_failure: h8;
    # then the unlisted ones: mystery (h5) and unknown (h6, no trigger), 1 each, by name. 8 in all.
    assert [(r.trigger, r.count) for r in reasons] == [
        ("request", 1),
        ("frustration", 2),
        ("abuse", 1),
        ("churn", 1),
        ("repeated_failure", 1),
        ("mystery", 1),
        ("unknown", 1),
    ]
    assert reasons[1].share == 0.25  # 2 / 8


def test_waiting_and_handling_times(factory) -> None:
    with factory.begin() as s:
        waiting = analytics.waiting_times(session=s, span=SPAN)
        handling = analytics.handling_times(session=s, span=SPAN)
    # Waiting (claimed ones): h1 60, h2 120, h3 30, h4 300, h5 600, h8 240 (h6 unclaimed, h7 closed unclaimed).
    # Sorted 30, 60, 120, 240, 300, 600: median (120 + 240) / 2 = 180; p90 rank ceil(5.4) = 6th = 600.
    assert (waiting.count, waiting.median_seconds, waiting.p90_seconds) == (6, 180.0, 600.0)
    # Handling (claimed and closed): h1 600, h2 300, h3 1800, h5 300, h8 1200 (h4 still open).
    # Sorted 300, 300, 600, 1200, 1800: median 600; p90 rank ceil(4.5) = 5th = 1800.
    assert (handling.count, handling.median_seconds, handling.p90_seconds) == (5, 600.0, 1800.0)


def test_frustration_before_and_after(factory) -> None:
    with factory.begin() as s:
        f = analytics.frustration_change(session=s, span=SPAN)
    # Closed in the period: h1, h2, h3, h5, h7, h8 = 6.
    # Pairs (before, after): h1 (0.8, 0.35 message), h2 (0.6, 0.4 last message before the close),
    # h3 (0.5, 0.7 column), h7 (0.4, 0.2), h8 (0.3, 0.2); h5 has no after reading: 1 missing.
    # Before 0.8 0.6 0.5 0.4 0.3: mean 2.6/5 = 0.52, median 0.5.
    # After 0.35 0.4 0.7 0.2 0.2: mean 1.85/5 = 0.37, median 0.35.
    # Fell: h1, h2, h7, h8 = 4 of 5 = 0.8 (h3 rose).
    assert (f.closed, f.pairs, f.missing) == (6, 5, 1)
    assert (f.before.mean, f.before.median) == (0.52, 0.5)
    assert (f.after.mean, f.after.median) == (0.37, 0.35)
    assert (f.fell, f.fell_share) == (4, 0.8)


def test_stored_columns_match_the_definitions(factory) -> None:
    with factory.begin() as s:
        stored = {
            h.key: (h.escalation_trigger, h.closing_frustration_score) for h in s.query(Handoff)
        }
    # h1: message 0.35 beats the column; h2: 0.4 (0.2 came after the close); h3, h7, h8: the
    # latest reading; h5: no reading at all; open ones (h4, h6, late): none. h6 has no trigger.
    assert stored == {
        "old": ("request", 0.1),
        "late": ("request", None),
        "h1": ("request", 0.35),
        "h2": ("frustration", 0.4),
        "h3": ("frustration", 0.7),
        "h4": ("churn", None),
        "h5": ("mystery", None),
        "h6": (None, None),
        "h7": ("abuse", 0.2),
        "h8": ("repeated_failure", 0.2),
    }


def test_escalation_trigger_keeps_what_the_report_showed() -> None:
    assert escalation_trigger({"escalation": {"trigger": "churn"}}) == "churn"
    assert escalation_trigger({}) is None and escalation_trigger({"escalation": "x"}) is None
    assert escalation_trigger({"escalation": {"trigger": None}}) is None
    assert escalation_trigger({"escalation": {"trigger": 3}}) == "3"
    assert escalation_trigger({"escalation": {"trigger": "x" * 40}}) == "x" * 32


def test_the_inbox_stores_trigger_and_closing_frustration_as_they_happen(factory) -> None:
    """Creation stores the trigger; resolving stores the score at the close; a scored
    message reaching the closed handoff late (sent before the close) updates it."""

    def reading(score: float) -> schemas.FrustrationIn:
        return schemas.FrustrationIn(score=score)

    with factory.begin() as s:
        agent = agents.create_agent("ana", "a-long-password", session=s, display_name="Ana")
        h, _ = handoffs.create_handoff(
            schemas.HandoffIn(
                handoff_key="live",
                conversation_id="c-live",
                created_at=at(30, 10),
                summary={"escalation": {"trigger": "churn", "score": 0.8}},
            ),
            session=s,
        )
        assert (h.escalation_trigger, h.escalation_score) == ("churn", 0.8)
        agent_actions.claim(h, agent, session=s)
        handoffs.add_customer_message(
            h,
            schemas.CustomerMessageIn(
                message_id="m1", text="hm", sent_at=at(30, 10, 1), frustration=reading(0.6)
            ),
            session=s,
        )
        agent_actions.resolve(h, agent, "sorted", session=s)
    with factory.begin() as s:
        h = handoffs.require_handoff("live", session=s)
        assert h.closed_at is not None and h.closing_frustration_score == 0.6
        closed = h.closed_at
        handoffs.add_customer_message(
            h,
            schemas.CustomerMessageIn(
                message_id="m2",
                text="ok",
                sent_at=closed - timedelta(seconds=1),
                frustration=reading(0.3),
            ),
            session=s,
        )
        assert h.closing_frustration_score == 0.3
        handoffs.add_customer_message(
            h,
            schemas.CustomerMessageIn(
                message_id="m3",
                text="bye",
                sent_at=closed + timedelta(seconds=5),
                frustration=reading(0.1),
            ),
            session=s,
        )
        assert h.closing_frustration_score == 0.3  # after the close: does not count


def test_sessions_and_the_share_resolved_by_the_bot(factory) -> None:
    with factory.begin() as s:
        figures = analytics.session_figures(session=s, span=SPAN, now=NOW)
    # With a customer message in the period: s1–s9 = 9 (s10 has none, s11 is earlier).
    # Handed off: s3, s4 = 2. Resolved alone: s1, s5 (said bye/thanks), s2, s6, s9 (quiet > 60 min) = 5.
    # In progress: s7 (last seen 30 min ago), s8 (59 min) = 2. Share 5 / (5 + 2) = 0.7143.
    assert (
        figures.total,
        figures.handed_off,
        figures.resolved_by_bot,
        figures.said_goodbye,
        figures.in_progress,
    ) == (9, 2, 5, 2, 2)
    assert figures.bot_resolved_share == 0.7143
    # Sat: s1 s2 s3 → 3 sessions, 1 handed off, 2 resolved. Sun: s4 s5 → 2, 1, 1.
    # Mon: s6 (23:30 UTC Sunday = Monday local) s7 s8 s9 → 4, 0, 2.
    assert [(d.sessions, d.handed_off, d.resolved_by_bot) for d in figures.per_day] == [
        (3, 1, 2),
        (2, 1, 1),
        (4, 0, 2),
    ]
    later = NOW + timedelta(hours=2)  # everything has gone quiet: s7 and s8 count as resolved
    with factory.begin() as s:
        assert analytics.session_figures(session=s, span=SPAN, now=later).resolved_by_bot == 7


def test_an_empty_period_has_no_share_and_no_medians(factory) -> None:
    empty = analytics.period(date(2025, 1, 1), date(2025, 1, 2), "Europe/London")
    with factory.begin() as s:
        report = analytics.report(session=s, span=empty, now=NOW)
    assert report.handoffs_total == 0 and [d.count for d in report.handoffs_per_day] == [0, 0]
    assert report.sessions.bot_resolved_share is None and report.sessions.total == 0
    assert report.waiting.median_seconds is None and report.frustration.fell_share is None
    assert all(r.count == 0 and r.share is None for r in report.escalation_reasons)


def test_statistics_helpers() -> None:
    assert analytics.median([3, 1, 2]) == 2 and analytics.median([4, 1, 2, 3]) == 2.5
    assert analytics.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert analytics.percentile([5], 0.9) == 5 and analytics.percentile([], 0.9) is None
