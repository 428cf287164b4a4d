"""The detector end to end: trend, escalation rules, explanations, state, bad input."""

import json

import pytest

from actions.frustration import TurnInput, get_detector
from tests.actions.frustration.helpers import run_conversation

CALM_WITH_ONE_MILD_WORD = [
    "Hi, I'd like to check my order status",
    "It's order 12345",
    "Hmm, that's a bit annoying, but ok",
    "Thanks, when will it arrive?",
    "Great, thank you!",
]
STEADY_RISE = [
    "Hi, where is my order 12345?",
    "It still hasn't arrived, it's been a week",
    "This is really frustrating, nobody tells me anything",
    "I'm getting really annoyed now, this is unacceptable",
    "Seriously?? This is the worst service ever",
]


def test_get_detector_is_cached_per_process():
    assert get_detector() is get_detector()


def test_a_mild_negative_word_does_not_escalate_a_calm_conversation(detector):
    results, _ = run_conversation(detector, CALM_WITH_ONE_MILD_WORD)
    assert not any(r.escalate for r in results)
    assert results[-1].level == "calm"


def test_a_steady_rise_escalates_on_frustration(detector):
    results, state = run_conversation(detector, STEADY_RISE)
    escalated = [r for r in results if r.escalate]
    assert escalated and escalated[0].trigger == "frustration"
    assert results[0].escalate is False
    assert results[3].score > results[0].score and results[3].trend > 0
    assert state["escalated_turn"] == escalated[0].turn


@pytest.mark.parametrize(
    "text, trigger",
    [
        ("can I talk to a real person please", "request"),
        ("you stupid idiot", "abuse"),
        ("that's it, I'll cancel my account", "churn"),
    ],
)
def test_request_abuse_and_churn_escalate_at_once(detector, make_detector, text, trigger):
    result, _ = detector.score_turn(TurnInput(text=text), None)
    assert result.escalate and result.trigger == trigger
    assert result.explanation
    switched_off = make_detector({"escalate_at_once": {trigger: False}})
    result, _ = switched_off.score_turn(TurnInput(text=text), None)
    assert result.trigger != trigger


def test_repeated_form_failures_escalate(detector):
    state = None
    results = []
    for total in (1, 2, 3):
        result, state = detector.score_turn(
            TurnInput(text="12345", form_failures_total=total), state
        )
        results.append(result)
    assert results[-1].escalate and results[-1].trigger == "repeated_failure"
    assert "3 failed attempts" in results[-1].explanation
    assert not results[0].escalate


def test_repeated_failure_can_be_switched_off(make_detector):
    det = make_detector(
        {
            "escalation": {"repeated_failure": 0},
            "model": {"thresholds": {"escalate": 1.0, "frustrated": 1.0}},
        }
    )
    state = None
    for total in (1, 2, 3, 4):
        result, state = det.score_turn(TurnInput(text="12345", form_failures_total=total), state)
    assert result.trigger != "repeated_failure"


@pytest.mark.parametrize(
    "text",
    [
        "this is ridiculous, it was supposed to arrive days ago. I want a person",
        "get me a real agent",
        "I need a human",
        "give me a manager",
    ],
)
def test_asking_for_a_person_without_talk_to_is_a_request(detector, text):
    """Found in the running product: a complaint that ends "I want a person" (NLU: complaint)
    got the complaint answer and no person. Asking for one is a request, whatever the intent."""
    result, _ = detector.score_turn(TurnInput(text=text, intent="complaint"), None)
    assert result.escalate and result.trigger == "request"


@pytest.mark.parametrize("text", ["I want a refund", "I need a new address", "get a parcel"])
def test_wanting_something_else_is_not_a_request_for_a_person(detector, text):
    result, _ = detector.score_turn(TurnInput(text=text), None)
    assert result.trigger != "request"


def test_explanation_reads_like_the_issue_example(detector):
    state = None
    for total, text in (
        (1, "12345"),
        (2, "it is 12345"),
        (3, "I told you, 12345. is there a real person?"),
    ):
        result, state = detector.score_turn(TurnInput(text=text, form_failures_total=total), state)
    assert result.trigger == "request"
    assert (
        "3 failed attempts" in result.explanation and "is there a real person" in result.explanation
    )


def test_result_fields_and_signals(detector):
    result, _ = detector.score_turn(TurnInput(text="WHY is this STILL not fixed?!?! 😡"), None)
    assert 0.0 <= result.score <= 1.0
    assert result.level in ("calm", "annoyed", "frustrated")
    assert {"shouting", "punctuation", "angry_emoji", "time_pressure"} <= set(result.signals)


def test_levels_follow_the_thresholds(make_detector):
    det = make_detector({"model": {"thresholds": {"annoyed": 0.0, "frustrated": 0.0}}})
    result, _ = det.score_turn(TurnInput(text="hello"), None)
    assert result.level == "frustrated"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😡",
        "🙂🙂",
        "Где мой заказ? Уже две недели!",
        "我的订单在哪里",
        "\x00\x07\x1b[31m",
        "مرحبا",
        "a" * 20_000,
    ],
)
def test_bad_input_gets_a_score_and_no_crash(detector, text):
    result, state = detector.score_turn(TurnInput(text=text), None)
    assert 0.0 <= result.score <= 1.0
    assert json.dumps(state)


def test_long_message_says_it_was_cut(detector):
    result, _ = detector.score_turn(TurnInput(text="where is my order " * 2000), None)
    assert any("analysed the first" in r for r in result.reasons)
    assert "analysed the first" in result.explanation


def test_state_is_json_bounded_and_not_mutated(detector):
    _, state = run_conversation(detector, ["where is my order?"] * 3)
    before = json.dumps(state, sort_keys=True)
    _, after = detector.score_turn(TurnInput(text="still nothing"), state)
    assert json.dumps(state, sort_keys=True) == before
    for _ in range(80):
        _, after = detector.score_turn(TurnInput(text="x " * 400), after)
    assert "timeline" not in after  # the timeline has its own slot; the state stays flat
    assert len(json.dumps(after)) < 2_000


def test_garbage_state_is_replaced(detector):
    result, state = detector.score_turn(
        TurnInput(text="hi"), {"v": 1, "turns": "x", "scores": "nope"}
    )
    assert result.turn == 1 and state["turns"] == 1


def test_reset_after_handback_keeps_the_record_and_clears_the_trend(detector):
    _, state = run_conversation(detector, STEADY_RISE)
    state_fail = dict(state, counters=dict(state["counters"], form_failures=2))
    fresh = detector.reset_state(state_fail, reason="handback")
    assert fresh["turns"] == state["turns"]
    assert fresh["scores"] == [] and fresh["carry"] == 0 and fresh["counters"]["repeats"] == 0
    assert fresh["counters"]["form_failures"] == 2 and fresh["handbacks"] == 1
    result, after = detector.score_turn(
        TurnInput(text="ok thanks, that's sorted", form_failures_total=2), fresh
    )
    assert not result.escalate and result.turn == len(STEADY_RISE) + 1
    assert after["turns"] == len(STEADY_RISE) + 1


def test_angry_customer_who_calms_down_goes_back_to_calm(detector):
    results, _ = run_conversation(
        detector,
        [
            "this is ridiculous, my parcel is lost!!",
            "ok, that makes sense",
            "great, thank you so much",
            "perfect, thanks",
        ],
    )
    assert results[0].level != "calm"
    assert results[-1].level == "calm" and results[-1].trend < 0


def test_request_human_intent_escalates_even_without_a_known_phrase(detector):
    result, _ = detector.score_turn(
        TurnInput(text="get me somebody who can actually help", intent="request_human"), None
    )
    assert result.escalate and result.trigger == "request"
    assert "intent 'request_human'" in result.explanation


def test_odd_types_from_a_channel_do_not_crash(detector):
    odd = TurnInput(
        text=None, intent=42, confidence="high", form_failures_total="x", previous_bot_text=123
    )  # type: ignore[arg-type]
    result, state = detector.score_turn(odd, None)
    assert 0.0 <= result.score <= 1.0 and json.dumps(state)


def test_result_reports_the_conversation_counters(detector):
    state = None
    for _ in range(2):
        result, state = detector.score_turn(
            TurnInput(text="blorp", is_fallback=True, form_failures_total=1), state
        )
    assert result.counters["fallbacks"] == 2 and result.counters["form_failures"] == 1


def test_a_problem_described_in_the_first_message_is_not_disagreement(detector, make_detector):
    first, state = detector.score_turn(
        TurnInput(text="My parcel hasn't arrived, it's not here yet"), None
    )
    assert "negation" not in first.signals and "correction" not in first.signals
    assert first.level == "calm"
    later, _ = detector.score_turn(
        TurnInput(text="No, that's not what I asked", previous_bot_text="It was shipped."), state
    )
    assert later.signals.get("negation", 0) > 0 and later.signals.get("correction", 0) > 0
    from_start = make_detector({"disagreement_from_turn": 1})
    counted, _ = from_start.score_turn(
        TurnInput(text="My parcel hasn't arrived, it's not here yet"), None
    )
    assert counted.signals.get("negation", 0) > 0


ANYTHING_ELSE = "Your order 10482 is in transit and arrives tomorrow. Is there anything else I can help you with?"


@pytest.mark.parametrize("answer", ["no", "Nope, that is it", "no thanks, all good"])
def test_no_to_anything_else_is_an_answer_not_disagreement(detector, answer):
    _, state = detector.score_turn(TurnInput(text="Where is my order 10482?"), None)
    result, _ = detector.score_turn(TurnInput(text=answer, previous_bot_text=ANYTHING_ELSE), state)
    assert result.level == "calm"
    assert not {"negation", "correction", "negative_sentiment"} & set(result.signals)


@pytest.mark.parametrize(
    "answer, bot_text",
    [
        ("no, that's not what I asked", ANYTHING_ELSE),  # a complaint in the answer still counts
        ("no", "Your order 10482 is in transit."),  # no closing question: "no" rejects the answer
        ("No, I don't want this one", "Would you like the blue one instead?"),  # declining an offer
    ],
)
def test_no_still_counts_when_it_rejects_something(detector, answer, bot_text):
    _, state = detector.score_turn(TurnInput(text="Where is my order 10482?"), None)
    result, _ = detector.score_turn(TurnInput(text=answer, previous_bot_text=bot_text), state)
    assert result.signals.get("negation", 0) > 0


SHALL_I_CANCEL = (
    "Order 10482 hasn't shipped yet, so I can cancel it. You'd get a full refund of £89.00 to "
    "your original payment method. Shall I cancel it?"
)
SHALL_I_RETURN = "Order 10482 is within our 30-day return window. Shall I start a return for it?"


@pytest.mark.parametrize(
    "answer, bot_text",
    [
        ("hmm, no dont", SHALL_I_CANCEL),
        ("no, leave it", SHALL_I_CANCEL),
        ("actually cancel it instead", SHALL_I_RETURN),
        ("wait no, not yet", SHALL_I_RETURN),
    ],
)
def test_changing_your_mind_when_the_bot_asks_leave_to_act_is_calm(detector, answer, bot_text):
    """Tried as a customer: "hmm, no dont" to "Shall I cancel it?" scored 0.85 frustrated and
    the bot answered "That sounds really frustrating". Declining to go ahead with one's own
    request rejects nothing the bot did."""
    _, state = detector.score_turn(TurnInput(text="I'd like to cancel order 10482"), None)
    result, _ = detector.score_turn(TurnInput(text=answer, previous_bot_text=bot_text), state)
    assert result.level == "calm"
    assert not {"negation", "correction", "negative_sentiment", "emotion_negative"} & set(
        result.signals
    )


def test_an_angry_no_to_a_permission_question_still_counts(detector):
    _, state = detector.score_turn(TurnInput(text="I'd like to cancel order 10482"), None)
    result, _ = detector.score_turn(
        TurnInput(
            text="NO. I told you twice already, I want a refund, not this nonsense",
            previous_bot_text=SHALL_I_CANCEL,
        ),
        state,
    )
    assert result.signals.get("correction", 0) > 0
    assert result.level == "frustrated"


def test_one_wrong_answer_in_a_form_and_its_correction_do_not_escalate(detector):
    # The form asks again after a mismatch: the same question is not "the bot repeating itself".
    ask = "Thanks. To keep your details safe, what's the email address or the delivery postcode on order 10501?"
    turns = [
        TurnInput(text="cancel my order please"),
        TurnInput(text="10501", previous_bot_text="What's your order number?"),
        TurnInput(text="siobhan@example.com", previous_bot_text=ask),
        TurnInput(text="BT9 6AA", previous_bot_text=ask, form_failures_total=1),
    ]
    state = None
    for turn in turns:
        result, state = detector.score_turn(turn, state)
    assert not result.escalate
    assert "bot_failure" not in result.signals and result.signals.get("form_failure", 0) > 0
