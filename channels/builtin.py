"""Rasa's own channels behind the message screen (channels/guard.py).

Same names and URLs as Rasa's classes, so ``output_channel=latest`` and
channel-specific responses keep working; only the screen is added. Use these
paths in credentials.yml instead of Rasa's short names (``callback``,
``slack``, ``facebook``, ``twilio``).
"""

from __future__ import annotations

from rasa.core.channels.callback import CallbackInput as RasaCallbackInput
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput

from channels.guard import GuardedInput
from channels.rest import ValidatedBody


class CallbackInput(GuardedInput, ValidatedBody, RasaCallbackInput):
    """``callback``: your own integration; replies are POSTed to CALLBACK_URL.

    Its body is the REST channel's, so it gets the same 400s for malformed ones.
    """


class SlackInput(GuardedInput, RasaSlackInput):
    """``slack``: Slack's Events API."""


class FacebookInput(GuardedInput, RasaFacebookInput):
    """``facebook``: Messenger."""


class TwilioInput(GuardedInput, RasaTwilioInput):
    """``twilio``: SMS and WhatsApp."""
