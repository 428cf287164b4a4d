"""The clarification step: likeliest meanings as buttons, then a person."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify, fallbacks_in_a_row, suggestions
from tests.actions.conftest import DOMAIN, action, bot, make_tracker, message_for, responses, user


def fallback(text: str, ranking: list) -> dict:
    return user(
        text, "nlu_fallback", 0.3, ranking=[{"name": "nlu_fallback", "confidence": 0.3}, *ranking]
    )


RANKING = [
    {"name": "greet", "confidence": 0.25},
    {"name": "order_status", "confidence": 0.22},
    {"name": "thank", "confidence": 0.2},
    {"name": "refund_status", "confidence": 0.15},
    {"name": "return_item", "confidence": 0.1},
]


def test_suggestions_skip_chit_chat_and_keep_order() -> None:
    buttons = suggestions(RANKING)
    assert [b["payload"] for b in buttons] == ["/order_status", "/refund_status"]


def test_suggestions_are_plain_words() -> None:
    for button in suggestions(RANKING):
        assert not button["title"].startswith("/") and "_" not in button["title"]
        assert "{" not in button["title"]  # never the "with an order number" template
    assert "order" in suggestions(RANKING)[0]["title"].lower()


def test_low_confidence_and_unknown_intents_are_not_offered() -> None:
    ranking = [
        {"name": "request_human", "confidence": 0.5},
        {"name": "order_status", "confidence": 0.07},
        {"name": "nlu_fallback", "confidence": 0.9},
        {"name": "shipping_costs", "confidence": 0.08},
    ]
    assert [b["payload"] for b in suggestions(ranking)] == ["/shipping_costs"]


def test_suggestions_limit() -> None:
    assert len(suggestions(RANKING, limit=1)) == 1
    assert suggestions([]) == []


def test_fallbacks_in_a_row_counts_back_to_the_last_understood_message() -> None:
    tracker = make_tracker(
        [
            fallback("a", []),
            user("where is my order", "order_status"),
            bot("…"),
            fallback("b", []),
            action("action_clarify"),
            fallback("c", []),
        ]
    )
    assert fallbacks_in_a_row(tracker) == 2
    assert fallbacks_in_a_row(make_tracker([user("hi", "greet")])) == 0


async def test_first_fallback_offers_the_likeliest_meanings(
    dispatcher: CollectingDispatcher,
) -> None:
    tracker = make_tracker([user("hi", "greet"), bot("Hi!"), fallback("wheres my stuff", RANKING)])
    assert await ActionClarify().run(dispatcher, tracker, DOMAIN) == []
    assert responses(dispatcher) == ["utter_clarify"]
    buttons = message_for(dispatcher, "utter_clarify")["buttons"]
    assert [b["payload"] for b in buttons] == [
        "/order_status",
        "/refund_status",
        "/deny",
        "/request_human",
    ]
    assert buttons[-1]["title"] == "Talk to a person"


async def test_nothing_likely_gives_the_default_answer(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker([fallback("blah", [{"name": "greet", "confidence": 0.6}])])
    await ActionClarify().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_default"]


async def test_second_fallback_in_a_row_offers_a_person(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        [fallback("blah", RANKING), bot("Did you mean…"), fallback("blah blah", RANKING)]
    )
    await ActionClarify().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_clarify_again"]
    payloads = [b["payload"] for b in DOMAIN["responses"]["utter_clarify_again"][0]["buttons"]]
    assert "/request_human" in payloads


def test_button_titles_speak_to_the_customer() -> None:
    titles = [
        b["title"]
        for b in suggestions(
            [
                {"name": n, "confidence": 0.5}
                for n in ("order_status", "refund_status", "edit_account", "delete_account")
            ],
            4,
        )
    ]
    assert not any(" their " in f" {title} " for title in titles), titles
