"""Forwarding settings: nothing set forwards nothing; a half-configured target stops start-up."""

from __future__ import annotations

import pytest

from inbox.forwarding.settings import ForwardSettings
from inbox.forwarding.worker import Forwarder
from inbox.settings import Settings, SettingsError

BASE = {"HANDOFF_SECRET": "a", "INBOX_SESSION_SECRET": "b"}


def test_nothing_configured_means_no_targets_and_a_do_nothing_forwarder():
    settings = Settings.from_env(BASE)
    assert settings.forwarding == ForwardSettings()
    assert settings.forwarding.targets == ()
    assert settings.forwarding.public_url == "http://127.0.0.1:5080"
    assert Forwarder.build(factory=None, settings=settings.forwarding).enabled is False  # type: ignore[arg-type]


def test_every_target_is_read_from_the_environment():
    settings = Settings.from_env(
        {
            **BASE,
            "INBOX_PUBLIC_URL": "https://inbox.example.com/",
            "INBOX_FORWARD_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x",
            "INBOX_FORWARD_WEBHOOK_URL": "https://helpdesk.example.com/hooks",
            "INBOX_FORWARD_WEBHOOK_SECRET": "0123456789abcdef",
            "INBOX_FORWARD_CHATWOOT_URL": "https://chat.example.com/",
            "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID": "2",
            "INBOX_FORWARD_CHATWOOT_INBOX_ID": "9",
            "INBOX_FORWARD_CHATWOOT_API_TOKEN": "tok",
            "INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN": "cw-webhook-token-0123",
            "INBOX_FORWARD_MAX_ATTEMPTS": "4",
            "INBOX_FORWARD_BACKOFF_SECONDS": "1.5",
        }
    ).forwarding
    assert settings.targets == ("slack", "webhook", "chatwoot")
    assert settings.public_url == "https://inbox.example.com"
    assert settings.chatwoot_url == "https://chat.example.com"
    assert (settings.chatwoot_account_id, settings.chatwoot_inbox_id) == (2, 9)
    assert (settings.max_attempts, settings.backoff_seconds) == (4, 1.5)
    assert settings.chatwoot_two_way and settings.webhook_two_way


def test_chatwoot_without_its_webhook_token_names_the_setting():
    env = {
        **BASE,
        "INBOX_FORWARD_CHATWOOT_URL": "https://chat.example.com",
        "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID": "2",
        "INBOX_FORWARD_CHATWOOT_INBOX_ID": "9",
        "INBOX_FORWARD_CHATWOOT_API_TOKEN": "tok",
    }
    with pytest.raises(SettingsError, match="INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN must be set"):
        Settings.from_env(env)
    with pytest.raises(SettingsError, match="at least 16 characters"):
        Settings.from_env({**env, "INBOX_FORWARD_CHATWOOT_WEBHOOK_TOKEN": "short"})


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"INBOX_FORWARD_WEBHOOK_URL": "https://h.example.com"},
            "INBOX_FORWARD_WEBHOOK_SECRET must be set",
        ),
        (
            {
                "INBOX_FORWARD_WEBHOOK_URL": "https://h.example.com",
                "INBOX_FORWARD_WEBHOOK_SECRET": "short",
            },
            "at least 16 characters",
        ),
        (
            {
                "INBOX_FORWARD_CHATWOOT_URL": "https://c.example.com",
                "INBOX_FORWARD_CHATWOOT_ACCOUNT_ID": "1",
            },
            "INBOX_FORWARD_CHATWOOT_INBOX_ID, INBOX_FORWARD_CHATWOOT_API_TOKEN must be set",
        ),
        (
            {"INBOX_FORWARD_SLACK_WEBHOOK_URL": "hooks.slack.com/services/x"},
            "must be an http\\(s\\) URL",
        ),
        (
            {"INBOX_FORWARD_MAX_ATTEMPTS": "many"},
            "INBOX_FORWARD_MAX_ATTEMPTS must be a whole number",
        ),
        ({"INBOX_FORWARD_MAX_ATTEMPTS": "0"}, "must be >= 1"),
    ],
)
def test_a_half_configured_target_refuses_to_start(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({**BASE, **env})


def test_serve_refuses_to_start_with_a_webhook_but_no_secret():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, **BASE, "INBOX_FORWARD_WEBHOOK_URL": "https://h.example.com"}
    env.pop("INBOX_FORWARD_WEBHOOK_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-m", "inbox", "serve", "--port", "1"],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "INBOX_FORWARD_WEBHOOK_SECRET must be set" in result.stderr
