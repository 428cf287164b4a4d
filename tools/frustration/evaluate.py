"""Side-by-side evaluation of the detector and two baselines on labelled files.

`python -m tools.frustration evaluate FILE [FILE ...] [--seed 13]` prints one Markdown
table per file (data set), for the whole file and for the train / validation parts
of the same split by dialogue id that `fit` uses, so the figures in
docs/frustration.md and docs/benchmarks.md can be reproduced exactly.

Measured the way the product is judged (issue 13):

- turn ROC-AUC and best F1: every labelled customer turn's score against its label;
- a conversation is *frustrated* when the customer is frustrated at some turn;
  conversation ROC-AUC ranks the highest turn score against that;
- escalation precision / recall / rate: the share of escalated conversations that
  are frustrated, of frustrated conversations that are escalated, of all
  conversations that are escalated;
- delay: the median number of customer turns from the first frustrated turn to
  the escalation, over frustrated conversations that were escalated (an escalation
  before the first frustrated turn counts as 0).

Scorers: the detector (its own escalation rules), VADER alone (score = -compound of
the turn; escalate at the first turn with compound <= -0.05) and the GoEmotions text
model alone (score = its negative probability; escalate at the first turn >= 0.5).
"""

from __future__ import annotations

import io
import json
import statistics
import zlib
from collections.abc import Callable, Sequence

from actions.frustration.analysis import get_vader
from actions.frustration.detector import get_detector
from actions.frustration.emotion import get_emotion_model
from tools.frustration.fit import VALIDATION_SHARE
from tools.frustration.metrics import best_f1, prf, roc_auc
from tools.frustration.replay import ReplayedConversation, replay_lines

VADER_ESCALATE = -0.05
TEXT_MODEL_ESCALATE = 0.5


def baseline_replay(
    conversation: dict, score: Callable[[str], float], threshold: float
) -> ReplayedConversation:
    """A one-message scorer's view of a conversation, in the replay shape: escalate at the
    first customer turn scoring `threshold` or more."""
    turns: list[dict] = []
    labels: list[int | None] = []
    escalate_at = None
    for index, turn in enumerate(conversation["turns"]):
        if turn.get("speaker") != "user":
            continue
        value = score(turn.get("text") or "")
        turns.append({"index": index, "score": value})
        labels.append(turn.get("label"))
        if escalate_at is None and value >= threshold:
            escalate_at = index
    escalate = conversation.get("escalate")
    return ReplayedConversation(
        id=str(conversation.get("id")),
        turns=turns,
        escalate_at=escalate_at,
        labels=labels,
        escalate_label=escalate if isinstance(escalate, bool) else None,
    )


def vader_replay(conversation: dict) -> ReplayedConversation:
    """VADER alone: score = -compound of the current customer turn."""
    vader = get_vader()
    return baseline_replay(
        conversation, lambda text: -vader.polarity_scores(text)["compound"], -VADER_ESCALATE
    )


def text_model_replay(conversation: dict) -> ReplayedConversation:
    """The GoEmotions text model alone: score = probability the turn sounds negative."""
    model = get_emotion_model()
    return baseline_replay(
        conversation, lambda text: model.read(text).negative, TEXT_MODEL_ESCALATE
    )


def first_frustrated(conversation: ReplayedConversation) -> int | None:
    """Position (0-based, among customer turns) of the first turn labelled frustrated."""
    return next((i for i, label in enumerate(conversation.labels) if label == 1), None)


def escalation_position(conversation: ReplayedConversation) -> int | None:
    """Position (0-based, among customer turns) of the escalation, if any."""
    if conversation.escalate_at is None:
        return None
    return next(
        (i for i, t in enumerate(conversation.turns) if t["index"] == conversation.escalate_at),
        None,
    )


def figures(replayed: Sequence[ReplayedConversation]) -> dict[str, float]:
    """The figures the issue asks for (conversation label: frustrated at some turn)."""
    labels = [l for c in replayed for l in c.labels if l is not None]
    scores = [t["score"] for c in replayed for t, l in zip(c.turns, c.labels) if l is not None]
    convs = [c for c in replayed if c.turns and any(l is not None for l in c.labels)]
    conv_labels = [int(first_frustrated(c) is not None) for c in convs]
    conv_scores = [max(t["score"] for t in c.turns) for c in convs]
    escalated = [c.escalate_at is not None for c in convs]
    precision, recall, _ = prf(conv_labels, escalated)
    delays = []
    for conversation, frustrated, chosen in zip(convs, conv_labels, escalated):
        if frustrated and chosen:
            delays.append(
                max(
                    0,
                    (escalation_position(conversation) or 0)
                    - (first_frustrated(conversation) or 0),
                )
            )
    return {
        "turn ROC-AUC": roc_auc(labels, scores) or 0.0,
        "turn best F1": best_f1(labels, scores)[0],
        "conversation ROC-AUC": roc_auc(conv_labels, conv_scores) or 0.0,
        "escalation precision": precision,
        "escalation recall": recall,
        "escalation rate": sum(escalated) / max(1, len(convs)),
        "frustrated share": sum(conv_labels) / max(1, len(convs)),
        "median turns to escalation": float(statistics.median(delays)) if delays else float("nan"),
    }


def in_validation(conversation_id: str, seed: int) -> bool:
    """The same split by dialogue id as `fit`."""
    return zlib.crc32(f"{seed}:{conversation_id}".encode()) % 1000 < VALIDATION_SHARE * 1000


def _cell(name: str, value: float) -> str:
    if value != value:  # NaN: nothing escalated
        return "–"
    return f"{value:.1f}" if name == "median turns to escalation" else f"{value:.3f}"


def evaluate_file(path: str, seed: int = 13) -> str:
    """A Markdown table: detector, VADER and the text model on all / train / validation conversations."""
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    conversations = [json.loads(line) for line in lines]
    scorers = (
        ("detector", list(replay_lines(get_detector(), lines, io.StringIO()))),
        ("VADER", [vader_replay(c) for c in conversations]),
        ("GoEmotions model", [text_model_replay(c) for c in conversations]),
    )
    rows = []
    names: list[str] = []
    for part in ("all", "train", "validation"):
        for name, replayed in scorers:
            chosen = [
                c
                for c in replayed
                if part == "all" or in_validation(c.id, seed) == (part == "validation")
            ]
            values = figures(chosen)
            names = list(values)
            rows.append(
                f"| {part} ({len(chosen)}) | {name} | "
                + " | ".join(_cell(k, v) for k, v in values.items())
                + " |"
            )
    header = "| conversations | scorer | " + " | ".join(names) + " |"
    return "\n".join([header, "|" + "---|" * (len(names) + 2)] + rows)


def evaluate_files(paths: Sequence[str], seed: int = 13) -> str:
    """One table per data set (each under its file name when there are several)."""
    if len(paths) == 1:
        return evaluate_file(paths[0], seed)
    return "\n\n".join(f"`{path}`\n\n" + evaluate_file(path, seed) for path in paths)
