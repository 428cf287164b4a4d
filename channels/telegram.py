"""Rasa's Telegram channel, able to send an agent's reply during a handoff.

Rasa 3.6's ``TelegramInput.get_output_channel`` registers the webhook with
``asyncio.run(...)``. That works once at start-up, but an agent reply is pushed
through ``output_channel=latest`` from inside Rasa's running event loop, where
``asyncio.run`` raises — so on Telegram the customer never saw the agent. This
subclass keeps the channel's name and URL and, inside a running loop, returns
the output channel without registering the webhook again (start-up did that).
"""

from __future__ import annotations

import asyncio

from rasa.core.channels.telegram import TelegramInput, TelegramOutput

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
        if loop_is_running():
            return TelegramOutput(self.access_token)
        return super().get_output_channel()
