"""One typed handoff contract (docs/contract/handoff.schema.json), checked from both ends.

The bot's model (actions/handoff/contract.py) and the inbox's (inbox/conversation/
contract.py) are each compared with the schema; then the output of build_summary
for every recorded conversation in the tests (the recorded handoffs in
tests/inbox/data, the frustration dev set, the handoff stories) goes through the
bot's payload builder, the schema and the inbox's HandoffIn, and arrives intact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from actions.frustration import TurnInput, get_detector
from actions.handoff import contract as bot_contract
from actions.handoff.summary import ConversationInfo, EscalationInfo, build_summary
from inbox.conversation import contract as inbox_contract
from northwind_common.priorities import PRIORITIES
from tests.contract.schema_check import differences, load_schema

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 3, 11, 0, tzinfo=timezone.utc)
START = NOW.timestamp() - 600


def _user(text: str, intent: str | None, at: float) -> dict[str, Any]:
    parse = {"intent": {"name": intent, "confidence": 0.9} if intent else {}, "text": text}
    return {"event": "user", "text": text, "timestamp": at, "parse_data": parse, "metadata": {}}


def _bot(text: str, at: float, source: str | None = None) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "timestamp": at,
        "metadata": {"source": source} if source else {},
    }


def _scored(texts: list[str]) -> dict[str, Any]:
    """The frustration slots the turn scorer would have set, from the real detector."""
    detector, state, timeline = get_detector(), None, []
    result = None
    for text in texts:
        result, state = detector.score_turn(TurnInput(text=text), state)
        timeline.append(
            {"turn": len(timeline) + 1, "score": round(result.score, 3), "level": result.level}
        )
    if result is None:
        return {}
    return {
        "frustration_score": result.score,
        "frustration_level": result.level,
        "frustration_trend": result.trend,
        "frustration_reasons": list(result.reasons),
        "frustration_timeline": timeline,
        "frustration_state": state,
        "nlu_fallback_count": float(result.counters.get("fallbacks", 0)),
        "_trigger": result.trigger,
    }


def recorded_handoffs() -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    """The handoffs recorded from the real stack (tests/inbox/data/*.json)."""
    for path in sorted((ROOT / "tests" / "inbox" / "data").glob("handoff_*.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
        events = []
        for line in summary["transcript"]:
            at = datetime.fromisoformat(line["at"].replace("Z", "+00:00")).timestamp()
            if line["speaker"] == "customer":
                events.append(_user(line["text"], None, at))
            else:
                events.append(
                    _bot(line["text"], at, "agent" if line["speaker"] == "agent" else None)
                )
        facts, customer = summary["facts"], summary["customer"]
        slots = {
            **_scored([e["text"] for e in events if e["event"] == "user"]),
            "order_number": facts.get("order_number"),
            "order_verified": facts.get("order_verified"),
            "order_status": facts.get("order_status"),
            "order_facts": {
                k: v for k, v in facts.items() if k not in ("order_number", "order_status")
            },
            "customer_name": customer.get("name"),
            "customer_email": customer.get("email"),
            "_trigger": summary["escalation"]["trigger"],
        }
        yield path.stem, events, slots


def dev_set() -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    """The frustration dev set's conversations (tests/data/frustration_dev.jsonl)."""
    lines = (ROOT / "tests" / "data" / "frustration_dev.jsonl").read_text(encoding="utf-8")
    for raw in lines.splitlines():
        record = json.loads(raw)
        events = []
        for index, turn in enumerate(record["turns"]):
            at = START + 10 * index
            is_user = turn["speaker"] == "user"
            events.append(_user(turn["text"], None, at) if is_user else _bot(turn["text"], at))
        yield record["id"], events, _scored([e["text"] for e in events if e["event"] == "user"])


def handoff_stories() -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    """Test stories that end in a handoff (tests/stories/*.yml)."""
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for story in data.get("stories") or []:
            steps = story.get("steps") or []
            if not any(step.get("action") == "action_handoff_to_human" for step in steps):
                continue
            events = [
                _user(str(step["user"]).strip(), step.get("intent"), START + 10 * index)
                for index, step in enumerate(steps)
                if "user" in step
            ]
            yield f"{path.stem}: {story['story']}", events, _scored([e["text"] for e in events])


RECORDED = [*recorded_handoffs(), *dev_set(), *handoff_stories()]


def test_there_are_recorded_conversations_of_each_kind() -> None:
    names = [name for name, _, _ in RECORDED]
    assert sum(name.startswith("handoff_") for name in names) >= 4
    assert sum(name.startswith("dev-") for name in names) >= 90
    assert sum(":" in name for name in names) >= 1


@pytest.mark.parametrize(
    "model", [bot_contract.Handoff, inbox_contract.HandoffIn], ids=["bot", "inbox"]
)
def test_each_side_s_model_is_the_documented_schema(model: Any) -> None:
    assert differences(model) == []


def test_the_priorities_are_the_shared_ones() -> None:
    assert load_schema()["definitions"]["Priority"]["enum"] == list(PRIORITIES)


@pytest.mark.parametrize("name, events, slots", RECORDED, ids=[name for name, _, _ in RECORDED])
def test_the_bot_s_summary_reaches_the_inbox_intact(
    name: str, events: list[dict[str, Any]], slots: dict[str, Any]
) -> None:
    trigger = slots.pop("_trigger", None) or "request"
    summary = build_summary(
        conversation=ConversationInfo(conversation_id=f"rec-{name}", channel="socketio"),
        events=events,
        slots={key: value for key, value in slots.items() if value is not None},
        escalation=EscalationInfo(trigger=trigger),
        now=NOW,
    )
    body = bot_contract.handoff_payload(
        handoff_key="k-" + str(abs(hash(name)))[:20],
        conversation_id=f"rec-{name}"[:255],
        channel="socketio",
        created_at=NOW,
        summary=summary,
    )
    wire = json.loads(json.dumps(body))  # what the outbox stores and sends
    jsonschema.Draft7Validator(load_schema()).validate(wire)
    bot_contract.Handoff.parse_obj(wire)
    received = inbox_contract.HandoffIn.parse_obj(wire)
    assert received.summary.stored() == wire["summary"]
    assert received.summary.priority == summary["priority"]


def test_a_summary_that_breaks_the_contract_is_refused_by_both() -> None:
    _, events, slots = RECORDED[0]
    summary = build_summary(
        conversation=ConversationInfo(conversation_id="c", channel="socketio"),
        events=events,
        slots=slots,
        escalation=EscalationInfo(trigger="request"),
        now=NOW,
    )
    body = json.loads(
        json.dumps(
            bot_contract.handoff_payload(
                handoff_key="k",
                conversation_id="c",
                channel="socketio",
                created_at=NOW,
                summary=summary,
            )
        )
    )
    body["summary"]["priority"] = "whenever"
    body["priority"] = "high"  # the version 1 habit of sending it twice
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(load_schema()).validate(body)
    with pytest.raises(ValueError):
        inbox_contract.HandoffIn.parse_obj(body)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests" / "inbox" / "data").glob("handoff_*.json")), ids=lambda p: p.stem
)
def test_version_1_bodies_still_arrive(path: Path) -> None:
    """A bot from before the contract (or its outbox during an upgrade) still hands off."""
    recorded = json.loads(path.read_text(encoding="utf-8"))["summary"]
    body = {
        "handoff_key": "k1",
        "conversation_id": "web-1",
        "channel": "socketio",
        "created_at": "2026-11-26T03:25:03Z",
        "priority": recorded["priority"],
        "reason": recorded["escalation"]["explanation"],
        "frustration_level": recorded["escalation"]["level"],
        "summary": recorded,
        "brief": recorded["brief"],
        "suggested_opening": recorded["suggested_opening"],
    }
    received = inbox_contract.HandoffIn.parse_obj(body)
    assert received.summary.version == 2
    assert received.summary.priority == recorded["priority"]
    assert received.summary.brief == recorded["brief"]
    assert received.summary.escalation.reasons == recorded["escalation"]["reasons"]
    assert len(received.summary.transcript) == len(recorded["transcript"])
