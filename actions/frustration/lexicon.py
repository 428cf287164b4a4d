"""spaCy tokenisation and rule matching for the configured word lists and patterns.

Why spaCy: its tokenizer splits "you're", "can't", emoticons and punctuation runs
consistently, and `PhraseMatcher` / `Matcher` match hundreds of phrases in one
pass over the tokens. Only `spacy.blank(...)` is used (no model download), and it
is created lazily on first use, never at import time, because rasa_sdk imports
every module of `actions/` when the action server starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from actions.frustration.config import LEXICON_CATEGORIES, FrustrationConfig

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

_NLP_LOCK = threading.Lock()
_NLP: Language | None = None
NLP_LOAD_COUNT = 0  # how many times the pipeline was built in this process (tests check it is 1)
BOT_CATEGORIES = frozenset(
    {"bot_failure", "closing_question", "permission_question"}
)  # word lists matched in the bot's messages, not the customer's


def get_nlp() -> Language:
    """The process-wide blank English spaCy pipeline (tokenizer only), built once."""
    global _NLP, NLP_LOAD_COUNT
    if _NLP is None:
        with _NLP_LOCK:
            if _NLP is None:
                import spacy

                _NLP = spacy.blank("en")
                NLP_LOAD_COUNT += 1
    return _NLP


@dataclass
class Matches:
    """Phrase and pattern hits of one text, grouped by word-list category.

    Attributes:
        hits: category -> the matched spans' text, in order of appearance.
    """

    hits: dict[str, list[str]] = field(default_factory=dict)

    def count(self, category: str) -> int:
        """How many times the category matched."""
        return len(self.hits.get(category, ()))

    def first(self, category: str) -> str | None:
        """The first matched text of the category, if any."""
        found = self.hits.get(category)
        return found[0] if found else None


class Lexicon:
    """Matches a config's word lists and token patterns against text."""

    def __init__(self, config: FrustrationConfig) -> None:
        """Build the matchers (this loads spaCy on first construction in the process)."""
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = get_nlp()
        self._phrase = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._bot_phrase = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._pattern = Matcher(self.nlp.vocab)
        self._labels: dict[int, str] = {}
        for category in LEXICON_CATEGORIES:
            phrases = sorted({p.strip() for p in config.phrases(category) if p.strip()})
            if phrases:
                # Bot-side phrases (failures, closing questions) are looked for in the bot's messages only.
                matcher = self._bot_phrase if category in BOT_CATEGORIES else self._phrase
                matcher.add(category, [self.nlp.make_doc(p) for p in phrases])
                self._labels[self.nlp.vocab.strings[category]] = category
        for category, patterns in config.patterns.items():
            if category not in LEXICON_CATEGORIES:
                continue
            if patterns:
                self._pattern.add(category, patterns)
                self._labels[self.nlp.vocab.strings[category]] = category

    def tokenize(self, text: str) -> Doc:
        """Tokenise with the shared pipeline's tokenizer only."""
        return self.nlp.make_doc(text)

    def match(self, doc: Doc, bot: bool = False, original: str | None = None) -> Matches:
        """Longest non-overlapping hits per category (a phrase inside a longer one counts once).

        Args:
            doc: the tokenised message (lower-cased: spaCy's contraction rules are case-sensitive).
            bot: the message is the bot's, so only the bot-side word lists apply.
            original: the text before lower-casing, to quote the customer's own spelling.
        """
        found = (
            list(self._bot_phrase(doc))
            if bot
            else list(self._phrase(doc)) + list(self._pattern(doc))
        )
        spans: list[tuple[int, int, str]] = [
            (start, end, self._labels[match_id]) for match_id, start, end in found
        ]
        result = Matches()
        taken: dict[str, list[tuple[int, int]]] = {}
        positioned: dict[str, list[tuple[int, str]]] = {}
        # Longest first so "you're useless" wins over "useless" in the same category.
        for start, end, category in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            ranges = taken.setdefault(category, [])
            if any(start < e and s < end for s, e in ranges):
                continue
            ranges.append((start, end))
            span = doc[start:end]
            text = span.text
            if original is not None and len(original) == len(doc.text):
                text = original[span.start_char : span.end_char]
            positioned.setdefault(category, []).append((start, text))
        for category, hits in positioned.items():
            result.hits[category] = [text for _, text in sorted(hits)]
        return result
