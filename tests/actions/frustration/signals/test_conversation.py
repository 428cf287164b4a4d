"""Signals that depend on earlier turns: repetition, bot failure, NLU, forms, length."""

from actions.frustration.schema import TurnInput
from actions.frustration.signals import conversation
from actions.frustration.state import new_state


def state_after(detector, *texts):
    state = None
    for text in texts:
        _, state = detector.score_turn(TurnInput(text=text), state)
    return state


def test_repeating_the_same_request_is_detected(detector):
    state = state_after(detector, "where is my parcel with the blue shoes")
    analysis = detector.analyzer.analyse("where is my parcel with the blue shoes??")
    hit, repeat = conversation.repetition(analysis, TurnInput(text=""), state, detector.config)
    assert repeat and hit.value == 1.0 and "repeated the same request" in hit.reason


def test_a_rephrased_request_counts_a_little(detector):
    state = state_after(detector, "I want to return the blue running shoes I bought")
    analysis = detector.analyzer.analyse("how do I send back the blue running shoes")
    hit, repeat = conversation.repetition(analysis, TurnInput(text=""), state, detector.config)
    assert not repeat and 0 < hit.value < 1


def test_a_new_topic_is_not_repetition(detector):
    state = state_after(detector, "where is my parcel")
    analysis = detector.analyzer.analyse("what are your opening hours")
    hit, repeat = conversation.repetition(analysis, TurnInput(text=""), state, detector.config)
    assert hit.value == 0 and not repeat


def test_same_intent_again_counts_but_not_for_small_talk(detector):
    state = new_state()
    state["intents"] = ["order_status"]
    analysis = detector.analyzer.analyse("any news?")
    hit, repeat = conversation.repetition(
        analysis, TurnInput(text="", intent="order_status"), state, detector.config
    )
    assert repeat and "order_status" in hit.reason
    state["intents"] = ["affirm"]
    hit, repeat = conversation.repetition(
        analysis, TurnInput(text="", intent="affirm"), state, detector.config
    )
    assert not repeat


def test_bot_failure_and_its_streak(detector):
    matches = detector.analyzer.analyse_bot("Sorry, I couldn't find that order.", 300)
    first, streak = conversation.bot_failure(matches, 0)
    second, streak2 = conversation.bot_failure(matches, streak)
    assert first.value > 0 and streak == 1 and streak2 == 2
    assert second.value > first.value and "2 times in a row" in second.reason
    silent, reset = conversation.bot_failure(
        detector.analyzer.analyse_bot("Your order ships today.", 300), 2
    )
    assert silent.value == 0 and reset == 0


def test_fallbacks_and_low_confidence_streaks(detector):
    state = new_state()
    hit, fallbacks, streak = conversation.nlu_trouble(
        TurnInput(text="", is_fallback=True), state, detector.config
    )
    assert hit.value > 0 and fallbacks == 1 and streak == 1
    state["counters"]["low_conf_streak"] = 1
    low, _, streak = conversation.nlu_trouble(
        TurnInput(text="", confidence=0.2), state, detector.config
    )
    assert low.value > 0 and streak == 2 and "low NLU confidence" in low.reason
    sure, _, streak = conversation.nlu_trouble(
        TurnInput(text="", confidence=0.95), state, detector.config
    )
    assert sure.value == 0 and streak == 0


def test_only_new_form_failures_count():
    state = new_state()
    state["counters"]["form_failures"] = 2
    old, total = conversation.form_failure(TurnInput(text="", form_failures_total=2), state)
    assert old.value == 0 and total == 2
    new, total = conversation.form_failure(TurnInput(text="", form_failures_total=3), state)
    assert new.value > 0 and total == 3 and "3 failed attempts" in new.reason


def test_length_ramps_up_after_the_start(detector):
    start = detector.config.length_start
    assert conversation.length(start, detector.config).value == 0
    assert conversation.length(start + detector.config.length_span, detector.config).value == 1.0
