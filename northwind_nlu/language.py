"""Which language a customer writes in, so the bot can say it speaks English only.

The assistant is trained on English. A customer who writes German, French,
Spanish, Italian, Dutch or Portuguese would otherwise get English answers to
misread intents or "didn't quite get that"; with the language known, the bot
answers in that language with one line (a person can help) and the agent's
summary says it.

Detection uses lingua-language-detector (n-gram models shipped in the wheel,
nothing downloaded), restricted to ``SUPPORTED``: chosen by measurement over
py3langid and langdetect because, on 2,058 English messages (data/nlu,
tests/nlu and English with foreign names), it is the only one whose confident
guesses never took English for another language. The models take about 200 MB
and a second to load (each language's n-gram tables on first use), so they are built lazily, once per process, on the first
message: rasa_sdk imports every module of actions/ at start-up.

A message mostly in a script none of ``SUPPORTED`` is written in (Arabic,
Chinese, Cyrillic, ...) is judged by its script alone (``script_language``).

Pure Python, no Rasa import: the action server and tests use it directly.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the import itself is cheap, but keep start-up free of lingua
    from lingua import LanguageDetector

ENGLISH = "en"
# ISO 639-1 code -> the name an agent reads ("Writes in German").
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
}
SUPPORTED: tuple[str, ...] = tuple(LANGUAGE_NAMES)
# Fewer words than this are never judged: "danke", "merci", "gracias", "hola"
# are understood as thanks and greetings by the NLU, and two words are too
# little evidence against English ("ok", "Bella Donna").
MIN_WORDS = 3
# Letters of a script none of SUPPORTED is written in say "not English" on their own
# (the detector knows only SUPPORTED and took "أين طلبي؟" for a greeting): the code is
# the commonest language written in that script (the handoff contract takes ISO 639-1),
# and agents read the script where it stands for several languages. Checked in order:
# kana before Han, so Japanese with kanji is Japanese.
_SCRIPTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ja", "Japanese", ("HIRAGANA", "KATAKANA")),
    ("zh", "Chinese", ("CJK UNIFIED",)),
    ("ko", "Korean", ("HANGUL",)),
    ("ar", "Arabic script", ("ARABIC",)),
    ("he", "Hebrew", ("HEBREW",)),
    ("el", "Greek", ("GREEK",)),
    ("ru", "Cyrillic script", ("CYRILLIC",)),
    ("th", "Thai", ("THAI",)),
    ("hi", "Devanagari script", ("DEVANAGARI",)),
)
SCRIPT_NAMES: dict[str, str] = {code: name for code, name, _ in _SCRIPTS}
# At least this many letters of such a script, and more of them than of any other.
MIN_SCRIPT_LETTERS = 2

# A message is in another language when that language's confidence (lingua's
# values over SUPPORTED sum to 1) reaches MIN_CONFIDENCE, or when English is all
# but ruled out (at most ENGLISH_RULED_OUT) and the doubt is between two others
# ("Quero cancelar o meu pedido": Portuguese 0.53, Spanish 0.46, English 0.005).
# Measured on 2,411 English messages of three words or more (data/nlu,
# tests/nlu, English with foreign names): none is taken for another language.
MIN_CONFIDENCE = 0.6
ENGLISH_RULED_OUT = 0.03
# "hello, j'ai une question sur ma commande": an English greeting pulls the whole
# message towards English, so the longest clause is judged as well.
_CLAUSE_BREAK = re.compile(r"[,;:!?.]+\s+|\s+[-–—]\s+")

# A word is a run of letters (any script), apostrophes and hyphens inside it allowed;
# order numbers, postcodes ("SW1A"), emails and emoji are not words.
_WORD = re.compile(r"(?<![\w@.])[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w@])")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")

_lock = threading.Lock()
_detector: LanguageDetector | None = None


@dataclass(frozen=True)
class LanguageGuess:
    """The likeliest language of a message and how sure the detector is.

    ``language`` is None when there is nothing to judge (empty, digits, emoji).
    """

    language: str | None
    confidence: float
    words: int
    english: float = 0.0  # the confidence of English, however it ranks

    @property
    def is_other_language(self) -> bool:
        """Confidently not English: enough words, and the evidence points elsewhere."""
        if self.language in (None, ENGLISH) or self.words < MIN_WORDS:
            return False
        return self.confidence >= MIN_CONFIDENCE or self.english <= ENGLISH_RULED_OUT


def count_words(text: str) -> int:
    """Words made of letters: the evidence a language guess rests on."""
    return len(_WORD.findall(_EMAIL_OR_URL.sub(" ", text or "")))


def _get_detector() -> LanguageDetector:
    """Build the detector once per process (thread-safe; the first call takes about a second)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                languages = [
                    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                    for code in SUPPORTED
                ]
                _detector = LanguageDetectorBuilder.from_languages(*languages).build()
    return _detector


def guess_language(text: str) -> LanguageGuess:
    """The likeliest of ``SUPPORTED`` languages for ``text``, with its confidence (0–1)."""
    cleaned = _EMAIL_OR_URL.sub(" ", text or "").strip()
    words = count_words(cleaned)
    if not words:
        return LanguageGuess(None, 0.0, 0)
    values = _get_detector().compute_language_confidence_values(cleaned)
    if not values or values[0].value <= 0:
        return LanguageGuess(None, 0.0, words)
    best = values[0]
    english = next(
        (
            float(value.value)
            for value in values
            if value.language.iso_code_639_1.name.lower() == ENGLISH
        ),
        0.0,
    )
    return LanguageGuess(
        best.language.iso_code_639_1.name.lower(), float(best.value), words, english
    )


def longest_clause(text: str) -> str:
    """The clause with the most words ("j'ai une question sur ma commande" after "hello,")."""
    return max(_CLAUSE_BREAK.split(text or ""), key=count_words, default="")


def script_language(text: str) -> str | None:
    """The code for a message written mostly in a script of ``_SCRIPTS`` (None otherwise)."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text or "":
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        for code, _, prefixes in _SCRIPTS:
            if name.startswith(prefixes):
                counts[code] = counts.get(code, 0) + 1
                break
    for code, _, _ in _SCRIPTS:
        found = counts.get(code, 0)
        if found >= MIN_SCRIPT_LETTERS and sum(counts.values()) * 2 > letters:
            return code
    return None


def judged_language(text: str) -> str | None:
    """The language ``text`` is written in when there is enough evidence to say, else None.

    English counts (any message of ``MIN_WORDS`` or more whose likeliest
    language is English): it tells that the customer writes English now.
    Another language needs confidence (``LanguageGuess.is_other_language``), on
    the whole message or on its longest clause. Short messages return None.
    """
    script = script_language(text)
    if script is not None:
        return script
    guess = guess_language(text)
    if guess.words < MIN_WORDS or guess.language is None:
        return None
    if guess.is_other_language:
        return guess.language
    clause = longest_clause(text)
    if clause.strip() != (text or "").strip():
        clause_guess = guess_language(clause)
        if clause_guess.is_other_language:
            return clause_guess.language
    return ENGLISH if guess.language == ENGLISH else None


def other_language(text: str) -> str | None:
    """The language of ``text`` when it is confidently not English, else None."""
    language = judged_language(text)
    return language if language not in (None, ENGLISH) else None


def language_name(code: str | None) -> str:
    """The English name of a language code, for agents ("de" -> "German")."""
    return LANGUAGE_NAMES.get(code or ENGLISH) or SCRIPT_NAMES.get(code or "", code or "English")
