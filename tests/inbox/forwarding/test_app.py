"""Through the real inbox: the bot's POST /api/v1/handoffs reaches every helpdesk,
once, without waiting for them; admins see what failed."""

from __future__ import annotations

from sqlalchemy import select

from inbox.forwarding.settings import ForwardSettings
from inbox.models import Forward

from ..conftest import RunningInbox
from ..helpers import create_handoff
from .conftest import SECRET, serve_inbox
from .fakes import Failure


def _forwards(inbox: RunningInbox) -> list:
    with inbox.svc.factory.begin() as session:
        return [
            (f.target, f.event, f.status)
            for f in session.execute(select(Forward).order_by(Forward.id)).scalars()
        ]


def test_a_handoff_is_forwarded_to_slack_the_webhook_and_chatwoot_once(
    database_url, fake_rasa, slack, receiver, chatwoot
):
    forwarding = ForwardSettings(
        public_url="https://inbox.example.com",
        slack_webhook_url=slack.webhook_url,
        webhook_url=receiver.url + "/hooks",
        webhook_secret=SECRET,
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        backoff_seconds=0.05,
        max_backoff_seconds=0.2,
        timeout_seconds=2,
        poll_seconds=0.2,
    )
    slack.fail("POST", Failure(503))
    for inbox in serve_inbox(database_url, fake_rasa, forwarding):
        bot = inbox.bot()
        body = create_handoff(bot)
        key = body["handoff_key"]
        assert slack.wait_for(lambda: len(slack.messages) == 1)
        assert receiver.wait_for(lambda: len(receiver.events) == 1)
        assert chatwoot.wait_for(
            lambda: any(c["status"] == "open" for c in chatwoot.conversations.values())
        )
        assert [c.status for c in slack.calls()] == [503, 200]  # retried by the loop
        assert next(iter(receiver.events.values()))["data"]["handoff_key"] == key
        assert f"/conversations/{key}|" in slack.messages[0]["blocks"][-1]["elements"][0]["text"]
        # The bot retries its call (same key): answered 200, nothing forwarded again.
        again = bot.post("/api/v1/handoffs", json=body, headers={"Idempotency-Key": key})
        assert again.status_code == 200
        created = [
            ("slack", "handoff.created", "delivered"),
            ("webhook", "handoff.created", "delivered"),
            ("chatwoot", "handoff.created", "delivered"),
        ]
        assert slack.wait_for(
            lambda: _forwards(inbox) == created
        )  # stays three rows: none added by the repeat
        # Resolving in the inbox tells every target.
        sam = inbox.agent("sam")
        assert sam.post(f"/api/v1/handoffs/{key}/claim").status_code == 200
        assert (
            sam.post(
                f"/api/v1/handoffs/{key}/resolve", json={"note": "replacement sent"}
            ).status_code
            == 200
        )
        # The webhook's desk hears the claim too (two-way: docs/helpdesks.md), then the close.
        assert receiver.wait_for(
            lambda: (
                [e["type"] for e in receiver.events.values()]
                == ["handoff.created", "handoff.claimed", "handoff.resolved"]
            )
        )
        assert chatwoot.wait_for(
            lambda: all(c["status"] == "resolved" for c in chatwoot.conversations.values())
        )
        assert slack.wait_for(lambda: len(slack.messages) == 2)
        assert len(chatwoot.contacts) == 1 and len(chatwoot.conversations) == 1
        resolved = next(e for e in receiver.events.values() if e["type"] == "handoff.resolved")
        assert (
            resolved["data"]["resolution"] == "replacement sent"
            and resolved["data"]["resolved_by"] == "Sam"
        )
        # Admins see every row; agents may not.
        assert slack.wait_for(lambda: all(row[2] == "delivered" for row in _forwards(inbox)))
        ada = inbox.agent("ada")
        listed = ada.get("/api/v1/forwards").json()["items"]
        claimed = [i["event"] for i in listed if i["event"].startswith("claimed:")]
        assert len(claimed) == 2  # the webhook and Chatwoot (Slack only hears of handoffs)
        assert sorted(
            (i["target"], i["event"], i["status"]) for i in listed if i["event"] not in claimed
        ) == sorted(
            (t, e, "delivered")
            for t in ("slack", "webhook", "chatwoot")
            for e in ("handoff.created", "handoff.resolved")
        )
        assert inbox.agent("kim").get("/api/v1/forwards").status_code == 403
        assert bot.get("/api/v1/forwards").status_code == 401


def test_failures_are_listed_for_admins_and_can_be_retried(database_url, fake_rasa, slack):
    forwarding = ForwardSettings(
        slack_webhook_url=slack.url + "/services/T0001/B0001/revoked",
        backoff_seconds=0.05,
        poll_seconds=0.2,
    )
    for inbox in serve_inbox(database_url, fake_rasa, forwarding):
        key = create_handoff(inbox.bot())["handoff_key"]
        ada = inbox.agent("ada")
        assert slack.wait_for(
            lambda: ada.get("/api/v1/forwards", params={"status": "failed"}).json()["items"] != []
        )
        [failed] = ada.get("/api/v1/forwards", params={"status": "failed"}).json()["items"]
        assert (
            failed["handoff_key"] == key and failed["target"] == "slack" and failed["attempts"] == 1
        )
        assert failed["last_error"] == "slack: HTTP 404 no_service"
        assert ada.get("/api/v1/forwards", params={"status": "pending"}).json()["items"] == []
        # An admin fixes the channel (here: the fake accepts this hook now) and retries.
        slack.HOOK = "/services/T0001/B0001/revoked"
        assert inbox.agent("kim").post(f"/api/v1/forwards/{failed['id']}/retry").status_code == 403
        retried = ada.post(f"/api/v1/forwards/{failed['id']}/retry")
        assert retried.status_code == 200 and retried.json()["status"] == "pending"
        assert slack.wait_for(lambda: len(slack.messages) == 1)
        assert ada.post("/api/v1/forwards/999999/retry").status_code == 404


def test_nothing_configured_means_nothing_queued(database_url, fake_rasa):
    for inbox in serve_inbox(database_url, fake_rasa, ForwardSettings()):
        assert inbox.svc.forwarder.enabled is False  # the do-nothing NoForwarder
        create_handoff(inbox.bot())
        assert _forwards(inbox) == []
        assert inbox.agent("ada").get("/api/v1/forwards").json() == {"items": []}
