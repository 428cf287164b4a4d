"""Turn Rasa tracker events into a readable transcript.

Rasa stores bot, agent and customer messages as events; the agent needs them as
one ordered list with who said what and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, TypedDict

from actions.customer_turns import typed_by_customer

MAX_TRANSCRIPT_TURNS = 200
MAX_TEXT_CHARS = 4000


class _Line(TypedDict):
    speaker: str  # "customer" | "bot" | "agent"
    text: str
    at: str


class TranscriptLine(_Line, total=False):
    """One message in the transcript."""

    abusive: (
        bool  # only on customer lines with insults: the inbox masks them (summary.flag_abusive)
    )


def iso_time(timestamp: float | None, timespec: str = "seconds") -> str:
    """Rasa event timestamps are Unix seconds; the contract speaks ISO-8601 UTC."""
    moment = datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)
    return moment.isoformat(timespec=timespec).replace("+00:00", "Z")


def _bot_speaker(event: dict[str, Any]) -> str:
    metadata = event.get("metadata") or {}
    source = metadata.get("source") if isinstance(metadata, dict) else None
    return "agent" if source in ("agent", "system") else "bot"


def _bot_text(event: dict[str, Any]) -> str:
    text = event.get("text") or ""
    if text:
        return text
    data = event.get("data") or {}
    buttons = data.get("buttons") or []
    return " / ".join(button.get("title", "") for button in buttons)


def build_transcript(events: Iterable[dict[str, Any]]) -> list[TranscriptLine]:
    """Customer, bot and agent messages in order, each text bounded in length.

    Messages typed as a button payload ("/affirm") are shown by their intent so
    the agent reads "(clicked: affirm)" rather than a slash command.
    """
    lines: list[TranscriptLine] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if not typed_by_customer(event):
                continue  # the inbox's hand-back or Rasa's session start, not the customer's words
            text = event.get("text") or ""
            if text.startswith("/"):
                intent = (event.get("parse_data") or {}).get("intent", {}).get("name") or text[1:]
                text = f"(clicked: {intent.replace('_', ' ')})"
            lines.append(
                TranscriptLine(
                    speaker="customer",
                    text=text[:MAX_TEXT_CHARS],
                    at=iso_time(event.get("timestamp")),
                )
            )
        elif kind == "bot":
            text = _bot_text(event)
            if text:
                lines.append(
                    TranscriptLine(
                        speaker=_bot_speaker(event),
                        text=text[:MAX_TEXT_CHARS],
                        at=iso_time(event.get("timestamp")),
                    )
                )
    return lines[-MAX_TRANSCRIPT_TURNS:]
