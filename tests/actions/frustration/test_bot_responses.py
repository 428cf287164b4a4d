"""The assistant's own responses and the detector's `bot_failure` signal agree.

The detector reads the bot's previous message for admissions of failure ("sorry",
"I couldn't find"). A response that only empathises or mentions a topic word
("your payment failed") would make the customer's next message look frustrated,
which once handed off a calm customer at their second message. So only responses
that really are the bot failing may match.
"""

from pathlib import Path

import yaml

from actions.frustration import get_detector

DOMAIN = Path(__file__).resolve().parents[3] / "domain.yml"
# The bot could not do what was asked, or did not understand: these may count.
FAILURES = {
    "utter_out_of_scope",
    "utter_default",
    "utter_clarify",
    "utter_clarify_again",
    "utter_order_not_found",
    "utter_verifier_mismatch",
    "utter_form_give_up",
    "utter_backend_down",
    "utter_cannot_cancel_shipped",
    "utter_no_refunds",
    # The parcel is later than promised and the bot says sorry (c8f69d6): the shop failed
    # its promise, so the next message may well be the customer's reaction to that.
    "utter_order_late",
    "utter_handoff_ack_bot_failed",
    "utter_handoff_ack_frustration",
    # Said by the channel screen when a message could not be read or stored.
    "utter_message_unreadable",
    "utter_message_retry",
}


def test_only_real_failures_read_as_the_bot_failing() -> None:
    analyzer = get_detector().analyzer
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    matching = {
        name
        for name, variants in responses.items()
        for variant in variants
        if analyzer.analyse_bot(variant.get("text") or "", 300).count("bot_failure")
    }
    assert matching - FAILURES == set(), "empathy or topic words read as failure; rephrase them"
    assert {"utter_default", "utter_order_not_found", "utter_backend_down"} <= matching
