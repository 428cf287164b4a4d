"""``python -m inbox create-admin|create-agent``: the password policy applies where accounts are made."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[2]


def _create(
    tmp_path: Path, command: str, username: str, password: str
) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        HANDOFF_SECRET="h" * 32,
        INBOX_SESSION_SECRET="s" * 32,
        INBOX_DATABASE_URL=f"sqlite:///{tmp_path / 'inbox.db'}",
        INBOX_NEW_PASSWORD=password,
    )
    return subprocess.run(
        [sys.executable, "-m", "inbox", command, username, "--name", "Sam"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _usernames(tmp_path: Path) -> list:
    engine = create_engine(f"sqlite:///{tmp_path / 'inbox.db'}")
    try:
        if not inspect(engine).has_table("agents"):
            return []
        with engine.connect() as conn:
            return [
                row[0]
                for row in conn.execute(text("SELECT username FROM agents ORDER BY username"))
            ]
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["create-admin", "create-agent"])
@pytest.mark.parametrize("password", ["1234567890", "aaaaaaaaaa", "password12"])
def test_weak_passwords_are_refused_with_the_reason(
    tmp_path: Path, command: str, password: str
) -> None:
    result = _create(tmp_path, command, "sam", password)
    assert result.returncode != 0
    assert "too weak" in result.stderr, result.stderr
    assert _usernames(tmp_path) == []


def test_a_strong_password_creates_the_account(tmp_path: Path) -> None:
    result = _create(tmp_path, "create-admin", "admin", "vivid-otter-ladder-97")
    assert result.returncode == 0, result.stderr
    assert _usernames(tmp_path) == ["admin"]
