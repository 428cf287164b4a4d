"""The Chatwoot set-up check says which setting is wrong, against the fake Chatwoot."""

from __future__ import annotations

import asyncio

import pytest

from inbox.forwarding.preflight import check_chatwoot, expected_webhook_url

from .conftest import settings
from .fakes import FakeChatwoot

TOKEN = "cw-webhook-token-0123456789"


def _config(chatwoot: FakeChatwoot, **overrides):  # type: ignore[no-untyped-def]
    values = dict(
        chatwoot_url=chatwoot.url,
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token=chatwoot.token,
        chatwoot_webhook_token=TOKEN,
    )
    values.update(overrides)
    return settings(**values)


def _check(config) -> list[str]:  # type: ignore[no-untyped-def]
    return asyncio.run(check_chatwoot(config))


def test_a_correct_set_up_has_no_problem(chatwoot):
    config = _config(chatwoot)
    chatwoot.webhook_url = expected_webhook_url(config, TOKEN)
    assert _check(config) == []
    assert chatwoot.calls()[0].path == "/api/v1/accounts/7/inboxes/3"


@pytest.mark.parametrize(
    "change, overrides, expected",
    [
        (
            "nothing",
            {"chatwoot_api_token": "wrong"},
            "INBOX_FORWARD_CHATWOOT_API_TOKEN is refused by Chatwoot (401)",
        ),
        ("nothing", {"chatwoot_inbox_id": 99}, "Chatwoot has no inbox 99 in account 7 (404)"),
        ("widget", {}, "INBOX_FORWARD_CHATWOOT_INBOX_ID=3 is a Channel::WebWidget inbox"),
        (
            "no url",
            {},
            "the Chatwoot inbox 3 has no Webhook URL: set it to https://inbox.example.com/api/v1/helpdesks/chatwoot/webhook?token=<INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN>",
        ),
        ("other path", {}, "Webhook URL points elsewhere (https://inbox.example.com/hooks)"),
        (
            "other token",
            {},
            "the token in the Chatwoot inbox 3's Webhook URL is not INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN",
        ),
    ],
)
def test_each_wrong_setting_is_named(chatwoot, change, overrides, expected):
    config = _config(chatwoot, **overrides)
    chatwoot.webhook_url = expected_webhook_url(config, TOKEN)
    if change == "widget":
        chatwoot.channel_type = "Channel::WebWidget"
    elif change == "no url":
        chatwoot.webhook_url = None
    elif change == "other path":
        chatwoot.webhook_url = "https://inbox.example.com/hooks?token=" + TOKEN
    elif change == "other token":
        chatwoot.webhook_url = expected_webhook_url(config, "someone-elses-token-000")
    problems = _check(config)
    assert len(problems) == 1 and expected in problems[0], problems
    assert TOKEN not in problems[0]  # the token is never printed


def test_chatwoot_unreachable_names_the_url():
    config = settings(
        chatwoot_url="http://127.0.0.1:9",
        chatwoot_account_id=7,
        chatwoot_inbox_id=3,
        chatwoot_api_token="t",
        chatwoot_webhook_token=TOKEN,
    )
    [problem] = _check(config)
    assert problem.startswith("INBOX_FORWARD_CHATWOOT_URL (http://127.0.0.1:9) cannot be reached")
