"""GET /api/v1/analytics (admins only) and PUT /api/v1/bot-sessions (bot, idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from inbox.models import BotSession
from tests.inbox.conftest import RunningInbox
from tests.inbox.helpers import create_handoff


@pytest.fixture()
def clean(inbox: RunningInbox) -> RunningInbox:
    """The standard inbox with no bot sessions either (``reset`` does not know them)."""
    with inbox.svc.factory.begin() as session:
        session.execute(delete(BotSession))
    return inbox


def report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": "web-1",
        "session_started_at": "2026-03-28T10:00:00.250000Z",
        "channel": "socketio",
        "last_seen_at": "2026-03-28T10:00:05Z",
        "user_turns": 1,
        "handed_off": False,
        "max_frustration_score": 0.2,
        "outcome": None,
    }
    body.update(overrides)
    return body


def stored(inbox: RunningInbox) -> list:
    with inbox.svc.factory.begin() as session:
        return [
            (
                r.conversation_id,
                r.user_turns,
                r.handed_off,
                r.outcome,
                r.max_frustration_score,
                r.last_seen_at.isoformat(),
            )
            for r in session.execute(select(BotSession).order_by(BotSession.id)).scalars()
        ]


# -- bot sessions ----------------------------------------------------------------------------------
def test_bot_sessions_need_the_bot_secret(clean: RunningInbox) -> None:
    assert clean.agent("ada").put("/api/v1/bot-sessions", json=report()).status_code == 401
    with clean.bot() as bot:
        bot.headers["Authorization"] = "Bearer wrong"
        assert bot.put("/api/v1/bot-sessions", json=report()).status_code == 401
    assert stored(clean) == []


def test_a_report_is_stored_once_and_repeats_change_nothing(clean: RunningInbox) -> None:
    with clean.bot() as bot:
        first = bot.put("/api/v1/bot-sessions", json=report())
        again = bot.put("/api/v1/bot-sessions", json=report())
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert stored(clean) == [("web-1", 1, False, None, 0.2, "2026-03-28T10:00:05+00:00")]
    assert first.json()["session_started_at"] == "2026-03-28T10:00:00.250000Z"  # exact key kept


def test_reports_merge_in_any_order(clean: RunningInbox) -> None:
    handoff = report(
        user_turns=4,
        handed_off=True,
        outcome="handed_off",
        max_frustration_score=0.8,
        last_seen_at="2026-03-28T10:09:00Z",
    )
    thanks = report(
        user_turns=6,
        outcome="resolved_by_bot",
        max_frustration_score=0.1,
        last_seen_at="2026-03-28T10:20:00Z",
    )
    with clean.bot() as bot:
        codes = [
            bot.put("/api/v1/bot-sessions", json=body).status_code
            for body in (thanks, handoff, report())
        ]  # late and out of order
        assert codes == [201, 200, 200]  # created once, then merged
        other = bot.put(
            "/api/v1/bot-sessions",
            json=report(
                session_started_at="2026-03-28T12:00:00Z", last_seen_at="2026-03-28T12:00:00Z"
            ),
        )
    assert other.status_code == 201  # a new session of the same conversation
    # Turns and scores only grow, the handoff sticks, the thanks after it does not count as the bot's.
    assert stored(clean) == [
        ("web-1", 6, True, "handed_off", 0.8, "2026-03-28T10:20:00+00:00"),
        ("web-1", 1, False, None, 0.2, "2026-03-28T12:00:00+00:00"),
    ]


def test_a_later_outcome_wins_an_earlier_one_does_not(clean: RunningInbox) -> None:
    with clean.bot() as bot:
        bot.put(
            "/api/v1/bot-sessions",
            json=report(outcome="resolved_by_bot", last_seen_at="2026-03-28T10:05:00Z"),
        )
        bot.put(
            "/api/v1/bot-sessions", json=report(outcome=None, last_seen_at="2026-03-28T10:06:00Z")
        )
    assert stored(clean)[0][3] == "resolved_by_bot"  # no outcome in a report keeps the known one


@pytest.mark.parametrize(
    "bad",
    [
        {"session_started_at": "2026-03-28T10:00:00"},  # no timezone
        {"last_seen_at": "2026-03-28T09:00:00Z"},  # before the start
        {"outcome": "happy"},
        {"max_frustration_score": 1.5},
        {"user_turns": -1},
        {"conversation_id": ""},
        {"conversation_id": "x" * 256},
        {"session_started_at": "yesterday"},
    ],
)
def test_bad_reports_are_refused(clean: RunningInbox, bad: dict[str, Any]) -> None:
    with clean.bot() as bot:
        response = bot.put("/api/v1/bot-sessions", json=report(**bad))
    assert response.status_code == 422, response.text
    assert stored(clean) == []


def test_a_report_without_required_fields_is_refused(clean: RunningInbox) -> None:
    body = report()
    del body["session_started_at"]
    with clean.bot() as bot:
        assert bot.put("/api/v1/bot-sessions", json=body).status_code == 422


# -- analytics ---------------------------------------------------------------------------------------
def test_analytics_are_for_admins(clean: RunningInbox) -> None:
    assert clean.agent("sam").get("/api/v1/analytics").status_code == 403
    with clean.bot() as bot:
        assert bot.get("/api/v1/analytics").status_code == 401  # the bot's secret is not an admin
    assert httpx.get(f"{clean.url}/api/v1/analytics").status_code == 401
    assert clean.agent("ada").get("/api/v1/analytics").status_code == 200


def test_analytics_json_shape_and_figures(clean: RunningInbox) -> None:
    now = datetime.now(timezone.utc)
    with clean.bot() as bot:
        for trigger in ("request", "frustration", "frustration"):
            payload = {"escalation": {"trigger": trigger}}
            create_handoff(
                bot, created_at=(now - timedelta(minutes=5)).isoformat(), summary=payload
            )
        quiet = (now - timedelta(hours=3)).isoformat()
        assert (
            bot.put(
                "/api/v1/bot-sessions", json=report(session_started_at=quiet, last_seen_at=quiet)
            ).status_code
            == 201
        )
        assert (
            bot.put(
                "/api/v1/bot-sessions",
                json=report(
                    conversation_id="web-2",
                    session_started_at=quiet,
                    last_seen_at=quiet,
                    handed_off=True,
                ),
            ).status_code
            == 201
        )
    response = clean.agent("ada").get("/api/v1/analytics", params={"days": 7})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "period",
        "handoffs_total",
        "abandoned_total",
        "handoffs_per_day",
        "sessions",
        "escalation_reasons",
        "waiting",
        "handling",
        "frustration",
    }
    assert body["period"]["days"] == 7 and len(body["handoffs_per_day"]) == 7
    assert body["period"]["timezone"] == clean.settings.timezone
    assert body["handoffs_total"] == 3 and sum(d["count"] for d in body["handoffs_per_day"]) == 3
    assert {r["trigger"]: r["count"] for r in body["escalation_reasons"]}["frustration"] == 2
    assert (
        body["sessions"]["total"],
        body["sessions"]["resolved_by_bot"],
        body["sessions"]["handed_off"],
    ) == (2, 1, 1)
    assert body["sessions"]["bot_resolved_share"] == 0.5
    assert body["waiting"] == {
        "count": 0,
        "median_seconds": None,
        "p90_seconds": None,
    }  # nobody claimed yet
    assert set(body["frustration"]) == {
        "closed",
        "pairs",
        "missing",
        "before",
        "after",
        "fell",
        "fell_share",
    }


@pytest.mark.parametrize("days", ["0", "367", "abc"])
def test_analytics_days_are_bounded(clean: RunningInbox, days: str) -> None:
    assert clean.agent("ada").get("/api/v1/analytics", params={"days": days}).status_code == 422


def test_the_page_is_for_admins(clean: RunningInbox) -> None:
    anonymous = httpx.get(f"{clean.url}/admin/analytics")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    sam = clean.agent("sam")
    assert sam.get("/admin/analytics").status_code == 403
    assert 'href="/admin/analytics"' not in sam.get("/queue").text  # no nav link for agents
    ada = clean.agent("ada")
    page = ada.get("/admin/analytics")
    assert page.status_code == 200 and 'id="chart-handoffs"' in page.text
    assert 'href="/admin/analytics"' in ada.get("/queue").text


def test_the_page_escapes_a_trigger_it_does_not_know(clean: RunningInbox) -> None:
    now = datetime.now(timezone.utc)
    with clean.bot() as bot:
        create_handoff(
            bot,
            created_at=(now - timedelta(minutes=1)).isoformat(),
            summary={"escalation": {"trigger": "<script>alert(1)</script>"}},
        )
    page = clean.agent("ada").get("/admin/analytics").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
