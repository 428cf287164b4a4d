"""Issue 15: the customer leaving the queue is an event the inbox receives and acts on."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.inbox.helpers import create_handoff, handoff_payload


def test_leaving_the_queue_then_the_agent_claims_is_refused(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    body = create_handoff(bot)
    key, conv = body["handoff_key"], body["conversation_id"]
    assert bot.get("/api/v1/status").json()["queue_length"] == 1
    ended = bot.post(f"/api/v1/handoffs/{key}/customer-ended", json={})
    assert ended.status_code == 200 and ended.json()["status"] == "abandoned"
    status = bot.get("/api/v1/status").json()
    assert status["queue_length"] == 0  # out of the queue and of everyone's wait at once
    claim = sam.post(f"/api/v1/handoffs/{key}/claim")
    assert claim.status_code == 409
    assert claim.json()["detail"] == (
        "The customer left before anyone joined; it can no longer be claimed or answered."
    )
    # the inbox, not the action server, gives the conversation back to the bot
    resume, trigger = inbox.rasa.wait_for(2)[:2]
    assert resume["path"] == f"/conversations/{conv}/tracker/events"
    assert resume["json"] == [{"event": "resume"}]
    assert trigger["path"] == f"/conversations/{conv}/trigger_intent"
    assert trigger["json"] == {"name": "end_handoff", "entities": {}}


def test_a_retried_report_closes_once(inbox):
    """The bot's outbox retries after a lost answer: one close, one un-pause."""
    bot = inbox.bot()
    key = create_handoff(bot)["handoff_key"]
    for _ in range(3):
        assert bot.post(f"/api/v1/handoffs/{key}/customer-ended", json={}).status_code == 200
    inbox.rasa.wait_for(2)
    record = bot.get(f"/api/v1/handoffs/{key}").json()
    assert record["status"] == "abandoned"
    assert [t["event"] for t in record["transitions"]] == ["customer_left"]
    assert [c["json"].get("name") for c in inbox.rasa.calls if "trigger" in c["path"]] == [
        "end_handoff"
    ]


def test_the_agent_sees_how_long_the_customer_waited(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot, created_at="2026-11-25T10:00:00Z")["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/customer-ended", json={"sent_at": "2026-11-25T10:02:10Z"}
    ).raise_for_status()
    record = sam.get(f"/api/v1/handoffs/{key}").json()
    assert record["left_after"] == "left after 2 min"
    assert record["transitions"][0]["actor"] == "customer"


def test_leaving_the_queue_counts_as_abandonment_in_analytics(inbox):
    bot = inbox.bot()
    now = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    left = create_handoff(bot, created_at=now)["handoff_key"]
    create_handoff(bot, created_at=now)
    bot.post(f"/api/v1/handoffs/{left}/customer-ended", json={}).raise_for_status()
    report = inbox.agent("ada").get("/api/v1/analytics", params={"days": 1}).json()
    assert report["handoffs_total"] == 2
    assert report["abandoned_total"] == 1
    assert report["handoffs_per_day"][-1]["abandoned"] == 1


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def test_back_the_same_day_goes_to_the_agent_who_had_the_first(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    first = create_handoff(bot, conversation_id="web-back-again", created_at=_now())
    sam.post(f"/api/v1/handoffs/{first['handoff_key']}/claim").raise_for_status()
    sam.post(f"/api/v1/handoffs/{first['handoff_key']}/handback", json={}).raise_for_status()
    second = handoff_payload(conversation_id="web-back-again", created_at=_now())
    answer = bot.post(
        "/api/v1/handoffs", json=second, headers={"Idempotency-Key": second["handoff_key"]}
    ).json()
    assert answer["status"] == "claimed"
    record = sam.get(f"/api/v1/handoffs/{second['handoff_key']}").json()
    assert record["claimed_by"]["username"] == "sam"
    [routed] = record["transitions"]
    assert (routed["event"], routed["actor"], routed["actor_name"]) == ("assign", "inbox", "Sam")


def test_back_the_same_day_waits_when_that_agent_is_away(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    first = create_handoff(bot, conversation_id="web-back-later", created_at=_now())
    sam.post(f"/api/v1/handoffs/{first['handoff_key']}/claim").raise_for_status()
    sam.post(f"/api/v1/handoffs/{first['handoff_key']}/handback", json={}).raise_for_status()
    sam.post("/api/v1/me/availability", json={"available": False}).raise_for_status()
    second = create_handoff(bot, conversation_id="web-back-later", created_at=_now())
    assert bot.get(f"/api/v1/handoffs/{second['handoff_key']}").json()["status"] == "waiting"


def test_the_page_says_how_long_they_waited_before_leaving(inbox):
    bot, sam = inbox.bot(), inbox.agent("sam")
    key = create_handoff(bot, created_at="2026-11-25T10:00:00Z")["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/customer-ended", json={"sent_at": "2026-11-25T10:02:10Z"}
    ).raise_for_status()
    page = sam.get(f"/conversations/{key}").text
    assert "The customer left after 2 min in the queue; nobody had joined." in page
