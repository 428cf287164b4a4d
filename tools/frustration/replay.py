"""Replay conversations (JSON Lines) through the live scoring API.

Input, one conversation per line::

    {"id": "c1", "escalate": true,
     "turns": [{"speaker": "bot", "text": "Hi!"},
               {"speaker": "user", "text": "where is my order", "label": 0,
                "intent": "order_status", "confidence": 0.93}]}

Output, one line per conversation, in input order::

    {"id": "c1", "turns": [{"index": 1, "score": 0.08, "level": "calm", "reasons": []}], "escalate_at": null}

When the conversation escalates, "trigger" and "explanation" say why.

Bad lines are reported on stderr with their line number and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from actions.frustration.detector import Detector
from actions.frustration.schema import TurnInput, TurnResult
from tools.frustration.metrics import BinaryReport, report

# (text) -> (intent, confidence); used when a trained Rasa model is given.
NluParser = Callable[[str], tuple[str | None, float | None]]
FALLBACK_INTENTS = frozenset({"nlu_fallback"})


class ReplayInputError(ValueError):
    """A conversation line is not in the replay format."""


@dataclass
class ReplayedConversation:
    """One conversation after replay, with its labels kept for metrics."""

    id: str
    turns: list[dict[str, Any]]
    escalate_at: int | None
    trigger: str | None = None
    explanation: str | None = None
    labels: list[int | None] = field(default_factory=list)
    escalate_label: bool | None = None

    def output(self) -> dict[str, Any]:
        """The JSON object written to stdout."""
        out: dict[str, Any] = {"id": self.id, "turns": self.turns, "escalate_at": self.escalate_at}
        if self.escalate_at is not None:
            out["trigger"] = self.trigger
            out["explanation"] = self.explanation
        return out


def _label(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    raise ReplayInputError(f"label must be 0 or 1, got {value!r}")


def parse_conversation(line: str) -> dict[str, Any]:
    """Parse and validate one JSON line.

    Raises:
        ReplayInputError: invalid JSON or not the replay shape.
    """
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ReplayInputError(f"invalid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(data, dict):
        raise ReplayInputError("expected a JSON object")
    turns = data.get("turns")
    if not isinstance(turns, list):
        raise ReplayInputError("missing 'turns' list")
    for position, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise ReplayInputError(f"turn {position} is not an object")
        if turn.get("speaker") not in ("user", "bot"):
            raise ReplayInputError(f"turn {position}: speaker must be 'user' or 'bot'")
        if not isinstance(turn.get("text", ""), str):
            raise ReplayInputError(f"turn {position}: text must be a string")
        _label(turn.get("label"))
    return data


def replay_conversation(
    detector: Detector, conversation: dict[str, Any], nlu: NluParser | None = None
) -> ReplayedConversation:
    """Score every user turn of one conversation exactly as the live action would."""
    state: dict[str, Any] | None = None
    previous_bot: str | None = None
    form_failures = 0
    out: list[dict[str, Any]] = []
    labels: list[int | None] = []
    escalate_at: int | None = None
    trigger: str | None = None
    explanation: str | None = None
    for index, turn in enumerate(conversation["turns"]):
        text = turn.get("text") or ""
        if turn["speaker"] == "bot":
            previous_bot = text
            continue
        intent = turn.get("intent")
        confidence = turn.get("confidence")
        if nlu is not None and intent is None:
            intent, confidence = nlu(text)
        if isinstance(turn.get("form_failures_total"), int):
            form_failures = turn["form_failures_total"]
        result: TurnResult
        result, state = detector.score_turn(
            TurnInput(
                text=text,
                intent=intent if isinstance(intent, str) else None,
                confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
                is_fallback=bool(turn.get("is_fallback")) or intent in FALLBACK_INTENTS,
                form_failures_total=form_failures,
                previous_bot_text=previous_bot,
            ),
            state,
        )
        previous_bot = None
        out.append(
            {
                "index": index,
                "score": result.score,
                "level": result.level,
                "reasons": result.reasons,
            }
        )
        labels.append(_label(turn.get("label")))
        if result.escalate and escalate_at is None:
            escalate_at, trigger, explanation = index, result.trigger, result.explanation
    escalate = conversation.get("escalate")
    return ReplayedConversation(
        id=str(conversation.get("id", "")),
        turns=out,
        escalate_at=escalate_at,
        trigger=trigger,
        explanation=explanation,
        labels=labels,
        escalate_label=bool(escalate) if isinstance(escalate, bool) else None,
    )


def parse_lines(lines: Iterable[str], errors: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """The conversations of a stream of JSON lines, each with its line number; blank lines
    are skipped, bad ones reported on `errors` and left out."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            conversation = parse_conversation(line)
        except ReplayInputError as error:
            errors.write(f"line {number}: {error}\n")
            continue
        yield number, conversation


def replay_lines(
    detector: Detector, lines: Iterable[str], errors: TextIO, nlu: NluParser | None = None
) -> Iterator[ReplayedConversation]:
    """Replay a stream of JSON lines; report bad ones on `errors` and go on."""
    for _number, conversation in parse_lines(lines, errors):
        yield replay_conversation(detector, conversation, nlu)


@dataclass
class ReplayMetrics:
    """Turn-level and conversation-level figures of a replay."""

    turns: BinaryReport | None
    conversations: BinaryReport | None


def compute_metrics(replayed: list[ReplayedConversation]) -> ReplayMetrics:
    """Turn figures (score vs label, decision = level != calm) and conversation figures
    (highest turn score vs "escalate", decision = escalate_at is set)."""
    labels: list[int] = []
    scores: list[float] = []
    decided: list[bool] = []
    for conv in replayed:
        for turn, label in zip(conv.turns, conv.labels):
            if label is None:
                continue
            labels.append(label)
            scores.append(turn["score"])
            decided.append(turn["level"] != "calm")
    conv_labels: list[int] = []
    conv_scores: list[float] = []
    conv_decided: list[bool] = []
    for conv in replayed:
        if conv.escalate_label is None:
            continue
        conv_labels.append(int(conv.escalate_label))
        conv_scores.append(max((t["score"] for t in conv.turns), default=0.0))
        conv_decided.append(conv.escalate_at is not None)
    return ReplayMetrics(
        turns=report(labels, scores, decided) if labels else None,
        conversations=report(conv_labels, conv_scores, conv_decided) if conv_labels else None,
    )


def load_nlu(model_path: str) -> NluParser:
    """A parser backed by a trained Rasa model (the only place this package imports `rasa`)."""
    import asyncio

    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    loop = asyncio.new_event_loop()

    def parse(text: str) -> tuple[str | None, float | None]:
        message = loop.run_until_complete(agent.parse_message(text))
        intent = message.get("intent") or {}
        return intent.get("name"), intent.get("confidence")

    return parse
