"""The fit: split by dialogue id, config rewrite, a tiny end-to-end run."""

import json

from actions.frustration.config import DEFAULT_CONFIG_PATH, load_config
from tools.frustration.fit import Dialogue, fit_command, split, write_model_block


def test_split_is_by_id_and_stable():
    dialogues = [Dialogue(f"d{i}", [[0.0]], [0], False) for i in range(200)]
    train, valid = split(dialogues, seed=13)
    again_train, _ = split(list(reversed(dialogues)), seed=13)
    assert {d.id for d in train} == {d.id for d in again_train}
    assert not {d.id for d in train} & {d.id for d in valid}
    assert 20 < len(valid) < 60


def test_write_model_block_keeps_the_rest_of_the_file(tmp_path):
    target = tmp_path / "f.yml"
    target.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    model = load_config(target).model
    changed = type(model)(**{**model.__dict__, "bias": -2.5})
    write_model_block(target, changed)
    reloaded = load_config(target)
    assert reloaded.model.bias == -2.5
    assert reloaded.model.weights == model.weights
    assert "priors:" in target.read_text(encoding="utf-8")
    assert reloaded.phrases("churn") == load_config().phrases("churn")


def test_fit_runs_on_a_small_labelled_file(tmp_path, capsys):
    lines = []
    for i in range(40):
        angry = i % 4 == 0
        turns = [
            {"speaker": "user", "text": "where is my order", "label": 0},
            {
                "speaker": "bot",
                "text": "Sorry, I could not find it." if angry else "It ships today.",
            },
            {
                "speaker": "user",
                "text": "no, that is wrong, useless" if angry else "great, thanks",
                "label": int(angry),
            },
        ]
        lines.append(json.dumps({"id": f"t{i}", "turns": turns, "escalate": angry}))
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "f.yml"
    config.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    assert fit_command(str(data), config=str(config), write=True) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["train"]["turn_roc_auc"] > 0.9
    assert load_config(config).model.weights["bot_complaint"] > 0
