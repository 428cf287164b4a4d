"""Security headers: a strict CSP for the demo page, cross-origin loading for the widget.

The demo page runs no inline script or style; its CSP lets it connect only to
itself and to Rasa (http and ws: CSP does not treat ``http://`` as covering
``ws://``). The widget's files must load on other sites' pages, so they are sent
with ``Cross-Origin-Resource-Policy: cross-origin`` and ``Access-Control-Allow-Origin: *``
(they are public and never carry cookies).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from webchat.settings import Settings

# Paths anyone's page may load or call (script, stylesheet, config, vendored client,
# the widget API: it takes no cookies, the session id in the path authorises it).
PUBLIC_PREFIXES = ("/widget.js", "/config.json", "/static/", "/api/sessions/")

BASE_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def content_security_policy(settings: Settings) -> str:
    """The demo page's policy; also what a site embedding the widget needs to allow."""
    rasa = f"{settings.rasa_url} {settings.rasa_ws_url}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: https:",
            "font-src 'self'",
            f"connect-src 'self' {rasa}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def headers_for(path: str, content_type: str, settings: Settings) -> dict[str, str]:
    """The security headers one response gets."""
    headers = dict(BASE_HEADERS)
    if path.startswith(PUBLIC_PREFIXES):
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
    if content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = content_security_policy(settings)
    return headers


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    """Adds :func:`headers_for` to every response (without overriding route-set values)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        extra = headers_for(
            request.url.path, response.headers.get("content-type", ""), self.settings
        )
        for name, value in extra.items():
            response.headers.setdefault(name, value)
        return response
