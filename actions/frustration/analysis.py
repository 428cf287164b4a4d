"""One pass over a message: clean it, tokenise it, match word lists, score sentiment.

The signals read the resulting `TextAnalysis`, so every message is tokenised and
matched exactly once however many signals look at it.
"""

from __future__ import annotations

import re
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from actions.frustration.config import FrustrationConfig
from actions.frustration.emotion import NEUTRAL, EmotionReading, get_emotion_model
from actions.frustration.lexicon import Lexicon, Matches
from actions.frustration.text import CleanText, clean_text

if TYPE_CHECKING:  # pragma: no cover
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

_VADER_LOCK = threading.Lock()
BOT_CACHE_SIZE = 512  # distinct bot messages remembered (oldest dropped first)
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_VADER: SentimentIntensityAnalyzer | None = None


def get_vader() -> SentimentIntensityAnalyzer:
    """The process-wide VADER analyser (reads its lexicon file once, lazily)."""
    global _VADER
    if _VADER is None:
        with _VADER_LOCK:
            if _VADER is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                _VADER = SentimentIntensityAnalyzer()
    return _VADER


@dataclass(frozen=True)
class TextAnalysis:
    """Everything the text signals need about one message.

    Attributes:
        clean: the cleaned, bounded text.
        matches: word-list and pattern hits.
        compound: VADER compound sentiment, -1 (negative) .. 1 (positive).
        fingerprint: hashed content words, to recognise a repeated request.
        letters: number of alphabetic characters (any script).
        caps_words: words of 3+ Latin letters written entirely in capitals.
        words: number of word tokens.
        emotion: the text model's probabilities that the message sounds negative / calmed.
    """

    clean: CleanText
    matches: Matches
    compound: float
    fingerprint: frozenset[int]
    letters: int
    caps_words: int
    words: int
    emotion: EmotionReading = NEUTRAL


def _stem(word: str) -> str:
    """A crude plural/verb-ending fold so "orders"/"order" and "arrived"/"arrive" compare equal."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _without_praise_taken_for_sarcasm(matches: Matches, emotion: EmotionReading) -> Matches:
    """Drop a sarcasm hit that is really praise: "oh great, thank you so much, that helps".

    "oh great" opens sarcasm ("oh great, another delay") and thanks alike. It is
    read as sincere when the message also thanks or approves in words of its own
    (not inside the sarcastic phrase, so "thanks for nothing" stays sarcastic), nothing
    turns it round ("thanks, but ..."), and the text model hears more calm than upset.
    """
    sarcastic = matches.hits.get("sarcasm")
    if not sarcastic or matches.count("contrast") or emotion.calm <= emotion.negative:
        return matches
    inside = " | ".join(hit.lower() for hit in sarcastic)
    sincere = [hit for hit in matches.hits.get("resolution", ()) if hit.lower() not in inside]
    if not sincere:
        return matches
    return Matches(
        {category: hits for category, hits in matches.hits.items() if category != "sarcasm"}
    )


class Analyzer:
    """Turns raw text into a `TextAnalysis` using the config's lexicon."""

    def __init__(self, config: FrustrationConfig) -> None:
        """Build matchers and load VADER (lazily called by the detector on first use)."""
        self.config = config
        self.lexicon = Lexicon(config)
        self.vader = get_vader()
        self.emotion = get_emotion_model()
        self._bot_cache: dict[tuple[str, int], Matches] = {}

    def analyse_bot(self, raw: object, max_chars: int) -> Matches:
        """Match the bot-side word lists (failure phrases) in a bot message.

        Bots repeat a small set of canned replies, so results are cached by text.
        """
        text = raw if isinstance(raw, str) else ""
        key = (text[:max_chars], max_chars)
        cached = self._bot_cache.get(key)
        if cached is None:
            clean = clean_text(text, max_chars)
            cached = self.lexicon.match(self.lexicon.tokenize(clean.text.lower()), bot=True)
            if len(self._bot_cache) >= BOT_CACHE_SIZE:
                self._bot_cache.pop(next(iter(self._bot_cache)))
            self._bot_cache[key] = cached
        return cached

    def analyse(self, raw: object, max_chars: int | None = None) -> TextAnalysis:
        """Analyse one customer message (bounded to `max_chars`, default from the config)."""
        clean = clean_text(raw, max_chars or self.config.max_chars)
        doc = self.lexicon.tokenize(clean.text.lower())
        matches = self.lexicon.match(doc, original=clean.text)
        content = set()
        words = 0
        for token in doc:
            if not token.is_alpha:
                continue
            words += 1
            if not token.is_stop and len(token.text) >= 3:
                content.add(zlib.crc32(_stem(token.lower_).encode("utf-8")) & 0xFFFFFF)
        compound = 0.0
        emotion = NEUTRAL
        if clean.text:
            compound = float(self.vader.polarity_scores(clean.text)["compound"])
            emotion = self.emotion.read(clean.text)
        matches = _without_praise_taken_for_sarcasm(matches, emotion)
        letters = sum(map(str.isalpha, clean.text))
        caps_words = len(_CAPS_WORD.findall(clean.text))
        return TextAnalysis(
            clean=clean,
            matches=matches,
            compound=compound,
            fingerprint=frozenset(content),
            letters=letters,
            caps_words=caps_words,
            words=words,
            emotion=emotion,
        )
