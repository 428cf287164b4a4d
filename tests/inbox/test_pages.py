"""Agent pages: login form with CSRF, redirects, and escaping of untrusted customer text."""

from __future__ import annotations

import re

import httpx

from .conftest import PASSWORD
from .helpers import create_handoff, handoff_payload

XSS = "<script>alert(1)</script><b>x</b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"


def _form_login(inbox, username="sam", password=PASSWORD):
    client = httpx.Client(base_url=inbox.url)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return client, response


def test_pages_redirect_to_login_without_a_session(inbox):
    client = httpx.Client(base_url=inbox.url)
    for path in ("/", "/queue", "/search", "/conversations/whatever"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path


def test_form_login_needs_the_csrf_token(inbox):
    client = httpx.Client(base_url=inbox.url)
    client.get("/login")
    response = client.post(
        "/login", data={"username": "sam", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "inbox_session" not in response.cookies


def test_form_login_and_logout(inbox):
    client, response = _form_login(inbox)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    queue = client.get("/queue")
    assert queue.status_code == 200 and "Waiting" in queue.text
    token = re.search(r'name="csrf-token" content="([^"]+)"', queue.text).group(1)
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/queue").status_code == 303


def test_wrong_password_shows_an_error_without_a_session(inbox):
    client, response = _form_login(inbox, password="wrong")
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert client.get("/queue").status_code == 303


def test_customer_text_is_escaped_in_every_page(inbox):
    bot = inbox.bot()
    body = handoff_payload(reason=XSS, brief=XSS, suggested_opening=XSS, channel="web<i>x</i>")
    body["summary"]["customer"]["name"] = XSS
    body["summary"]["goal"] = XSS
    body["summary"]["facts"]["order_status"] = XSS  # the contract allows only known fact names
    body["summary"]["escalation"]["reasons"] = [XSS]
    body["summary"]["transcript"].append(
        {"speaker": "customer", "text": XSS, "at": "2026-11-25T09:59:00Z"}
    )
    bot.post("/api/v1/handoffs", json=body).raise_for_status()
    key = body["handoff_key"]
    bot.post(
        f"/api/v1/handoffs/{key}/messages", json={"message_id": "x", "text": XSS}
    ).raise_for_status()
    client, _ = _form_login(inbox)
    pages = [client.get("/queue").text, client.get(f"/conversations/{key}").text]
    inbox.agent("sam").post(f"/api/v1/handoffs/{key}/claim").raise_for_status()
    inbox.agent("sam").post(
        f"/api/v1/handoffs/{key}/resolve", json={"note": XSS}
    ).raise_for_status()
    pages += [
        client.get(f"/conversations/{key}").text,
        client.get("/search", params={"q": "alert"}).text,
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert "<b>x" not in html and "<i>x" not in html
        assert ESCAPED in html


def test_pages_send_a_strict_content_security_policy(inbox):
    client, _ = _form_login(inbox)
    headers = client.get("/queue").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_conversation_page_shows_the_summary_card_first(inbox):
    key = create_handoff(inbox.bot())["handoff_key"]
    client, _ = _form_login(inbox)
    html = client.get(f"/conversations/{key}").text
    positions = [
        html.index(marker)
        for marker in (
            'id="summary-title"',
            'id="chart-title"',
            'id="transcript-title"',
            'id="messages"',
        )
    ]
    assert positions == sorted(positions)
    assert "Find out why order 10482 has not arrived" in html
    assert "Use this opening" in html
    assert html.count('class="pt pt-') == 3  # one chart point per timeline turn


def test_unknown_conversation_is_a_404_page(inbox):
    client, _ = _form_login(inbox)
    assert client.get("/conversations/nope").status_code == 404
