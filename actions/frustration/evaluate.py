"""Side-by-side evaluation of the detector and a plain VADER baseline on a labelled file.

`python -m actions.frustration evaluate FILE [--seed 13]` prints a Markdown table for the
whole file and for the train / validation halves of the same split by dialogue id
that `fit` uses, so the figures in docs/frustration.md can be reproduced exactly.

The baseline is computed the same way as the detector's figures: turn score =
-compound of the current user turn, conversation score = highest turn score,
escalate at the first user turn with compound <= -0.05.
"""

from __future__ import annotations

import io
import json
import zlib
from typing import Dict, List, Optional, Sequence

from actions.frustration.analysis import get_vader
from actions.frustration.detector import get_detector
from actions.frustration.fit import VALIDATION_SHARE
from actions.frustration.metrics import best_f1, prf, roc_auc
from actions.frustration.replay import ReplayedConversation, replay_lines

VADER_ESCALATE = -0.05


def vader_replay(conversation: Dict) -> ReplayedConversation:
    """The baseline's view of one conversation, in the replay shape."""
    vader = get_vader()
    turns: List[Dict] = []
    labels: List[Optional[int]] = []
    escalate_at = None
    for index, turn in enumerate(conversation["turns"]):
        if turn["speaker"] != "user":
            continue
        compound = vader.polarity_scores(turn.get("text") or "")["compound"]
        turns.append({"index": index, "score": -compound})
        labels.append(turn.get("label"))
        if escalate_at is None and compound <= VADER_ESCALATE:
            escalate_at = index
    escalate = conversation.get("escalate")
    return ReplayedConversation(
        id=str(conversation.get("id")), turns=turns, escalate_at=escalate_at, labels=labels,
        escalate_label=escalate if isinstance(escalate, bool) else None,
    )


def figures(replayed: Sequence[ReplayedConversation]) -> Dict[str, float]:
    """The figures the issue asks for."""
    labels = [l for c in replayed for l in c.labels if l is not None]
    scores = [t["score"] for c in replayed for t, l in zip(c.turns, c.labels) if l is not None]
    convs = [c for c in replayed if c.escalate_label is not None and c.turns]
    conv_labels = [int(c.escalate_label) for c in convs]  # type: ignore[arg-type]
    conv_scores = [max(t["score"] for t in c.turns) for c in convs]
    precision, recall, _ = prf(conv_labels, [c.escalate_at is not None for c in convs])
    return {
        "turn ROC-AUC": roc_auc(labels, scores) or 0.0,
        "turn best F1": best_f1(labels, scores)[0],
        "conversation ROC-AUC": roc_auc(conv_labels, conv_scores) or 0.0,
        "escalation precision": precision,
        "escalation recall": recall,
        "escalation rate": sum(c.escalate_at is not None for c in convs) / max(1, len(convs)),
    }


def in_validation(conversation_id: str, seed: int) -> bool:
    """The same split by dialogue id as `fit`."""
    return zlib.crc32(f"{seed}:{conversation_id}".encode()) % 1000 < VALIDATION_SHARE * 1000


def evaluate_file(path: str, seed: int = 13) -> str:
    """A Markdown table: detector and VADER on all / train / validation conversations."""
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    ours = list(replay_lines(get_detector(), lines, io.StringIO()))
    baseline = [vader_replay(json.loads(line)) for line in lines]
    rows = []
    for part in ("all", "train", "validation"):
        keep = [
            part == "all" or in_validation(c.id, seed) == (part == "validation") for c in ours
        ]
        for name, replayed in (("detector", ours), ("VADER", baseline)):
            chosen = [c for c, k in zip(replayed, keep) if k]
            values = figures(chosen)
            rows.append(f"| {part} ({len(chosen)}) | {name} | " + " | ".join(f"{v:.3f}" for v in values.values()) + " |")
    header = "| conversations | scorer | " + " | ".join(figures(ours[:1]).keys()) + " |"
    return "\n".join([header, "|" + "---|" * (header.count("|") - 1)] + rows)
