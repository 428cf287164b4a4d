"""The GoEmotions text model: shared features, lazy single load, sensible readings."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actions.frustration import emotion
from actions.frustration.emotion import EmotionModel, feature_counts, get_emotion_model

ROOT = Path(__file__).resolve().parents[3]


def test_features_have_unit_length_and_ignore_case() -> None:
    features = feature_counts("Thanks, that HELPS a lot 👍")
    assert math.isclose(math.sqrt(sum(v * v for v in features.values())), 1.0, rel_tol=1e-6)
    assert feature_counts("thanks, that helps a lot 👍") == features
    assert feature_counts("") == {} and feature_counts("   ") == {}


def test_only_the_start_of_a_long_message_is_read() -> None:
    assert feature_counts("ok " * 1000 + "furious") == feature_counts("ok " * 1000)


@pytest.mark.parametrize(
    "text", ["this is ridiculous, I am so annoyed", "what a disgrace, absolutely terrible service"]
)
def test_angry_messages_read_negative(text: str) -> None:
    reading = get_emotion_model().read(text)
    assert reading.negative > 0.5 > reading.calm


@pytest.mark.parametrize("text", ["thank you so much, that really helps", "great, that's a relief"])
def test_grateful_messages_read_calm(text: str) -> None:
    reading = get_emotion_model().read(text)
    assert reading.calm > 0.5 > reading.negative


def test_the_model_is_loaded_once_per_process() -> None:
    assert get_emotion_model() is get_emotion_model()


def test_importing_the_package_loads_no_model() -> None:
    code = "import actions.frustration, actions.frustration.emotion as e, sys; print(e._MODEL is None, 'sklearn' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "False"]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    weights = np.zeros((2, emotion.HASH_SIZE), dtype=np.float32)
    index = next(iter(feature_counts("hello")))
    weights[0, index] = 4.0
    model = EmotionModel(weights, np.array([-1.0, 0.0]))
    model.save(tmp_path / "m.npz")
    loaded = EmotionModel.load(tmp_path / "m.npz")
    assert loaded.read("hello").negative == model.read("hello").negative > 0.5
    assert loaded.read("goodbye").negative < 0.5


def test_words_after_a_negation_are_marked_negated() -> None:
    negated = emotion._negated("happy")
    assert negated in feature_counts("I am not happy with this")
    assert negated in feature_counts("I wasn't happy")
    # the scope ends at punctuation and after NEGATION_SCOPE words
    assert negated not in feature_counts("not now, happy to wait")
    assert negated not in feature_counts("not one two three happy")
    assert negated not in feature_counts("I am happy with this")


def test_negated_praise_reads_more_negative_than_praise() -> None:
    model = get_emotion_model()
    assert (
        model.read("I am not happy with this").negative
        > model.read("I am happy with this").negative
    )


def test_a_model_built_with_other_features_is_refused(tmp_path: Path) -> None:
    np.savez_compressed(
        tmp_path / "old.npz",
        weights=np.zeros((2, emotion.HASH_SIZE), dtype=np.float16),
        intercepts=np.zeros(2),
        hash_bits=np.asarray([emotion.HASH_BITS]),
    )  # no feature_version: built before negation scope
    with pytest.raises(ValueError, match="feature version 1"):
        EmotionModel.load(tmp_path / "old.npz")
