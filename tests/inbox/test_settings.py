"""Settings: required secrets stop start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inbox.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_missing_secrets_are_named():
    with pytest.raises(SettingsError, match="HANDOFF_SECRET and INBOX_SESSION_SECRET"):
        Settings.from_env({})


def test_values_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "HANDOFF_SECRET": "a",
            "INBOX_SESSION_SECRET": "b",
            "INBOX_COOKIE_SECURE": "true",
            "RASA_URL": "http://rasa:5005/",
            "INBOX_AVG_HANDLE_SECONDS": "300",
        }
    )
    assert settings.cookie_secure is True
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.avg_handle_seconds == 300
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "var/inbox.db"
    )


def test_serve_refuses_to_start_without_secrets():
    env = {
        k: v for k, v in os.environ.items() if k not in ("HANDOFF_SECRET", "INBOX_SESSION_SECRET")
    }
    result = subprocess.run(
        [sys.executable, "-m", "inbox", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "HANDOFF_SECRET" in result.stderr
