"""Slack incoming webhook: the message, escaping, retries, 429 Retry-After, permanent errors."""

from __future__ import annotations

from inbox.forwarding.slack import created_message, escape

from .conftest import queue_handoff, rows, run_until_settled, settings
from .fakes import Failure


def _all_text(message: dict) -> str:
    parts = [message["text"]]
    for block in message["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])] + [
            e["text"] for e in block.get("elements", [])
        ]
    return "\n".join(parts)


def test_the_handoff_reaches_the_channel_once_with_the_summary(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    key, _ = queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert len(slack.messages) == 1
    text = _all_text(slack.messages[0])
    assert "Dana Whitfield needs a person (high priority)" in slack.messages[0]["text"]
    assert "Find out why order 10482 has not arrived" in text  # the goal from the summary
    assert "Dana Whitfield (verified) wants to know where order 10482 is." in text  # the brief
    assert "*Order*\n10482" in text and "*Frustration*\nfrustrated" in text
    assert f"<https://inbox.example.com/conversations/{key}|Open in the inbox>" in text
    assert slack.calls()[0].headers["content-type"] == "application/json"
    [row] = rows(factory)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, None)


def test_customer_text_cannot_inject_mentions_or_links(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    queue_handoff(
        factory,
        config,
        brief="<!channel> see <https://evil.example|your refund> & more",
        reason="asked for <@U123>",
    )
    run_until_settled(factory, config)
    text = _all_text(slack.messages[0])
    assert "<!channel>" not in text and "<@U123>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt; see &lt;https://evil.example|your refund&gt; &amp; more" in text
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_server_errors_are_retried_and_the_recovered_message_is_sent_once(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    slack.fail("POST", Failure(500, "rollup_error"), Failure(503))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    assert [c.status for c in slack.calls()] == [500, 503, 200]
    assert len(slack.messages) == 1
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("delivered", 3)


def test_rate_limit_waits_for_retry_after(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    slack.fail("POST", Failure(429, "rate_limited", {"Retry-After": "1"}))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    first, second = slack.calls()
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.95  # backoff alone would have retried after 25-50 ms
    assert len(slack.messages) == 1


def test_a_timeout_is_retried(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url, timeout_seconds=0.3)
    slack.fail("POST", Failure(503, delay=0.8))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert row.status == "delivered" and row.attempts == 2
    assert len(slack.messages) == 1


def test_a_revoked_webhook_fails_at_once_and_says_why(factory, slack):
    config = settings(slack_webhook_url=slack.url + "/services/T0001/B0001/revoked")
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    run_until_settled(factory, config)  # a second pass of the loop does not try again
    assert len(slack.calls()) == 1 and slack.messages == []
    [row] = rows(factory)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "slack: HTTP 404 no_service"
    assert "revoked" not in row.last_error  # the webhook URL is the secret: never stored


def test_an_archived_channel_is_a_permanent_failure(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url)
    slack.fail("POST", Failure(410, "channel_is_archived"))
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "slack: HTTP 410 channel_is_archived",
    )


def test_a_target_that_keeps_failing_gives_up_after_max_attempts(factory, slack):
    config = settings(slack_webhook_url=slack.webhook_url, max_attempts=3)
    slack.fail("POST", *[Failure(503, "down")] * 5)
    queue_handoff(factory, config)
    run_until_settled(factory, config)
    [row] = rows(factory)
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "slack: HTTP 503 down")
    assert len(slack.calls()) == 3


def test_message_shape_without_optional_fields():
    message = created_message(
        {"priority": "low", "inbox_url": "http://x/conversations/k", "summary": {}}
    )
    assert message["text"] == ":white_circle: A customer needs a person (low priority)"
    assert [b["type"] for b in message["blocks"]] == ["section", "section", "context"]
