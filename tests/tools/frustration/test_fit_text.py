"""`fit-text`: the GoEmotions text model is rebuilt deterministically from its files."""

from __future__ import annotations

from pathlib import Path

from actions.frustration.emotion import EmotionModel
from tools.frustration.fit_text import fit_text_command


def test_fit_text_is_deterministic_on_a_small_sample(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "goemotions_labels.txt").write_text(
        "\n".join(
            [
                "admiration",
                "amusement",
                "anger",
                "annoyance",
                "approval",
                "caring",
                "confusion",
                "curiosity",
                "desire",
                "disappointment",
                "disapproval",
                "disgust",
                "embarrassment",
                "excitement",
                "fear",
                "gratitude",
                "grief",
                "joy",
                "love",
                "nervousness",
                "optimism",
                "pride",
                "realization",
                "relief",
                "remorse",
                "sadness",
                "surprise",
                "neutral",
            ]
        )
        + "\n"
    )
    rows = [
        ("this is awful and I hate it", "2"),
        ("so annoying, stop it", "3"),
        ("thank you so much", "15"),
        ("what a relief, thanks", "23"),
        ("the sky is blue", "27"),
        ("I went to the shop", "27"),
    ] * 5
    for split in ("train", "dev", "test"):
        (data / f"goemotions_{split}.tsv").write_text(
            "".join(f"{t}\t{l}\tid{i}\n" for i, (t, l) in enumerate(rows))
        )
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    assert fit_text_command(str(data), str(first)) == 0
    assert fit_text_command(str(data), str(second)) == 0
    a, b = EmotionModel.load(first), EmotionModel.load(second)
    assert a.read("I hate this") == b.read("I hate this")
    assert a.read("I hate this, awful").negative > a.read("thank you").negative
