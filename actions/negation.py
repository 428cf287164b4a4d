"""Does a message that reads as "cancel it" / "return it" actually say no?

NLU classifies "don't cancel it" as ``cancel_order`` with near certainty: the
words that matter are the ones a bag of words weighs least. While the bot waits
for a yes to something it cannot undo, a message that takes the request back is
never taken as that yes (actions/orders.py, ActionConfirmPending). Only a no
that opens the message or governs the verb counts, so "I don't need it any
more, cancel it" and "return it, it's not the right size" stay a yes.
"""

from __future__ import annotations

import re

_VERB = r"(?:cancel|return|send (?:it|them) back|refund)"
_TAKEN_BACK = re.compile(
    r"^\W*(?:no(?! problem| worries)|nope|nah|hold on|hang on)\b"  # "no, …" opens the answer
    r"|^\W*(?:do n't|do not|don't)\W*$"
    rf"|\b(?:n't|not|never|no longer|no) (?:[\w']+ ){{0,3}}{_VERB}"  # "don't want it cancelled"
    r"|\bnever ?mind\b|\bchanged? (?:my|our) minds?\b"
    r"|\bkeep (?:it|them|the order|my order|the parcel|the items?)\b"
)


def says_no(text: str | None) -> bool:
    """True when the message takes back or refuses the action it names."""
    if not text:
        return False
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    lowered = re.sub(r"\bdont\b", "don't", lowered)
    lowered = re.sub(r"n't\b", " n't", lowered)  # "don't cancel" -> "do n't cancel"
    return bool(_TAKEN_BACK.search(lowered))
