"""`fit-reply`: the reply model is rebuilt deterministically from labelled dialogues."""

from __future__ import annotations

import json
from pathlib import Path

from actions.frustration.reply import ReplyModel
from tools.frustration import fit, fit_reply


def write_dialogues(path: Path, count: int = 60) -> None:
    lines = []
    for i in range(count):
        failed = i % 3 == 0
        turns = [
            {"speaker": "user", "text": "book a table for two", "label": 0},
            {
                "speaker": "bot",
                "text": "Sorry, that did not work. Shall I try another place?"
                if failed
                else "Done, your table is booked. Anything else?",
            },
            {
                "speaker": "user",
                "text": "no, try again" if failed else "no, that is all",
                "label": int(failed),
            },
        ]
        lines.append(json.dumps({"id": f"d{i}", "turns": turns}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_split_is_the_one_fit_uses() -> None:
    assert fit_reply.VALIDATION_SHARE == fit.VALIDATION_SHARE


def test_turns_carry_the_bot_message_before_them(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    write_dialogues(data, 3)
    turns = list(fit_reply.read_turns(data))
    assert [t.bot is None for t in turns[:2]] == [True, False]
    assert turns[1].bot.startswith("Sorry") and turns[1].label == 1


def test_fit_is_deterministic_and_learns_the_pair(tmp_path: Path, capsys) -> None:
    data = tmp_path / "d.jsonl"
    write_dialogues(data)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    assert fit_reply.fit_reply_command(str(data), str(first)) == 0
    assert fit_reply.fit_reply_command(str(data), str(second)) == 0
    a, b = ReplyModel.load(first), ReplyModel.load(second)
    failed = ("no, try again", "Sorry, that did not work. Shall I try another place?")
    done = ("no, that is all", "Done, your table is booked. Anything else?")
    assert a.read(*failed) == b.read(*failed)
    assert a.read(*failed) > 0.5 > a.read(*done)
    assert "cross_validated_roc_auc" in capsys.readouterr().out


def test_out_of_fold_values_cover_every_train_turn(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    write_dialogues(data)
    values = fit_reply.out_of_fold(data, seed=13, c=0.2)
    assert values and all(len(v) == 2 for v in values.values())
    assert not any(fit_reply.in_validation(d, 13) for d in values)


def test_missing_data_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert fit_reply.fit_reply_command(str(tmp_path / "none.jsonl"), None) == 2
    assert "no labelled dialogues" in capsys.readouterr().err
