"""Rasa's Telegram channel, able to send an agent's reply during a handoff.

Rasa 3.6's ``TelegramInput.get_output_channel`` registers the webhook with
``asyncio.run(...)``. That works once at start-up, but an agent reply is pushed
through ``output_channel=latest`` from inside Rasa's running event loop, where
``asyncio.run`` raises — so on Telegram the customer never saw the agent. This
subclass keeps the channel's name and URL and, inside a running loop, returns
the output channel without registering the webhook again (start-up did that).

At start-up Rasa's class registers the webhook with that ``asyncio.run`` and hands the
same output channel to the webhook's handler, whose HTTP session then belongs to a
closed loop: every customer message failed with "Event loop is closed" (a 500 to
Telegram). Here the webhook is registered with an output channel of its own, closed
after, and the handler gets a fresh one that opens its session in the server's loop.
"""

from __future__ import annotations

import asyncio

from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException

from channels.guard import GuardedInput


def loop_is_running() -> bool:
    """True inside Rasa's event loop (a request handler), False at start-up."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class HandoffTelegramInput(GuardedInput, TelegramInput):
    """Telegram (``/webhooks/telegram/webhook``) that can push agent replies."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def get_output_channel(self) -> TelegramOutput:
        if not loop_is_running():
            try:
                asyncio.run(self._register_webhook())
            except TelegramAPIError as error:
                raise RasaException(f"Failed to set channel webhook: {error}") from error
        return TelegramOutput(self.access_token)

    async def _register_webhook(self) -> None:
        registering = TelegramOutput(self.access_token)
        try:
            await registering.set_webhook(url=self.webhook_url)
        finally:
            await registering.session.close()
