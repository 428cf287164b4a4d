"""`evaluate`: the figures the product is judged by, per data set, with two baselines."""

from __future__ import annotations

import json
import math

from tools.frustration import cli
from tools.frustration.evaluate import figures
from tools.frustration.replay import ReplayedConversation


def conversation(cid: str, labels, scores, escalate_at=None) -> ReplayedConversation:
    turns = [{"index": 2 * i, "score": s} for i, s in enumerate(scores)]
    return ReplayedConversation(id=cid, turns=turns, escalate_at=escalate_at, labels=list(labels))


def test_conversation_figures_use_frustrated_at_some_turn() -> None:
    replayed = [
        conversation(
            "a", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], escalate_at=6
        ),  # frustrated from turn 2, escalated at 3
        conversation(
            "b", [0, 1, 0], [0.2, 0.9, 0.3], escalate_at=2
        ),  # escalated at the frustrated turn
        conversation("c", [0, 0], [0.1, 0.6], escalate_at=2),  # escalated, never frustrated
        conversation("d", [1, 0], [0.3, 0.1]),  # frustrated, missed
        conversation("e", [0], [0.05]),
    ]
    values = figures(replayed)
    assert math.isclose(values["escalation precision"], 2 / 3)
    assert math.isclose(values["escalation recall"], 2 / 3)
    assert math.isclose(values["escalation rate"], 3 / 5)
    assert math.isclose(values["frustrated share"], 3 / 5)
    assert values["median turns to escalation"] == 0.5  # delays 1 and 0
    # highest scores: frustrated a 0.9, b 0.9, d 0.3; calm c 0.6, e 0.05 -> 5 of 6 pairs ordered right
    assert math.isclose(values["conversation ROC-AUC"], 5 / 6)


def test_nothing_escalated_has_no_delay() -> None:
    values = figures([conversation("a", [1], [0.9])])
    assert values["escalation rate"] == 0 and math.isnan(values["median turns to escalation"])


CONVERSATION = {
    "id": "c1",
    "turns": [
        {"speaker": "user", "text": "where is my order?", "label": 0},
        {"speaker": "bot", "text": "Sorry, I could not find it."},
        {"speaker": "user", "text": "this is ridiculous, I am so annoyed!!", "label": 1},
    ],
}


def test_one_table_per_file_with_both_baselines(tmp_path, capsys) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(
        json.dumps(CONVERSATION) + "\n" + json.dumps(dict(CONVERSATION, id="c2")) + "\n"
    )
    second.write_text(json.dumps(CONVERSATION) + "\n")
    assert cli.main(["evaluate", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert f"`{first}`" in out and f"`{second}`" in out
    for scorer in ("detector", "VADER", "GoEmotions model"):
        assert f"| all (2) | {scorer} |" in out and f"| all (1) | {scorer} |" in out
    assert "median turns to escalation" in out and "conversation ROC-AUC" in out
