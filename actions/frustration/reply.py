"""The reply model: how dissatisfied a customer's reply to the bot's last message reads.

The GoEmotions text model hears emotion in one message; most dissatisfied turns
in rated dialogues are polite ("No, I want it for Thursday", "Please try again")
and only read as dissatisfied next to what the bot had just said (an offer turned
down, a failed booking retried). This model reads the two together: hashed
features of the customer's words and of pairs (one of the first words of the
reply with a word of the bot's message: "no" after "confirm" is a correction,
"no" after "anything else" is not). The bot's words alone are left out: they
only teach the model how often a bot's canned reply went badly in the dialogues
it learned from ("sorry" there, a polite apology here), which does not travel. One logistic regression
learned from dialogues whose turns people rated (`python -m tools.frustration
fit-reply`, from ../shared/frustration/); the weights are a small
``reply_model.npz``, loaded lazily once per process.

Features are computed here and only here, for the fit and for scoring.
"""

from __future__ import annotations

import math
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actions.frustration.emotion import HASH_BITS, HASH_SIZE, feature_counts, tokens

if TYPE_CHECKING:  # pragma: no cover
    from numpy.typing import NDArray

MODEL_PATH = Path(__file__).with_name("reply_model.npz")
BOT_CHARS = 300  # the start of the bot's message says what it offered or failed to do
PAIR_USER_WORDS = 4  # the first words of the reply carry the yes / no / "try again"
PAIR_BOT_WORDS = 40
BOT_CACHE = 4_096  # bots repeat canned replies: their words are cached by text


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) & (HASH_SIZE - 1)


@lru_cache(maxsize=BOT_CACHE)
def _bot_words(text: str) -> tuple[str, ...]:
    """The bot message's distinct words (for pairs with the reply's first words)."""
    return tuple(sorted({w for w in tokens(text) if w.isalpha()}))[:PAIR_BOT_WORDS]


def reply_features(text: str, bot_text: str | None) -> dict[int, float]:
    """Hashed features of a reply and its pairs with the bot message before it (each block of unit length)."""
    features = dict(feature_counts(text))
    bot_words = _bot_words((bot_text or "")[:BOT_CHARS])
    first = tokens(text)[:PAIR_USER_WORDS]
    pairs = {_bucket(f"p:{u}|{b}") for u in first for b in (bot_words or ("<none>",))}
    if pairs:
        value = 1.0 / math.sqrt(len(pairs))
        for key in pairs:
            features[key] = features.get(key, 0.0) + value
    return features


def _sigmoid(z: float) -> float:
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


class ReplyModel:
    """One hashed-feature logistic regression over a reply and the bot message before it."""

    def __init__(self, weights: NDArray[Any], intercept: float, c: float = 0.2) -> None:
        """`weights` has shape (HASH_SIZE,); `c` is the regularisation it was fitted with
        (`fit` refits with it for out-of-fold values)."""
        import numpy as np

        self._weights = np.asarray(weights, dtype=np.float32)
        self._intercept = float(intercept)
        self.c = float(c)

    @property
    def nbytes(self) -> int:
        """Memory held by the weights."""
        return int(self._weights.nbytes)

    def read(self, text: str, bot_text: str | None) -> float:
        """Probability (balanced classes) that the reply is a dissatisfied one."""
        features = reply_features(text, bot_text)
        if not features:
            return _sigmoid(self._intercept)
        import numpy as np

        index = np.fromiter(features.keys(), dtype=np.int64, count=len(features))
        values = np.fromiter(features.values(), dtype=np.float32, count=len(features))
        return round(_sigmoid(float(self._weights[index] @ values) + self._intercept), 4)

    def save(self, path: Path) -> None:
        """Write the weights as a compressed npz (float16, weights only)."""
        import numpy as np

        np.savez_compressed(
            path,
            weights=self._weights.astype(np.float16),
            intercept=np.asarray([self._intercept], dtype=np.float64),
            c=np.asarray([self.c]),
            hash_bits=np.asarray([HASH_BITS]),
        )

    @classmethod
    def load(cls, path: Path) -> ReplyModel:
        """Read a model written by `save` (refuses one built with other feature settings)."""
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            if int(data["hash_bits"][0]) != HASH_BITS:
                raise ValueError(
                    f"{path}: built with {int(data['hash_bits'][0])} hash bits, this code uses {HASH_BITS}"
                )
            return cls(data["weights"], float(data["intercept"][0]), float(data["c"][0]))


_LOCK = threading.Lock()
_MODEL: ReplyModel | None = None


def get_reply_model(path: Path | None = None) -> ReplyModel:
    """The process-wide model, loaded on first use (1 MB of float32 weights)."""
    global _MODEL
    if path is not None:
        return ReplyModel.load(path)
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = ReplyModel.load(MODEL_PATH)
    return _MODEL
