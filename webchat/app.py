"""The web chat server: ``/widget.js``, its static files, ``/config.json`` and the demo store.

It holds no conversation state: the browser talks to Rasa's socket.io channel
directly, so this server can restart at any time without a customer noticing.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from httpkit.static_files import SafeStaticFiles
from webchat import bundle, widget_api
from webchat.inbox_client import InboxClient
from webchat.security import SecurityHeadersMiddleware
from webchat.settings import Settings

PACKAGE = Path(__file__).resolve().parent
JS_TYPE = "text/javascript; charset=utf-8"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the widget bundle is made once here (restart to pick up edits)."""
    settings = settings or Settings.from_env()
    widget = bundle.build()
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    app = FastAPI(title="Northwind web chat", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    inbox = InboxClient(settings.inbox_url, settings.handoff_secret)
    widget_api.install(app, inbox)
    app.router.on_shutdown.append(inbox.close)
    app.mount("/static", SafeStaticFiles(directory=str(PACKAGE / "static")), name="static")

    @app.get("/", response_class=HTMLResponse)
    async def store(request: Request) -> Response:
        """The demo store page, embedding the widget with the one script tag."""
        return templates.TemplateResponse(
            request,
            "store.html",
            {
                "widget_src": f"{settings.base_url}/widget.js",  # configured, not the Host header
                "rasa_url": settings.rasa_url,
                "title": settings.title,
            },
        )

    @app.get("/widget.js", name="widget_js")
    async def widget_js(request: Request) -> Response:
        """The one script a page embeds; revalidated on every load (ETag) so fixes reach pages."""
        headers = {"ETag": widget.etag, "Cache-Control": "no-cache"}
        if request.headers.get("if-none-match") == widget.etag:
            return Response(status_code=304, headers=headers)
        return Response(widget.text, media_type=JS_TYPE, headers=headers)

    @app.get("/config.json")
    async def config() -> JSONResponse:
        """Defaults for a script tag without data- attributes."""
        return JSONResponse(
            {
                "rasaUrl": settings.rasa_url,
                "socketPath": settings.socket_path,
                "title": settings.title,
            },
            headers={"Cache-Control": "no-cache"},
        )

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    return app
