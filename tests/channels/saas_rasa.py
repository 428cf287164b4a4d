"""Run the real Rasa server (``python -m launch_rasa``) with the SaaS APIs pointed at a
local stand-in (``tests/channels/saas.py``, base URL in ``FAKE_SAAS_URL``).

Only the address each library calls changes: Rasa's channel classes, their output
code and the libraries' HTTP clients (aiogram, slack_sdk, fbmessenger, twilio) run as
in production. Used as ``python -m tests.channels.saas_rasa run …``.
"""

from __future__ import annotations

import os
from typing import Any


def point_at(base: str) -> None:
    """Send every channel's API calls to ``base`` instead of the SaaS."""
    from aiogram import Bot
    from aiogram.bot.api import TelegramAPIServer
    from fbmessenger import MessengerClient
    from rasa.core.channels.telegram import TelegramOutput
    from slack_sdk.web.async_client import AsyncWebClient
    from twilio.base.client_base import ClientBase

    telegram = TelegramAPIServer.from_base(f"{base}/telegram")

    def telegram_init(self: TelegramOutput, access_token: str | None) -> None:
        Bot.__init__(self, access_token, server=telegram)

    TelegramOutput.__init__ = telegram_init  # type: ignore[method-assign]

    slack_init = AsyncWebClient.__init__

    def slack_client(self: AsyncWebClient, *args: Any, **kwargs: Any) -> None:
        slack_init(self, *args, **kwargs)
        self.base_url = f"{base}/slack/api/"

    AsyncWebClient.__init__ = slack_client  # type: ignore[method-assign]

    messenger_init = MessengerClient.__init__

    def messenger_client(self: MessengerClient, *args: Any, **kwargs: Any) -> None:
        messenger_init(self, *args, **kwargs)
        self.graph_url = self.graph_url.replace("https://graph.facebook.com", f"{base}/facebook")

    MessengerClient.__init__ = messenger_client  # type: ignore[method-assign]

    twilio_hostname = ClientBase.get_hostname

    def twilio_host(self: ClientBase, uri: str) -> str:
        return twilio_hostname(self, uri).replace("https://api.twilio.com", f"{base}/twilio")

    ClientBase.get_hostname = twilio_host  # type: ignore[method-assign]


def main() -> None:
    point_at(os.environ["FAKE_SAAS_URL"])
    from launch_rasa.__main__ import main as launch

    launch()


if __name__ == "__main__":
    main()
