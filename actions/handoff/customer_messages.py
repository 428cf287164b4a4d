"""Choose what the customer hears when a person is brought in.

Honest and kind: acknowledge how they feel in words that fit why we are
escalating (an apology when the bot failed them, no cheerfulness after an
insult), say a person is joining who can already see everything, and say how
long it should take — or, when nobody is there, what happens instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from northwind_common.store_clock import store_time


@dataclass(frozen=True)
class Utterance:
    """A response name from domain.yml and the values for its placeholders."""

    response: str
    values: Mapping[str, Any]


def acknowledgement(trigger: str, bot_failed: bool, level: str = "calm") -> str:
    """The opening line's response name.

    After abuse: neutral, never cheerful. Where the bot failed: an apology.
    A frustrated customer who asks for a person hears that we noticed.
    """
    if trigger == "abuse":
        return "utter_handoff_ack_neutral"
    if trigger == "repeated_failure" or bot_failed:
        return "utter_handoff_ack_bot_failed"
    if trigger in ("frustration", "churn") or level == "frustrated":
        return "utter_handoff_ack_frustration"
    return "utter_handoff_ack_request"


def wait_text(seconds: float | None) -> str:
    """ "a minute or two", "about 5 minutes", "about an hour"."""
    if seconds is None or seconds <= 120:
        return "a minute or two"
    minutes = round(seconds / 60)
    if minutes < 55:
        return f"about {minutes} minutes"
    hours = round(minutes / 60)
    return "about an hour" if hours <= 1 else f"about {hours} hours"


def next_opening_text(next_opening: str | None) -> str:
    """When the team is next in, in words ("on Monday at 08:00")."""
    if not next_opening:
        return "as soon as the team is back"
    try:
        moment = datetime.fromisoformat(next_opening.replace("Z", "+00:00"))
    except ValueError:
        return "as soon as the team is back"
    if moment.tzinfo is not None:
        # The contract speaks UTC; customers hear the store's local time.
        moment = store_time(moment)
    return f"when we open on {moment.strftime('%A')} at {moment.strftime('%H:%M')}"


def queue_messages(status: Mapping[str, Any] | None, email_known: bool = True) -> list[Utterance]:
    """What to say about the wait, from the inbox's answer (None: inbox unreachable).

    When nobody can answer soon, we have no email for the customer and the inbox
    can send email (``email_follow_up``: an SMTP server is configured), ask for one;
    without it, email is never promised.
    """
    can_email = bool(status and status.get("email_follow_up"))
    ask_email = [] if email_known or not can_email else [Utterance("utter_ask_email_for_reply", {})]
    if status is None:
        return [Utterance("utter_handoff_inbox_down", {})]
    if status.get("within_business_hours") is False:
        opening = next_opening_text(status.get("next_opening"))
        return [Utterance("utter_handoff_after_hours", {"next_opening_text": opening}), *ask_email]
    if not status.get("agents_available"):
        return [Utterance("utter_handoff_no_agents", {}), *ask_email]
    position = status.get("queue_position")
    if position:
        return [
            Utterance(
                "utter_handoff_queue",
                {
                    "queue_position": position,
                    "wait_text": wait_text(status.get("estimated_wait_seconds")),
                },
            )
        ]
    return [Utterance("utter_handoff_queue_unknown", {})]
