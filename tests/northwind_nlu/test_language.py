"""The language detector on short customer messages (tests/data/language_samples.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from northwind_nlu import language
from northwind_nlu.language import (
    MIN_WORDS,
    count_words,
    guess_language,
    judged_language,
    language_name,
    longest_clause,
    other_language,
)

SAMPLES: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "language_samples.yml").read_text(
        encoding="utf-8"
    )
)
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")


def test_the_samples_cover_every_language_with_short_messages() -> None:
    assert set(SAMPLES) == set(language.SUPPORTED)
    for code, messages in SAMPLES.items():
        assert len(messages) >= 20, code
        assert sum(1 for text in messages if count_words(text) <= 3) >= 3, code


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_each_language_is_recognised_in_most_requests(code: str) -> None:
    requests = [text for text in SAMPLES[code] if count_words(text) >= MIN_WORDS]
    recognised = [text for text in requests if other_language(text) == code]
    # Measured 117/125 over all six; each language stays at 80 % or better.
    assert len(recognised) / len(requests) >= 0.8, sorted(set(requests) - set(recognised))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Wo ist meine Bestellung? Ich warte seit einer Woche.", "de"),
        ("Je voudrais annuler ma commande", "fr"),
        ("Quiero cancelar mi pedido", "es"),
        ("Vorrei annullare il mio ordine", "it"),
        ("Ik wil mijn bestelling annuleren", "nl"),
        ("Quero cancelar o meu pedido", "pt"),
    ],
)
def test_a_plain_request_in_each_language(text: str, code: str) -> None:
    assert other_language(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hi, ich habe eine Frage zu meiner Bestellung", "de"),
        ("hello, j'ai une question sur ma commande", "fr"),
        ("hi, tengo una pregunta sobre mi pedido", "es"),
        ("hello, ho una domanda sul mio ordine", "it"),
    ],
)
def test_an_english_greeting_before_another_language_is_the_other_language(
    text: str, code: str
) -> None:
    assert other_language(text) == code


def test_no_english_message_of_the_samples_is_taken_for_another_language() -> None:
    flagged = [text for text in SAMPLES["en"] if other_language(text)]
    assert flagged == []


@pytest.mark.parametrize(
    "text",
    [
        "my order from Zürich hasn't arrived",
        "My name is Jürgen Müller",
        "order 10377 for François Dupont",
        "Deliver to 12 Rue de Rivoli, Paris please",
        "is the Bella Donna dress in stock?",
        "my email is dana.whitfield@example.com and the postcode is SW1A 1AA",
        "I ordered from München last week, order 10482",
    ],
)
def test_english_with_foreign_names_and_addresses_stays_english(text: str) -> None:
    assert other_language(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "danke",
        "merci",
        "gracias",
        "ciao",
        "hola",
        "danke schön",
        "merci beaucoup",
        "muchas gracias",
        "Bestellung stornieren",
    ],
)
def test_one_and_two_word_messages_are_left_to_the_nlu(text: str) -> None:
    assert count_words(text) < MIN_WORDS
    assert judged_language(text) is None
    # The detector still has an opinion: only the decision waits for more words.
    assert guess_language(text).language is not None


@pytest.mark.parametrize(
    "text", ["", "   ", "10482", "😡😡😡", "🙏", "SW1A 1AA", "dana.whitfield@example.com", "?!"]
)
def test_nothing_to_judge_gives_no_language(text: str) -> None:
    assert judged_language(text) is None
    assert other_language(text) is None


def test_emoji_do_not_hide_the_language() -> None:
    assert other_language("Wo bleibt meine Bestellung?? 😡😡") == "de"
    with_emoji, without = (
        guess_language("Wo bleibt meine Bestellung?? 😡😡"),
        guess_language("Wo bleibt meine Bestellung??"),
    )
    assert (with_emoji.language, with_emoji.words) == (without.language, without.words)
    assert with_emoji.confidence == pytest.approx(without.confidence)
    assert other_language("where is my parcel?? 😡😡") is None


def test_a_confident_english_message_is_judged_english() -> None:
    assert judged_language("I would like to cancel my order please") == "en"


def test_words_are_letters_not_numbers_or_addresses() -> None:
    assert count_words("order 10482, postcode SW1A 1AA") == 2
    assert count_words("l'article est arrivé abîmé") == 4
    assert count_words("mail me at dana@example.com") == 3


def test_the_longest_clause_is_the_request() -> None:
    assert (
        longest_clause("hello, j'ai une question sur ma commande")
        == "j'ai une question sur ma commande"
    )


def test_agents_read_the_name_of_the_language() -> None:
    assert language_name("de") == "German"
    assert language_name("pt") == "Portuguese"
    assert language_name(None) == "English"


@pytest.mark.parametrize(
    "text, code",
    [
        ("أين طلبي؟", "ar"),
        ("איפה ההזמנה שלי?", "he"),
        ("我的订单在哪里？", "zh"),
        ("注文はどこですか", "ja"),
        ("제 주문은 어디에 있나요?", "ko"),
        ("Где мой заказ? 10482", "ru"),
        ("Πού είναι η παραγγελία μου;", "el"),
    ],
)
def test_a_script_no_supported_language_uses_is_another_language(text: str, code: str) -> None:
    # Once greeted in English ("Hi! I'm the Northwind Store assistant") as if nothing was said.
    assert judged_language(text) == code
    assert other_language(text) == code


def test_english_with_a_few_letters_of_another_script_stays_english() -> None:
    assert other_language("Привет! where is my order, I ordered it last week") is None
    assert other_language("my order for Łódź hasn't arrived yet") is None


def test_agents_read_the_script_when_the_language_is_only_guessed_from_it() -> None:
    assert language_name("ar") == "Arabic script"
    assert language_name("ja") == "Japanese"
