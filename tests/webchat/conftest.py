"""Fixtures for the web chat tests: a browser, a screenshot folder and the stack.

Which stack the e2e tests here use:
- ``WEBCHAT_TEST_STACK=running``: the one ``bash scripts/run`` already runs
  (ports from the environment as in scripts/env.sh, secrets from var/.env.local);
  nothing is started or stopped.
- otherwise: the shared fresh stack of tests/conftest.py (its Rasa uses the
  fixed socket.io channel named in credentials.yml, channels/socketio.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import launch_chromium, require_chromium
from tests.stack import Stack

ROOT = Path(__file__).resolve().parents[2]


def running_stack(workdir: Path) -> Stack:
    """Handles to the stack scripts/run started (not started or stopped here)."""
    secrets = {}
    env_file = ROOT / "var" / ".env.local"
    for line in env_file.read_text().splitlines():
        name, _, value = line.partition("=")
        secrets[name.strip()] = value.strip()
    port = lambda name, default: int(os.environ.get(name, default))  # noqa: E731
    return Stack(
        workdir=workdir,
        rasa_port=port("RASA_PORT", 5005),
        action_port=port("ACTION_PORT", 5055),
        inbox_port=port("INBOX_PORT", 5080),
        webchat_port=port("WEBCHAT_PORT", 8080),
        callback_port=int(
            urlsplit(os.environ.get("CALLBACK_URL", "http://127.0.0.1:5034/bot")).port or 80
        ),
        rasa_token=secrets["RASA_TOKEN"],
        handoff_secret=secrets["HANDOFF_SECRET"],
        admin_user="admin",
        admin_password=secrets["INBOX_ADMIN_PASSWORD"],
    )


if os.environ.get("WEBCHAT_TEST_STACK") == "running":

    @pytest.fixture(scope="session")
    def stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
        """The already running stack (WEBCHAT_TEST_STACK=running)."""
        return running_stack(tmp_path_factory.mktemp("running-stack"))


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """test-output/webchat/ (git-ignored): screenshots to look at after a run."""
    folder = ROOT / "test-output" / "webchat"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright (no browser download).

    One per module: Playwright's sync API keeps an event loop running while it is open,
    and the server tests after a browser module call ``asyncio.run``."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
