"""An agent's status is remembered across logins; make run's first admin starts Available."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from inbox.auth.agents import create_agent

ROOT = Path(__file__).resolve().parents[3]


def _me(client) -> bool:
    return client.get("/api/v1/me").json()["available"]


def test_available_is_remembered_across_logout_and_login(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    assert _me(sam) is False  # never chose: away
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    sam.post("/api/v1/auth/logout").raise_for_status()
    assert tools_inbox.bot().get("/api/v1/status").json()["agents_available"] == 0
    assert _me(tools_inbox.agent("sam")) is True


def test_away_is_remembered_too(tools_inbox) -> None:
    kim = tools_inbox.agent("kim")
    kim.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    kim.post("/api/v1/me/availability", json={"available": False}).raise_for_status()
    kim.post("/api/v1/auth/logout").raise_for_status()
    assert _me(tools_inbox.agent("kim")) is False


def test_an_account_created_available_logs_in_available(tools_inbox) -> None:
    with tools_inbox.svc.factory.begin() as session:
        create_agent("lee", "x", session=session, display_name="Lee", available=True)
    with tools_inbox.svc.factory.begin() as session:
        session.execute(
            text(
                "UPDATE agents SET password_hash = (SELECT password_hash FROM agents WHERE username='sam') WHERE username='lee'"
            )
        )
    assert tools_inbox.bot().get("/api/v1/status").json()["agents_available"] == 1
    lee = tools_inbox.agent("lee")
    assert _me(lee) is True


def test_create_admin_available_from_the_command_line(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    env = {
        **os.environ,
        "INBOX_DATABASE_URL": url,
        "HANDOFF_SECRET": "s" * 32,
        "INBOX_SESSION_SECRET": "t" * 32,
        "INBOX_NEW_PASSWORD": "plum-harbour-lantern-42",
    }
    done = subprocess.run(
        [sys.executable, "-m", "inbox", "create-admin", "admin", "--name", "Sam", "--available"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT a.available, c.remembered_available FROM agents a "
                "JOIN agent_care c ON c.agent_id = a.id WHERE a.username = 'admin'"
            )
        ).one()
    engine.dispose()
    assert tuple(bool(v) for v in row) == (True, True)
    assert "--available" in (ROOT / "scripts" / "run").read_text()


def test_the_figures_the_bot_announces_count_an_agent_restored_at_login(tools_inbox) -> None:
    sam = tools_inbox.agent("sam")
    sam.post("/api/v1/me/availability", json={"available": True}).raise_for_status()
    sam.post("/api/v1/auth/logout").raise_for_status()
    bot = tools_inbox.bot()
    assert bot.get("/api/v1/queue").json()["figures"]["agents_available"] == 0  # cached answer
    tools_inbox.agent("sam")
    assert bot.get("/api/v1/queue").json()["figures"]["agents_available"] == 1
