"""The objects one running inbox shares between requests (held on ``app.state.inbox``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from starlette.requests import Request

from inbox.auth.security import SessionCodec
from inbox.auth.throttle import LoginThrottle
from inbox.broker import Broker
from inbox.conversation.rasa_client import RasaClient
from inbox.conversation.rasa_delivery import RasaDelivery
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
