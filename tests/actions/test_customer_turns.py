"""One answer to "did the customer type this?" for the scorer, the session report and the transcript."""

from __future__ import annotations

from actions.customer_turns import typed_by_customer
from tests.actions.conftest import bot, external, user


def test_typed_and_clicked_messages_are_the_customer_s() -> None:
    assert typed_by_customer(user("where is my order", "order_status"))
    assert typed_by_customer(user("/affirm", "affirm"))
    assert typed_by_customer(user("where is my order", "order_status")["parse_data"])


def test_what_the_inbox_or_rasa_sent_is_not() -> None:
    assert not typed_by_customer(external("agent_handback"))
    assert not typed_by_customer(external("agent_handback")["parse_data"])
    assert not typed_by_customer(user("/session_start", "session_start"))
    assert not typed_by_customer(user("/agent_handback", None))
    assert not typed_by_customer(user("EXTERNAL: agent_handback", None))
    assert not typed_by_customer(bot("Hello"))


def test_the_readers_share_it() -> None:
    from actions import turn_scoring
    from actions.handoff import session_report, transcript

    for module in (turn_scoring, session_report, transcript):
        assert module.typed_by_customer is typed_by_customer, module.__name__
