"""The labelled development set is well-formed and the detector does well on it."""

import json
from pathlib import Path

from tools.frustration.replay import compute_metrics, replay_lines

DEV_SET = Path(__file__).resolve().parents[2] / "data" / "frustration_dev.jsonl"


def load():
    return [
        json.loads(line)
        for line in DEV_SET.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_dev_set_shape():
    conversations = load()
    assert len(conversations) >= 80
    assert len({c["id"] for c in conversations}) == len(conversations)
    assert any(c["escalate"] for c in conversations) and not all(
        c["escalate"] for c in conversations
    )
    for conversation in conversations:
        users = [t for t in conversation["turns"] if t["speaker"] == "user"]
        assert users and all(t["label"] in (0, 1) for t in users)


def test_detector_separates_the_dev_set(detector):
    import io

    replayed = list(
        replay_lines(detector, DEV_SET.read_text(encoding="utf-8").splitlines(), io.StringIO())
    )
    metrics = compute_metrics(replayed)
    # Loose floors: they catch a broken signal or config, not small tuning changes.
    assert metrics.turns.roc_auc >= 0.85
    assert metrics.conversations.precision >= 0.8 and metrics.conversations.recall >= 0.75
