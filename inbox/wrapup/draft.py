"""A draft wrap-up note, so agents do not rush through notes after a conversation.

Built deterministically (same input, same note) from the bot's summary and the
whole transcript: the lines before the handoff (in the summary) and the messages
since. Sections: Problem, Facts, What the bot did, What the agent did, Outcome.
What the agent did is read from their replies with simple patterns (a refund, a
replacement, a callback…); the agent edits the draft before saving it, so a
pattern that misses or over-reads costs a correction, not a wrong record.
Pure: no database, no web; ``inbox.conversation.views`` feeds it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from northwind_common.order_numbers import find_order_numbers

QUOTE_CHARS = 160
MIN_PROBLEM_WORDS = 3  # "hi there" does not state the problem

# (what the note says, the topic in the agent's sentence)
COMMITMENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("Refund issued", r"\brefund(?:ed|s)?\b|\bmoney back\b"),
        (
            "Replacement sent",
            r"\breplacement\b|\bresend\b|\bre-send\b|\bsend (?:you )?(?:a )?(?:new|another)\b",
        ),
        ("Redelivery arranged", r"\bredeliver(?:y|ed|s)?\b|\bdeliver (?:it )?again\b"),
        (
            "Callback arranged",
            r"\bcall(?:ing)? you back\b|\bcall ?back\b|\bphone you\b|\bring you\b|\bgive you a call\b",
        ),
        (
            "Voucher or credit offered",
            r"\bvoucher\b|\bdiscount\b|\bgoodwill\b|\bcoupon\b|\bgift card\b|\bcredit\b",
        ),
        (
            "Order cancelled",
            r"\bcancel(?:led|ed|lation)?\b.*\border\b|\border\b.*\bcancel(?:led|ed|lation)\b",
        ),
        (
            "Delivery address changed",
            r"\baddress\b.*\b(?:changed|updated|corrected)\b|\b(?:changed|updated|corrected)\b.*\baddress\b",
        ),
        ("Return label sent", r"\breturns? label\b"),
        (
            "Escalated to a colleague",
            r"\bescalat(?:e|ed|ing)\b|\b(?:raised|opened) a ticket\b|\bpassed (?:this|it) (?:on )?to\b",
        ),
        ("Email sent", r"\bemail(?:ed)? (?:you|it)\b|\bsent you an email\b|\bconfirmation email\b"),
    )
)
# A sentence counts as done or promised only with one of these, and never when refused.
COMMITTED = re.compile(
    r"\b(?:i've|i have|we've|we have|i'll|i will|we'll|we will|i'm|i am|has been|have been|is being|will be|"
    r"issued|processed|arranged|booked|scheduled|sent|set up|cancelled|canceled|updated|changed|asked|done)\b"
)
REFUSED = re.compile(
    r"\b(?:can't|cannot|can not|unable|won't|not able|couldn't|not possible|no longer|don't|do not)\b"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
FACT_LABELS: tuple[tuple[str, str], ...] = (
    ("order_status", "Order status"),
    ("items", "Items"),
    ("order_total", "Order total"),
    ("placed_on", "Placed on"),
    ("carrier", "Carrier"),
    ("tracking_number", "Tracking number"),
    ("refunds", "Refunds"),
)


@dataclass(frozen=True)
class Line:
    """One message of the conversation (before or after the handoff)."""

    speaker: str  # customer | bot | agent | system
    text: str
    abusive: bool = False
    agent_name: str | None = None


@dataclass(frozen=True)
class Ending:
    """How the conversation stands: what the outcome section is written from."""

    status: str  # waiting | claimed | handed_back | resolved
    resolution: str | None = None
    customer_ended: bool = False
    agent_name: str | None = None
    latest_level: str | None = None
    latest_score: float | None = None
    contact_preference: str | None = None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + '…'}”"


def _value(value: Any) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _states_something(line: Line) -> bool:
    """A customer line worth quoting: not a click, not an insult, more than a greeting."""
    return (
        line.speaker == "customer"
        and not line.abusive
        and not line.text.startswith("(clicked")
        and len(line.text.split()) >= MIN_PROBLEM_WORDS
    )


def transcript_lines(summary: Mapping[str, Any]) -> list[Line]:
    """The summary's pre-handoff transcript as lines."""
    items = [_dict(item) for item in summary.get("transcript") or []]
    return [
        Line(
            speaker=str(i.get("speaker") or ""),
            text=str(i.get("text") or ""),
            abusive=i.get("abusive") is True,
        )
        for i in items
    ]


def problem_section(summary: Mapping[str, Any], lines: Sequence[Line]) -> list[str]:
    """The goal in plain words, and how the customer put it to the bot and to the agent."""
    goal = str(summary.get("goal") or "").strip() or "Not stated: read the transcript"
    out = [goal.rstrip(".") + "."]
    quotes = [
        next((line.text for line in part if _states_something(line)), None)
        for part in (transcript_lines(summary), lines)
    ]
    for label, quote in zip(("In the customer's words", "To the agent"), quotes):
        if quote and quote not in out[-1]:
            out.append(f"{label}: {_quote(quote)}")
    return out


def facts_section(summary: Mapping[str, Any], ending: Ending, lines: Sequence[Line]) -> list[str]:
    """Who, which order, its state, and how upset the customer was."""
    customer, facts, escalation = (
        _dict(summary.get("customer")),
        _dict(summary.get("facts")),
        _dict(summary.get("escalation")),
    )
    out: list[str] = []
    who = customer.get("name") or "Unknown customer"
    email = f" ({customer['email']})" if customer.get("email") else ""
    out.append(
        f"Customer: {who}{email}, {'verified' if customer.get('verified') else 'not verified'}"
    )
    if facts.get("order_number"):
        checked = "ownership verified" if facts.get("order_verified") else "ownership not verified"
        out.append(f"Order: {facts['order_number']} ({checked})")
    out += [f"{label}: {_value(facts[key])}" for key, label in FACT_LABELS if facts.get(key)]
    mentioned = sorted(
        {
            number
            for line in lines
            if line.speaker in ("customer", "agent")
            for number in find_order_numbers(line.text)
        }
        - {str(facts.get("order_number"))}
    )
    if mentioned:
        out.append(
            f"Order number{'s' if len(mentioned) > 1 else ''} mentioned to the agent: {', '.join(mentioned)}"
        )
    mood = []
    if escalation.get("level"):
        score = (
            f" ({float(escalation['score']):.2f})"
            if isinstance(escalation.get("score"), (int, float))
            else ""
        )
        mood.append(f"{escalation['level']}{score} when handed off")
    if ending.latest_level:
        score = f" ({ending.latest_score:.2f})" if ending.latest_score is not None else ""
        mood.append(f"{ending.latest_level}{score} at their last message")
    if mood:
        out.append("Frustration: " + "; ".join(mood))
    abusive = sum(1 for line in lines if line.speaker == "customer" and line.abusive)
    abusive += sum(
        1 for line in transcript_lines(summary) if line.speaker == "customer" and line.abusive
    )
    if abusive:
        out.append(
            f"Abusive language: {abusive} message{'s' if abusive != 1 else ''} (masked in the inbox)"
        )
    if ending.contact_preference:
        out.append(f"Contact preference: {ending.contact_preference}")
    return out


def bot_section(summary: Mapping[str, Any]) -> list[str]:
    """What the bot answered or tried, and why it handed off."""
    out = []
    for attempt in summary.get("bot_attempts") or []:
        attempt = _dict(attempt)
        if attempt.get("what"):
            outcome = f" — {attempt['outcome']}" if attempt.get("outcome") else ""
            out.append(f"{attempt['what']}{outcome}")
    escalation = _dict(summary.get("escalation"))
    why = escalation.get("explanation") or "; ".join(map(str, escalation.get("reasons") or []))
    trigger = escalation.get("trigger")
    if why or trigger:
        out.append(
            f"Handed off to a person ({trigger or 'unknown trigger'}): {why or 'no reason given'}"
        )
    return out or ["Nothing recorded"]


def commitments(text: str) -> list[tuple[str, str]]:
    """(label, sentence) for each thing an agent's message says was done or promised."""
    found: list[tuple[str, str]] = []
    for sentence in SENTENCE_END.split(text):
        lowered = sentence.lower().replace("’", "'")
        if not COMMITTED.search(lowered) or REFUSED.search(lowered):
            continue
        found += [
            (label, sentence.strip()) for label, pattern in COMMITMENTS if pattern.search(lowered)
        ]
    return found


def agent_section(lines: Sequence[Line], ending: Ending) -> list[str]:
    """Who took it, how many replies, and the commitments found in them."""
    replies = [line for line in lines if line.speaker == "agent"]
    name = next((line.agent_name for line in replies if line.agent_name), None) or ending.agent_name
    if not replies:
        return [f"{name} took the conversation and sent no reply" if name else "No agent replied"]
    out = [f"{name or 'The agent'} replied {len(replies)} time{'s' if len(replies) != 1 else ''}"]
    labels: dict[str, list[str]] = {}  # sentence -> what it commits to, first seen first
    for reply in replies:
        for label, sentence in commitments(reply.text):
            if not any(label in found for found in labels.values()):
                labels.setdefault(sentence, []).append(label)
    out += [f"{', '.join(found)}: {_quote(sentence)}" for sentence, found in labels.items()]
    if not labels:
        out.append(
            "No refund, replacement, callback or other commitment found in the replies: add what you did"
        )
    return out


def outcome_section(lines: Sequence[Line], ending: Ending) -> list[str]:
    """Resolved / handed back / still open, the customer's last word and mood."""
    resolution = (ending.resolution or "").strip()
    if ending.status == "resolved":
        out = [f"Resolved: {resolution}" if resolution else "Resolved (no resolution note given)"]
    elif ending.status == "handed_back":
        out = [f"Handed back to the bot: {resolution}" if resolution else "Handed back to the bot"]
    else:
        out = [f"Still open ({ending.status})"]
    if ending.customer_ended:
        out.append("The customer ended the chat")
    last = next(
        (
            line
            for line in reversed(lines)
            if line.speaker == "customer"
            and not line.abusive
            and not line.text.startswith("(clicked")
        ),
        None,
    )
    if last is not None:
        out.append(f"Customer's last message: {_quote(last.text)}")
    return out


def draft_note(summary: Mapping[str, Any], lines: Sequence[Line], ending: Ending) -> str:
    """The whole draft, as plain text the agent edits."""
    sections = (
        ("Problem", problem_section(summary, lines)),
        ("Facts", facts_section(summary, ending, lines)),
        ("What the bot did", bot_section(summary)),
        ("What the agent did", agent_section(lines, ending)),
        ("Outcome", outcome_section(lines, ending)),
    )
    parts = []
    for title, items in sections:
        body = "\n".join(items) if title == "Problem" else "\n".join(f"- {item}" for item in items)
        parts.append(f"{title}:\n{body}")
    return "\n\n".join(parts)
