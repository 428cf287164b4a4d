"""Login limits on the running inbox: per account and per IP, back-off not lock-out, shared through Redis."""

from __future__ import annotations

import math
import re
import secrets
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.inbox.auth.test_throttle import _redis_up
from tests.inbox.conftest import PASSWORD, RunningInbox, start_inbox


def _client(inbox: RunningInbox, ip: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``ip`` (any 127.x address is local on Linux)."""
    return httpx.Client(
        base_url=inbox.url, timeout=10, transport=httpx.HTTPTransport(local_address=ip)
    )


def _login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_fifty_guesses_from_ten_addresses_mostly_wait(inbox):
    started = time.monotonic()
    codes = [
        _login(_client(inbox, f"127.0.0.{2 + i % 10}"), "sam", f"guess-{i}").status_code
        for i in range(50)
    ]
    elapsed = time.monotonic() - started
    free = inbox.settings.login_max_attempts
    assert codes[: free + 1] == [401] * free + [429]
    # After the free ones, one more guess per doubling wait that elapsed (1 s, 2 s, 4 s ...).
    assert codes.count(401) <= free + math.floor(math.log2(elapsed + 1)) + 1, (elapsed, codes)
    assert set(codes) == {401, 429}


def test_the_victim_waits_seconds_not_the_whole_window(inbox):
    attacker = _client(inbox)
    for _ in range(inbox.settings.login_max_attempts):
        assert _login(attacker, "sam", "wrong-password").status_code == 401
    refused = _login(_client(inbox), "sam", PASSWORD)
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 2
    assert f"please wait {wait} second" in refused.json()["detail"]
    time.sleep(wait)
    assert _login(_client(inbox), "sam", PASSWORD).status_code == 200


def test_an_address_guessing_other_accounts_does_not_block_a_colleague(inbox):
    shared_ip = "127.0.0.20"
    attacker = _client(inbox, shared_ip)
    for i in range(inbox.settings.login_max_attempts * 2):
        _login(attacker, "kim" if i % 2 else "ada", "wrong-password")
    assert _login(_client(inbox, shared_ip), "sam", PASSWORD).status_code == 200


def test_one_address_spraying_accounts_is_slowed_down(inbox):
    client = _client(inbox, "127.0.0.30")
    codes = [_login(client, f"nobody{i}", "wrong-password").status_code for i in range(30)]
    allowed = inbox.svc.limiter.policy.ip_free
    assert codes[:allowed] == [401] * allowed and set(codes[allowed:]) == {429}
    assert _login(_client(inbox, "127.0.0.31"), "sam", PASSWORD).status_code == 200


def test_the_login_page_says_how_long_to_wait(inbox):
    client = _client(inbox)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    for _ in range(inbox.settings.login_max_attempts):
        client.post(
            "/login", data={"username": "sam", "password": "wrong-password", "csrf_token": token}
        )
    page = client.post(
        "/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token}
    )
    assert page.status_code == 429
    assert re.search(r"please wait \d+ seconds? and try again", page.text)


@pytest.fixture(scope="module")
def two_replicas(tmp_path_factory, fake_rasa) -> Iterator[tuple[RunningInbox, RunningInbox]]:
    _redis_up()
    url = f"sqlite:///{tmp_path_factory.mktemp('login-replicas') / 'inbox.db'}"
    shared = dict(
        redis_url="redis://127.0.0.1:6379/0",
        redis_channel=f"inbox-test:{uuid.uuid4().hex}",
        handoff_secret=secrets.token_urlsafe(16),
        session_secret=secrets.token_urlsafe(32),
    )
    first = start_inbox(url, fake_rasa, **shared)
    a = next(first)
    second = start_inbox(url, fake_rasa, **shared)
    b = next(second)
    yield a, b
    a.svc.limiter.reset()
    for gen in (second, first):
        with pytest.raises(StopIteration):
            next(gen)


def test_replicas_with_redis_share_the_limit(two_replicas):
    a, b = two_replicas
    a.reset()
    for i in range(a.settings.login_max_attempts):
        assert _login(_client(a, f"127.0.0.{40 + i}"), "sam", "wrong-password").status_code == 401
    refused = _login(_client(b, "127.0.0.50"), "sam", PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
