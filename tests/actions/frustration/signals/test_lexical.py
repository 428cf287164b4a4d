"""Word-list signals, each with the words it quotes."""

import pytest

from actions.frustration.signals.lexical import lexical_signals


def hit(detector, text, name):
    return lexical_signals(detector.analyzer.analyse(text))[name]


@pytest.mark.parametrize(
    "name, text, quoted",
    [
        ("abuse", "you stupid idiot", "you stupid"),
        ("profanity", "what a stupid website", "stupid"),
        ("profanity", "this is ridiculous", "ridiculous"),
        ("bot_complaint", "you're useless", "you're useless"),
        ("bot_complaint", "that's not what I asked", "that's not what I asked"),
        ("bot_complaint", "No, I said the blue one", "I said"),
        ("correction", "nope, the other one instead", "nope"),
        ("churn", "I'll cancel my account", "I'll cancel"),
        ("churn", "I'm going to a competitor", "going to a competitor"),
        ("time_pressure", "for the third time, where is it", "for the third time"),
        ("time_pressure", "still waiting for my refund", "still waiting"),
        ("time_pressure", "it has been two weeks", "two weeks"),
        ("request_human", "is there a real person", "is there a real person"),
        ("request_human", "let me speak to someone", "speak to someone"),
    ],
)
def test_signal_fires_and_quotes_the_words(detector, name, text, quoted):
    result = hit(detector, text, name)
    assert result.value > 0
    assert f"'{quoted}'" in result.reason


def test_more_hits_mean_a_stronger_signal(detector):
    once = hit(detector, "you idiot", "abuse").value
    twice = hit(detector, "you idiot, stupid bot", "abuse").value
    assert 0 < once < twice <= 1


def test_calm_request_fires_nothing(detector):
    hits = lexical_signals(detector.analyzer.analyse("Hi, can you tell me the delivery options?"))
    assert all(h.value == 0 for h in hits.values())


def test_negation_is_silent_in_praise_but_not_in_disagreement(detector):
    assert hit(detector, "not bad at all, thanks", "negation").value == 0
    assert hit(detector, "no, I don't want that one", "negation").value > 0


@pytest.mark.parametrize(
    "name, text",
    [
        ("churn", "ich werde mein konto kündigen"),
        ("request_human", "je veux parler à quelqu'un"),
        ("abuse", "esto es una mierda"),
        ("time_pressure", "ich warte seit zwei Wochen, immer noch nichts"),
    ],
)
def test_other_languages_use_their_word_lists(detector, name, text):
    assert hit(detector, text, name).value > 0


def test_a_language_can_be_switched_off(make_detector):
    english_only = make_detector({"languages": ["en"]})
    assert (
        lexical_signals(english_only.analyzer.analyse("ich werde mein konto kündigen"))[
            "churn"
        ].value
        == 0
    )


@pytest.mark.parametrize(
    "text",
    [
        "Have you seen Crazy, Stupid, Love?",
        "I liked The Mist",
        "a one star hotel",
        "Call Me by Your Name",
    ],
)
def test_titles_and_ratings_are_not_abuse_churn_or_requests(detector, text):
    hits = lexical_signals(detector.analyzer.analyse(text))
    assert (
        hits["abuse"].value == 0 and hits["churn"].value == 0 and hits["request_human"].value == 0
    )
