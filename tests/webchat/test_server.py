"""The web chat server: routes, security headers, configuration, the widget bundle."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fastapi import FastAPI

from webchat import bundle
from webchat.__main__ import parse_args
from webchat.app import create_app
from webchat.security import content_security_policy
from webchat.settings import Settings, SettingsError

RASA = "http://rasa.example:5005"


class Client:
    """A synchronous client for the ASGI app (httpx 0.28 has no sync ASGI transport)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def request() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                return await http.get(path, headers=headers)

        return asyncio.run(request())


@pytest.fixture()
def client() -> Client:
    return Client(create_app(Settings(rasa_url=RASA, title="Northwind help")))


def test_store_page_embeds_the_widget_with_one_script_tag(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    tags = re.findall(r'<script src="[^"]*/widget\.js"[^>]*>', response.text)
    assert tags == [
        f'<script src="http://127.0.0.1:8080/widget.js" data-rasa-url="{RASA}" '
        f'data-title="Northwind help" defer>'
    ]
    assert "Northwind" in response.text and 'class="products"' in response.text


def test_store_page_has_a_strict_csp_that_lets_the_widget_reach_rasa(client: Client) -> None:
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script anywhere
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == f"'self' {RASA} ws://rasa.example:5005"
    assert directives["frame-ancestors"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_https_rasa_gets_a_wss_connect_source() -> None:
    csp = content_security_policy(Settings(rasa_url="https://bot.example"))
    assert "connect-src 'self' https://bot.example wss://bot.example;" in csp


def test_the_widget_address_comes_from_configuration_not_the_host_header() -> None:
    app = create_app(Settings(rasa_url=RASA, public_url="https://chat.example"))
    html = Client(app).get("/", headers={"Host": "evil.example"}).text
    assert '<script src="https://chat.example/widget.js"' in html
    assert "evil.example" not in html
    assert (
        Settings.from_env({"WEBCHAT_PUBLIC_URL": "https://chat.example/"}).base_url
        == "https://chat.example"
    )
    assert (
        Settings.from_env({"WEBCHAT_HOST": "0.0.0.0", "WEBCHAT_PORT": "9000"}).base_url
        == "http://127.0.0.1:9000"
    )
    with pytest.raises(SettingsError):
        Settings.from_env({"WEBCHAT_PUBLIC_URL": "javascript:alert(1)"})


def test_the_page_has_no_inline_script_or_style(client: Client) -> None:
    html = client.get("/").text
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html) is None
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html


def test_widget_js_is_the_bundle_and_loads_from_any_site(client: Client) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["cache-control"] == "no-cache"
    text = response.text
    assert (
        "Socket.IO v4." in text and "Released under the MIT License" in text
    )  # licence header kept
    assert "sourceMappingURL" not in text  # no .map is shipped
    assert "class NorthwindChat" in text and "class Connection" in text
    widget_code = text.split("var io = module.exports;", 1)[1]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in widget_code  # text only, never HTML


def test_widget_js_answers_304_to_its_etag(client: Client) -> None:
    etag = client.get("/widget.js").headers["etag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_bundle_keeps_socket_io_private() -> None:
    text = bundle.build().text
    # The UMD build sees local module/exports, so it never assigns a global `io`.
    assert text.index("var module = { exports: {} }") < text.index("Socket.IO v4.")
    assert text.rstrip().endswith("})();")


def test_config_json_for_tags_without_data_attributes(client: Client) -> None:
    response = client.get("/config.json")
    assert response.json() == {
        "rasaUrl": RASA,
        "socketPath": "/socket.io",
        "title": "Northwind help",
    }
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "path, type_",
    [
        ("/static/widget.css", "text/css"),
        ("/static/store.css", "text/css"),
        ("/static/vendor/socket.io-LICENSE.txt", "text/plain"),
    ],
)
def test_static_files_load_cross_origin(client: Client, path: str, type_: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(type_)
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"


def test_unknown_paths_are_404(client: Client) -> None:
    assert client.get("/nope").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_healthz(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_settings_from_environment() -> None:
    settings = Settings.from_env(
        {"WEBCHAT_PORT": "9090", "RASA_URL": "http://10.0.0.5:5005/", "WEBCHAT_HOST": "0.0.0.0"}
    )
    assert (settings.port, settings.host, settings.rasa_url) == (
        9090,
        "0.0.0.0",
        "http://10.0.0.5:5005",
    )
    assert settings.rasa_ws_url == "ws://10.0.0.5:5005"
    # The address browsers use wins over the one services use.
    assert (
        Settings.from_env(
            {"RASA_URL": "http://rasa:5005", "WEBCHAT_RASA_URL": "https://bot.example"}
        ).rasa_url
        == "https://bot.example"
    )
    assert Settings.from_env({}).rasa_url == "http://127.0.0.1:5005"


@pytest.mark.parametrize(
    "env",
    [
        {"WEBCHAT_PORT": "eighty"},
        {"WEBCHAT_RASA_URL": "javascript:alert(1)"},
        {"WEBCHAT_RASA_URL": "http://rasa:5005/path"},
        {"WEBCHAT_SOCKET_PATH": "socket.io"},
    ],
)
def test_unusable_settings_are_refused(env: dict) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_command_line_overrides_the_environment() -> None:
    defaults = Settings.from_env({"WEBCHAT_PORT": "8080"})
    args = parse_args(["--port", "8181", "--rasa-url", "http://127.0.0.1:6005"], defaults)
    settings = defaults.replace(host=args.host, port=args.port, rasa_url=args.rasa_url)
    assert (settings.host, settings.port, settings.rasa_url) == (
        "127.0.0.1",
        8181,
        "http://127.0.0.1:6005",
    )
