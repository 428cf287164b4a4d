"""Sentiment: negation, intensifiers, sarcasm."""

from actions.frustration.signals.sentiment import sentiment_signals


def signals(detector, text):
    return sentiment_signals(detector.analyzer.analyse(text))


def test_not_bad_is_not_negative(detector):
    hits = signals(detector, "not bad")
    assert hits["negative_sentiment"].value == 0
    assert hits["positive_sentiment"].value > 0


def test_really_not_happy_is_negative(detector):
    hits = signals(detector, "I'm really not happy")
    assert hits["negative_sentiment"].value >= 0.4
    assert "negative sentiment" in hits["negative_sentiment"].reason


def test_intensifier_makes_it_stronger(detector):
    plain = signals(detector, "I am not happy")["negative_sentiment"].value
    strong = signals(detector, "I am really not happy at all!!")["negative_sentiment"].value
    assert strong > plain


def test_sarcastic_praise_counts_as_negative(detector):
    hits = signals(detector, "great, just great, another delay")
    assert hits["negative_sentiment"].value >= 0.6
    assert hits["positive_sentiment"].value == 0
    assert hits["negative_sentiment"].reason.startswith("sarcastic praise")


def test_neutral_text_is_silent(detector):
    hits = signals(detector, "order 12345")
    assert hits["negative_sentiment"].value == 0 and hits["positive_sentiment"].value == 0
