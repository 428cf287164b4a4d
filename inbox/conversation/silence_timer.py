"""Closes waiting handoffs whose customer went silent (``INBOX_ABANDON_AFTER_SECONDS``).

A customer who closed the tab without a word would otherwise stay in the queue and
in everyone's expected wait for good.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from inbox.broker import QUEUE_TOPIC, Broker
from inbox.conversation import agent_actions
from inbox.conversation.rasa_delivery import RasaDelivery
from inbox.db import run_in_session

log = logging.getLogger(__name__)


async def sweep(factory: sessionmaker, silence: timedelta) -> list[str]:
    """One pass; returns the keys closed."""

    def unit(*, session: Session) -> list[str]:
        return [h.key for h in agent_actions.abandon_silent(session=session, silence=silence)]

    return await run_in_session(factory, unit)


async def run(
    factory: sessionmaker, broker: Broker, deliverer: RasaDelivery, silence_seconds: int
) -> None:
    """Sweep every minute (or every ``silence_seconds`` when shorter)."""
    silence = timedelta(seconds=silence_seconds)
    while True:
        await asyncio.sleep(min(60.0, max(1.0, silence_seconds / 2)))
        try:
            for key in await sweep(factory, silence):
                broker.publish(QUEUE_TOPIC, "queue", {"reason": "abandoned", "handoff_key": key})
                deliverer.wake()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("silence timer failed; trying again later")
