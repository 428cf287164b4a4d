"""The text model: how negative (and how calmed) a message sounds, learned from people.

Word lists only know the phrases someone wrote down; this model learned from
GoEmotions (54k comments labelled by human raters) which wording goes with anger,
annoyance, disappointment, disapproval or disgust, and which with gratitude,
relief, approval, joy or admiration. Two logistic regressions share one set of
hashed features (word uni/bigrams, character 3–5-grams, and the words in the scope
of a negation marked as negated: "not happy" is not "happy"), so a message is
featurised once and scored twice.

The fitted model is a small ``emotion_model.npz`` (weights only, no pickled
objects) rebuilt deterministically by ``python -m tools.frustration fit-text``
(``fit_text.py``). It is loaded lazily, once per process, on the first scored
turn: rasa_sdk imports every module of ``actions/`` at start-up.

The features are computed here and only here, for the fit and for scoring, so
the two can never drift apart.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MODEL_PATH = Path(__file__).with_name("emotion_model.npz")
HASH_BITS = 18
HASH_SIZE = 1 << HASH_BITS
FEATURE_VERSION = 2  # 2: negation scope; a model file built with other features is refused
MAX_CHARS = 400  # the model reads the start of a message: enough for tone, bounded in time
CHAR_NGRAMS = (3, 4, 5)
WORD_CACHE = 32_768  # distinct words whose features are kept (bounded memory)
START = zlib.crc32(b"<s>")
END = zlib.crc32(b"</s>")
NEGATIVE_LABELS = ("anger", "annoyance", "disappointment", "disapproval", "disgust")
CALM_LABELS = ("gratitude", "relief", "approval", "joy", "admiration")

# Negation scope: the next NEGATION_SCOPE words after one of these (or a word ending in
# "n't"), up to punctuation, also give a "negated word" feature.
NEGATORS = frozenset(
    ("not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "cannot", "without")
)
NEGATION_SCOPE = 3
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def tokens(text: str) -> list[str]:
    """Lower-cased words, with every other non-space character (emoji, "!", "?") as its own token."""
    return _TOKEN.findall(text[:MAX_CHARS].lower().translate(_QUOTES))


def _hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


@lru_cache(maxsize=WORD_CACHE)
def _word_features(word: str) -> tuple[int, tuple[int, ...]]:
    """A word's own hash and the bucket indices of the word and its character n-grams.

    Cached: customers reuse a small vocabulary, so most words are featurised once per process.
    """
    own = _hash("w:" + word)
    indices = {own & (HASH_SIZE - 1)}
    if word[0].isalnum() and len(word) > 1:
        padded = " " + word + " "
        for n in CHAR_NGRAMS:
            for start in range(0, len(padded) - n + 1):
                indices.add(_hash("c:" + padded[start : start + n]) & (HASH_SIZE - 1))
    return own, tuple(indices)


@lru_cache(maxsize=WORD_CACHE)
def _negated(word: str) -> int:
    """The bucket of `word` inside a negation's scope."""
    return _hash("n:" + word) & (HASH_SIZE - 1)


def _bigram(previous: int, current: int) -> int:
    return ((previous * 1_000_003) ^ (current + 0x9E3779B9)) & (HASH_SIZE - 1)


def feature_counts(text: str) -> dict[int, float]:
    """Hashed features of one message: word unigrams and bigrams, character n-grams of
    words, and negated words (up to `NEGATION_SCOPE` words after a negation, until punctuation).

    Values are presence scaled to unit length, so a long message does not weigh
    more than a short one.
    """
    words = tokens(text)
    if not words:
        return {}
    keys: set[int] = set()
    previous = START
    scope = 0
    for word in words:
        own, indices = _word_features(word)
        keys.update(indices)
        keys.add(_bigram(previous, own))
        previous = own
        if not word[0].isalnum():
            scope = 0
            continue
        if scope:
            keys.add(_negated(word))
            scope -= 1
        if word in NEGATORS or word.endswith("n't"):
            scope = NEGATION_SCOPE
    keys.add(_bigram(previous, END))
    value = 1.0 / math.sqrt(len(keys))
    return dict.fromkeys(keys, value)


@dataclass(frozen=True)
class EmotionReading:
    """The text model's view of one message: probabilities 0..1."""

    negative: float
    calm: float


NEUTRAL = EmotionReading(0.0, 0.0)


def _sigmoid(z: float) -> float:
    z = max(-30.0, min(30.0, z))
    return 1.0 / (1.0 + math.exp(-z))


class EmotionModel:
    """Two hashed-feature logistic regressions (negative, calm) sharing one featurisation."""

    def __init__(self, weights: np.ndarray[Any, Any], intercepts: np.ndarray[Any, Any]) -> None:
        """`weights` has shape (2, HASH_SIZE): row 0 negative, row 1 calm."""
        import numpy as np

        self._weights = np.asarray(weights, dtype=np.float32)
        self._intercepts = [float(v) for v in intercepts]

    @property
    def nbytes(self) -> int:
        """Memory held by the weights."""
        return int(self._weights.nbytes)

    def read(self, text: str) -> EmotionReading:
        """Probabilities that `text` sounds negative / calmed (gratitude, relief, approval)."""
        features = feature_counts(text)
        if not features:
            return NEUTRAL
        import numpy as np

        index = np.fromiter(features.keys(), dtype=np.int64, count=len(features))
        values = np.fromiter(features.values(), dtype=np.float32, count=len(features))
        z = self._weights[:, index] @ values
        return EmotionReading(
            negative=round(_sigmoid(float(z[0]) + self._intercepts[0]), 4),
            calm=round(_sigmoid(float(z[1]) + self._intercepts[1]), 4),
        )

    def save(self, path: Path) -> None:
        """Write the weights as a compressed npz (float16: enough for weights, half the size)."""
        import numpy as np

        np.savez_compressed(
            path,
            weights=self._weights.astype(np.float16),
            intercepts=np.asarray(self._intercepts, dtype=np.float64),
            hash_bits=np.asarray([HASH_BITS]),
            feature_version=np.asarray([FEATURE_VERSION]),
        )

    @classmethod
    def load(cls, path: Path) -> EmotionModel:
        """Read a model written by `save` (refuses one built with other feature settings)."""
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            if int(data["hash_bits"][0]) != HASH_BITS:
                raise ValueError(
                    f"{path}: built with {int(data['hash_bits'][0])} hash bits, this code uses {HASH_BITS}"
                )
            version = int(data["feature_version"][0]) if "feature_version" in data.files else 1
            if version != FEATURE_VERSION:
                raise ValueError(
                    f"{path}: built with feature version {version}, this code uses {FEATURE_VERSION}"
                    " (rebuild it: python -m tools.frustration fit-text)"
                )
            return cls(data["weights"], data["intercepts"])


_LOCK = threading.Lock()
_MODEL: EmotionModel | None = None


def get_emotion_model(path: Path | None = None) -> EmotionModel:
    """The process-wide model, loaded on first use (about 2 MB of float32 weights)."""
    global _MODEL
    if path is not None:
        return EmotionModel.load(path)
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = EmotionModel.load(MODEL_PATH)
    return _MODEL
