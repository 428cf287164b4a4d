"""Shared fixtures: the whole running system for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agent_client import AgentClient
from tests.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
TEST_OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Real Rasa, action server, inbox and web chat on free ports, fresh SQLite files."""
    running = Stack(workdir=tmp_path_factory.mktemp("stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Folder for screenshots and reports (git-ignored)."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture()
def agent(stack: Stack) -> Iterator[AgentClient]:
    """The stack's admin, logged in and available, so handoffs reach the queue as waiting."""
    client = AgentClient(stack.inbox_url, stack.admin_user, stack.admin_password)
    client.set_available(True)
    yield client
    client.close()
