"""Replay: output format, labels, bad lines, stdin, metrics."""

import io
import json

from tools.frustration import cli
from tools.frustration.replay import compute_metrics, replay_lines

CONVERSATION = {
    "id": "c1",
    "escalate": True,
    "turns": [
        {"speaker": "bot", "text": "Hi! How can I help?"},
        {"speaker": "user", "text": "where is my order", "label": 0},
        {"speaker": "bot", "text": "Sorry, I couldn't find that order."},
        {"speaker": "user", "text": "you're useless, I want a real person", "label": 1},
    ],
}


def replay(detector, lines):
    errors = io.StringIO()
    return list(replay_lines(detector, lines, errors)), errors.getvalue()


def test_output_lists_user_turns_with_their_input_index(detector):
    [result], errors = replay(detector, [json.dumps(CONVERSATION)])
    out = result.output()
    assert errors == ""
    assert out["id"] == "c1" and [t["index"] for t in out["turns"]] == [1, 3]
    assert out["escalate_at"] == 3
    assert set(out["turns"][1]) == {"index", "score", "level", "reasons"}
    assert out["turns"][1]["score"] > out["turns"][0]["score"]


def test_replay_equals_live_scoring(detector):
    from actions.frustration import TurnInput

    [result], _ = replay(detector, [json.dumps(CONVERSATION)])
    first, state = detector.score_turn(
        TurnInput(text="where is my order", previous_bot_text="Hi! How can I help?"), None
    )
    second, _ = detector.score_turn(
        TurnInput(
            text="you're useless, I want a real person",
            previous_bot_text="Sorry, I couldn't find that order.",
        ),
        state,
    )
    assert [t["score"] for t in result.turns] == [first.score, second.score]


def test_intent_and_confidence_fields_drive_the_nlu_signals(detector):
    conversation = {
        "id": "n",
        "turns": [
            {"speaker": "user", "text": "blorp", "intent": "nlu_fallback", "confidence": 0.2},
            {"speaker": "user", "text": "blorp blorp", "intent": "nlu_fallback", "confidence": 0.1},
        ],
    }
    [result], _ = replay(detector, [json.dumps(conversation)])
    assert any("did not understand" in r for r in result.turns[1]["reasons"])


def test_bad_lines_are_reported_with_their_number_and_skipped(detector):
    lines = [
        json.dumps(CONVERSATION),
        "{not json",
        json.dumps({"id": "x"}),
        "",
        json.dumps(dict(CONVERSATION, id="c2")),
    ]
    results, errors = replay(detector, lines)
    assert [r.id for r in results] == ["c1", "c2"]
    assert "line 2: invalid JSON" in errors and "line 3: missing 'turns'" in errors


def test_bad_speaker_and_label_are_errors(detector):
    bad_speaker = {"id": "a", "turns": [{"speaker": "agent", "text": "hi"}]}
    bad_label = {"id": "b", "turns": [{"speaker": "user", "text": "hi", "label": 7}]}
    results, errors = replay(detector, [json.dumps(bad_speaker), json.dumps(bad_label)])
    assert (
        results == []
        and "line 1: turn 0: speaker" in errors
        and "line 2: label must be 0 or 1" in errors
    )


def test_metrics_from_labels(detector):
    results, _ = replay(
        detector,
        [json.dumps(CONVERSATION), json.dumps(dict(CONVERSATION, id="c2", escalate=False))],
    )
    metrics = compute_metrics(results)
    assert metrics.turns.n == 4 and metrics.turns.positives == 2 and metrics.turns.roc_auc == 1.0
    assert metrics.conversations.n == 2 and metrics.conversations.recall == 1.0


def test_cli_reads_stdin_and_prints_metrics(monkeypatch, capsys):
    stdin = io.TextIOWrapper(
        io.BytesIO((json.dumps(CONVERSATION) + "\nnot json\n").encode()), encoding="utf-8"
    )
    monkeypatch.setattr("sys.stdin", stdin)
    assert cli.main(["replay", "-", "--metrics"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.splitlines()[0])["id"] == "c1"
    assert "line 2: invalid JSON" in captured.err
    assert "roc_auc" in captured.err and "conversations" in captured.err


def test_cli_missing_file_is_a_clear_error(capsys, tmp_path):
    assert cli.main(["replay", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_evaluate_prints_detector_and_vader_rows(tmp_path, capsys):
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps(CONVERSATION)
        + "\n"
        + json.dumps(dict(CONVERSATION, id="c2", escalate=False))
        + "\n"
    )
    assert cli.main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "| all (2) | detector |" in out and "| all (2) | VADER |" in out and "turn ROC-AUC" in out
    )


def test_cli_model_option_feeds_intents_from_the_nlu(monkeypatch, tmp_path, capsys):
    calls = []

    def fake_load_nlu(path):
        calls.append(path)
        return lambda text: ("nlu_fallback", 0.1)

    monkeypatch.setattr("tools.frustration.replay.load_nlu", fake_load_nlu)
    conversation = {
        "id": "m",
        "turns": [{"speaker": "user", "text": "blorp"}, {"speaker": "user", "text": "blorp again"}],
    }
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps(conversation) + "\n")
    assert cli.main(["replay", str(path), "--model", "models/x.tar.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert calls == ["models/x.tar.gz"]
    assert any("did not understand" in r for r in out["turns"][1]["reasons"])
