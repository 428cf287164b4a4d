"""The FastAPI application: wiring of settings, storage, routers, pages and the
delivery loop. ``create_app`` is the only entry point (serve, tests, OpenAPI export).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from httpkit.static_files import SafeStaticFiles
from inbox import live_events, migrate, pages
from inbox.agent_tools import page as agent_tools_page
from inbox.agent_tools import routes as agent_tools_routes
from inbox.analytics import page as analytics_page
from inbox.analytics import routes as analytics_routes
from inbox.analytics import sessions_routes
from inbox.auth import routes as auth_routes
from inbox.auth.security import SessionCodec
from inbox.auth.throttle import build_throttle
from inbox.broker import Broker
from inbox.care import routes as care_routes
from inbox.conversation import bot_routes as conversation_bot_routes
from inbox.conversation import routes as conversation_routes
from inbox.conversation import silence_timer
from inbox.conversation.rasa_client import RasaClient
from inbox.conversation.rasa_delivery import RasaDelivery
from inbox.csat import routes as csat_routes
from inbox.db import make_engine, make_session_factory
from inbox.errors import InboxError
from inbox.followup import routes as followup_routes
from inbox.forwarding import admin_routes as forwarding_admin_routes
from inbox.forwarding import desk_routes
from inbox.forwarding.worker import Forwarder
from inbox.json_body import StorableJsonBody
from inbox.queue import bot_routes as queue_bot_routes
from inbox.queue import closed_routes
from inbox.queue import routes as queue_routes
from inbox.queue.cache import QueueCache
from inbox.queue.hours import BusinessHours
from inbox.redis_broker import RedisBroker
from inbox.services import Services
from inbox.settings import Settings
from inbox.widget import routes as widget_routes
from inbox.wrapup import routes as wrapup_routes

API_DESCRIPTION = """JSON API of the agent inbox.

* **bot** endpoints need `Authorization: Bearer <HANDOFF_SECRET>` (401 otherwise).
* **agent** endpoints need the session cookie; state-changing ones also the
  `X-CSRF-Token` header (403 otherwise). Reads also accept the bot bearer (tools).
* **events** are server-sent event streams for the agent pages.

The bot <-> inbox contract is described in docs/architecture.md.
"""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def create_app(
    settings: Settings,
    *,
    migrate_on_start: bool = True,
    rasa_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the app; storage and clients are created here, connections at start-up."""
    engine = make_engine(settings.database_url)
    svc = Services(
        settings=settings,
        engine=engine,
        factory=make_session_factory(engine),
        hours=BusinessHours(settings.business_hours, settings.timezone),
        codec=SessionCodec(settings.session_secret, settings.session_max_age_seconds),
        limiter=build_throttle(
            settings.redis_url,
            settings.redis_channel,
            settings.login_max_attempts,
            settings.login_window_seconds,
        ),
        broker=RedisBroker(settings.redis_url, settings.redis_channel)
        if settings.redis_url
        else Broker(),
        queue_cache=QueueCache(settings.queue_cache_seconds),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate_on_start:
            migrate.upgrade(settings.database_url)
        await svc.broker.start()
        svc.rasa = RasaClient(
            settings.rasa_url,
            settings.rasa_token,
            timeout=settings.rasa_timeout_seconds,
            transport=rasa_transport,
        )
        svc.deliverer = RasaDelivery(
            svc.factory,
            svc.rasa,
            svc.broker,
            settings.delivery_retry_seconds,
            settings.delivery_max_attempts,
            # One call is up to four requests (a check, a line, resume, trigger).
            lease_seconds=max(60.0, 6 * settings.rasa_timeout_seconds),
        )
        loop_task = asyncio.create_task(svc.deliverer.run())
        svc.deliverer.wake()
        timer_task = (
            asyncio.create_task(
                silence_timer.run(
                    svc.factory, svc.broker, svc.deliverer, settings.abandon_after_seconds
                )
            )
            if settings.abandon_after_seconds > 0
            else None
        )
        svc.forwarder = Forwarder.build(svc.factory, settings.forwarding)
        svc.forwarder.start()
        try:
            yield
        finally:
            await svc.broker.stop()
            loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loop_task
            if timer_task is not None:
                timer_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await timer_task
            await svc.rasa.aclose()
            await svc.forwarder.aclose()
            engine.dispose()

    app = FastAPI(
        title="Agent inbox",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,  # Swagger UI would need a CDN
        openapi_url="/api/openapi.json",
    )
    app.state.inbox = svc
    app.add_middleware(
        StorableJsonBody
    )  # lone surrogates and NUL in JSON bodies made every endpoint 500

    @app.exception_handler(InboxError)
    async def _domain_error(_request: Request, exc: InboxError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/api/") or request.url.path.startswith("/conversations"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # bot endpoints, then agent endpoints, feature by feature (docs/architecture.md, Layout)
    app.include_router(queue_bot_routes.router)
    app.include_router(conversation_bot_routes.router)
    app.include_router(desk_routes.router)  # help desks acting on a handoff (docs/helpdesks.md)
    app.include_router(sessions_routes.router)
    app.include_router(queue_routes.router)
    app.include_router(closed_routes.router)
    app.include_router(agent_tools_routes.router)  # canned replies, notes, transfer
    app.include_router(care_routes.router)  # breaks, routing plan, abuse exposure
    app.include_router(agent_tools_page.router)  # /admin/canned-replies
    app.include_router(conversation_routes.router)
    app.include_router(auth_routes.router)
    app.include_router(live_events.router)
    app.include_router(wrapup_routes.router)
    app.include_router(followup_routes.router)  # reply by email
    app.include_router(csat_routes.router)
    app.include_router(widget_routes.router)
    app.include_router(forwarding_admin_routes.router)
    app.include_router(analytics_routes.router)
    app.include_router(pages.router)
    app.include_router(analytics_page.router)
    app.mount(
        "/static", SafeStaticFiles(directory=str(Path(__file__).parent / "static")), name="static"
    )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    return app
