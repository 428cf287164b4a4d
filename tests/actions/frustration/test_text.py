"""Text cleaning: control characters, odd types, bounded prefix."""

from actions.frustration.text import clean_text


def test_control_and_zero_width_characters_are_removed():
    cleaned = clean_text("where\x00 is\u200b my\x1b order\ufeff", 100)
    assert cleaned.text == "where is my order"


def test_curly_apostrophes_become_straight():
    assert clean_text("you\u2019re useless", 100).text == "you're useless"


def test_long_text_is_cut_and_flagged():
    cleaned = clean_text("x" * 20_000, 1000)
    assert len(cleaned.text) == 1000
    assert cleaned.truncated and cleaned.original_length == 20_000


def test_none_and_numbers_become_text():
    assert clean_text(None, 10).text == ""
    assert clean_text(12345, 10).text == "12345"
    assert not clean_text("", 10).truncated
