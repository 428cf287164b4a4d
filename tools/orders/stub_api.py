"""A small reference server for the order API in docs/order-api.md.

It serves any `OrderBackend` (normally the SQL demo database) over HTTP, so the
`http` backend can be tried and tested without a company's real API:

    ORDER_API_TOKEN=dev-token python -m tools.orders.stub_api --port 8070
    ORDER_BACKEND=http ORDER_API_URL=http://127.0.0.1:8070 ORDER_API_TOKEN=dev-token ...

It is a demo and test tool, not a production service. Starlette is imported
only when an app is built, so importing this module costs nothing.
"""

from __future__ import annotations

import argparse
import hmac
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from actions.backend import wire
from actions.backend.base import (
    BackendUnavailable,
    NotAllowed,
    OrderBackend,
    OrderNotFound,
)

if TYPE_CHECKING:  # pragma: no cover
    from starlette.applications import Starlette
    from starlette.requests import Request


def create_app(backend: OrderBackend, token: str) -> Starlette:
    """A Starlette app answering the documented endpoints from `backend`.

    `app.state.backend` may be replaced later (tests swap in a fresh database).
    """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    if not token:
        raise ValueError("token is required")

    def error(status: int, code: str, message: str, reason: str | None = None) -> JSONResponse:
        body = {"error": code, "message": message}
        if reason:
            body["reason"] = reason
        return JSONResponse(body, status_code=status)

    async def body_of(request: Request) -> dict:
        try:
            payload = await request.json()
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}

    async def dispatch(request: Request, operation: str) -> JSONResponse:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return error(401, "unauthorized", "missing or wrong bearer token")
        backend: OrderBackend = request.app.state.backend
        number = request.path_params["number"]
        try:
            if operation == "get":
                return JSONResponse(wire.order_to_json(await backend.get_order(number)))
            if operation == "verify":
                factor = (await body_of(request)).get("factor")
                if not isinstance(factor, str):
                    return error(422, "invalid_request", "'factor' must be a string")
                return JSONResponse({"verified": await backend.verify_customer(number, factor)})
            if operation == "cancel":
                return JSONResponse(wire.order_to_json(await backend.cancel_order(number)))
            if operation == "returns":
                sku = (await body_of(request)).get("sku")
                if sku is not None and not isinstance(sku, str):
                    return error(422, "invalid_request", "'sku' must be a string or null")
                authorisation = await backend.start_return(number, sku)
                return JSONResponse(wire.return_to_json(authorisation), status_code=201)
            refunds = await backend.get_refunds(number)
            return JSONResponse({"refunds": [wire.refund_to_json(r) for r in refunds]})
        except OrderNotFound:
            return error(404, "not_found", f"no order {number}")
        except NotAllowed as refusal:
            return error(409, "not_allowed", refusal.detail or refusal.reason, refusal.reason)
        except BackendUnavailable:
            return error(503, "unavailable", "order store unavailable")

    def route(path: str, operation: str, method: str) -> Route:
        async def endpoint(request: Request) -> Any:
            return await dispatch(request, operation)

        return Route(path, endpoint, methods=[method])

    app = Starlette(
        routes=[
            route("/orders/{number}", "get", "GET"),
            route("/orders/{number}/verify", "verify", "POST"),
            route("/orders/{number}/cancel", "cancel", "POST"),
            route("/orders/{number}/returns", "returns", "POST"),
            route("/orders/{number}/refunds", "refunds", "GET"),
        ]
    )
    app.state.backend = backend
    return app


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    from actions.backend.factory import load_settings
    from actions.backend.sql import SqlOrderBackend

    parser = argparse.ArgumentParser(
        prog="python -m tools.orders.stub_api",
        description="Serve the demo orders as the order API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--database-url", help="default: ORDER_DATABASE_URL or var/orders.db")
    args = parser.parse_args(argv)
    token = os.environ.get("ORDER_API_TOKEN", "").strip()
    if not token:
        parser.error(
            "set ORDER_API_TOKEN: the token clients must send as 'Authorization: Bearer <token>'"
        )
    database_url = args.database_url
    if not database_url:
        database_url = load_settings({**os.environ, "ORDER_BACKEND": "sql"}).database_url
    app = create_app(SqlOrderBackend(database_url), token)
    # ws="none": uvicorn's websocket support needs a newer `websockets` than rasa 3.6 allows
    uvicorn.run(app, host=args.host, port=args.port, ws="none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
