"""The objects one running inbox shares between requests (held on ``app.state.inbox``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from starlette.requests import Request

from inbox.broker import Broker
from inbox.delivery import Deliverer
from inbox.forwarding.worker import Forwarder
from inbox.hours import BusinessHours
from inbox.login_throttle import LoginThrottle
from inbox.queue_cache import QueueCache
from inbox.rasa_client import RasaClient
from inbox.security import SessionCodec
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
    deliverer: Deliverer | None = None
    forwarder: Forwarder | None = None  # None when no helpdesk is configured


def services(request: Request) -> Services:
    """The services of the app handling ``request``."""
    return request.app.state.inbox
