"""The reply model: a reply read with the bot message before it, loaded once, small."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np

from actions.frustration.emotion import HASH_SIZE, feature_counts
from actions.frustration.reply import ReplyModel, get_reply_model, reply_features
from actions.frustration.schema import TurnInput
from actions.frustration.state import coerce_state

ROOT = Path(__file__).resolve().parents[3]


def test_the_reply_words_and_the_pairs_make_the_features() -> None:
    alone = reply_features("where is it", None)
    with_bot = reply_features("where is it", "it is on its way")
    assert set(feature_counts("where is it")) <= set(alone)
    assert len(with_bot) > len(alone)  # one pair per reply word and bot word


def test_pairs_depend_on_what_the_bot_said() -> None:
    after_offer = reply_features("no", "Shall I book it for you?")
    after_closing = reply_features("no", "Anything else I can help with?")
    assert set(after_offer) != set(after_closing)


def test_each_block_has_unit_length() -> None:
    features = reply_features("no thanks", None)
    # customer words and the pairs with "<none>": two blocks of unit length
    assert math.isclose(sum(v * v for v in features.values()), 2.0, rel_tol=1e-6)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    weights = np.zeros(HASH_SIZE, dtype=np.float32)
    for key in reply_features("try again", "Sorry, that did not work."):
        weights[key] = 3.0
    model = ReplyModel(weights, -1.0, c=0.3)
    model.save(tmp_path / "r.npz")
    loaded = ReplyModel.load(tmp_path / "r.npz")
    assert loaded.c == 0.3
    assert loaded.read("try again", "Sorry, that did not work.") > 0.9
    assert loaded.read("hello", None) < 0.5


def test_the_packaged_model_is_loaded_once_and_small() -> None:
    assert get_reply_model() is get_reply_model()
    assert (ROOT / "actions/frustration/reply_model.npz").stat().st_size < 1_000_000


def test_importing_the_package_loads_no_reply_model() -> None:
    code = "import actions.frustration, actions.frustration.reply as r; print(r._MODEL is None)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "True"


def _reply_hit(detector, text: str, bot: str) -> float:
    _, state = detector.score_turn(TurnInput(text="where is my order"), None)
    hits, _, _ = detector.signal_hits(
        TurnInput(text=text, previous_bot_text=bot), coerce_state(state)
    )
    return hits["reply_model"].value


def test_reassurance_and_praise_silence_the_reply_model(detector) -> None:
    sorry = "Sorry, I could not find that order."
    assert _reply_hit(detector, "no rush, take your time", sorry) == 0
    assert _reply_hit(detector, "Not bad at all, that was quick!", sorry) == 0
    assert _reply_hit(detector, "no, try again", sorry) > 0
