"""The objects one running inbox shares between requests (held on ``app.state.inbox``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from inbox.auth.security import SessionCodec
from inbox.auth.throttle import LoginThrottle
from inbox.broker import Broker
from inbox.conversation.rasa_client import RasaClient
from inbox.conversation.rasa_delivery import RasaDelivery
from inbox.db import run_in_session
from inbox.forwarding.disabled import NoForwarder
from inbox.forwarding.worker import Forwarder
from inbox.queue.cache import QueueCache
from inbox.queue.hours import BusinessHours
from inbox.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: Engine
    factory: sessionmaker
    hours: BusinessHours
    codec: SessionCodec
    limiter: LoginThrottle
    broker: Broker
    queue_cache: QueueCache
    rasa: RasaClient | None = None
    deliverer: RasaDelivery | None = None
    forwarder: Forwarder | NoForwarder = field(
        default_factory=NoForwarder
    )  # no helpdesk: does nothing


def services(request: Request) -> Services:
    """The services of the app handling ``request``."""
    return request.app.state.inbox


class _Stored(Protocol):
    created: bool


S = TypeVar("S", bound=_Stored)


async def store_once(svc: Services, response: Response, unit: Callable[..., S]) -> S:
    """An idempotent ``PUT``: ``unit(session=...)`` stores (or merges) in one transaction
    and says whether it ``created`` the row; the answer is 201 when it did, else 200."""
    stored = await run_in_session(svc.factory, unit)
    response.status_code = 201 if stored.created else 200
    return stored
