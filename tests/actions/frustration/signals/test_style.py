"""Shouting, punctuation and angry emoji."""

from actions.frustration.signals.style import style_signals


def hits(detector, text):
    return style_signals(detector.analyzer.analyse(text), detector.config.angry_emoji)


def test_whole_message_in_capitals_is_shouting(detector):
    assert hits(detector, "WHERE IS MY ORDER")["shouting"].value == 1.0


def test_a_short_word_or_an_order_code_is_not_shouting(detector):
    assert hits(detector, "OK")["shouting"].value == 0
    assert hits(detector, "my order is ORD-12345, thanks")["shouting"].value == 0


def test_repeated_punctuation(detector):
    result = hits(detector, "where is it???")["punctuation"]
    assert result.value > 0 and "???" in result.reason
    assert hits(detector, "where is it?")["punctuation"].value == 0


def test_emoji_only_message(detector):
    result = hits(detector, "😡😡😡")["angry_emoji"]
    assert result.value >= 0.9 and "😡" in result.reason
    assert hits(detector, "thanks 😊")["angry_emoji"].value == 0


def test_emoticons_count(detector):
    assert hits(detector, "still nothing :(")["angry_emoji"].value > 0
