"""The language the customer writes in, judged on every message they type.

The turn scorer (actions/turn_scoring.py) calls ``language_slots`` after every
customer message, before the next action is predicted, so the rule in
data/rules/language.yml answers a message in another language in the same turn.
Detection runs there rather than in an NLU component that overrides the intent:
the NLU keeps its English intent (the frustration detector, the summary's goal
and the NLU tests read it unchanged), the Rasa server does not carry the
detector's ~200 MB, and the language lands in a slot the handoff summary reads.

``customer_language`` keeps the last language the customer was judged to write
in (a "danke" or a button press says nothing and leaves it as it was);
``writes_other_language`` is about this message only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from actions import names
from northwind_nlu.language import ENGLISH, judged_language


async def language_slots(text: str) -> dict[str, Any]:
    """Slot values for this message's language (detection runs off the event loop).

    The first call loads the detector's models (about a second, once per
    process); a worker thread keeps other conversations answering meanwhile.
    """
    if not text.strip() or text.startswith("/"):  # a button payload is not the customer's words
        return {names.SLOT_WRITES_OTHER_LANGUAGE: False}
    language = await asyncio.to_thread(judged_language, text)
    values: dict[str, Any] = {names.SLOT_WRITES_OTHER_LANGUAGE: language not in (None, ENGLISH)}
    if language is not None:
        values[names.SLOT_CUSTOMER_LANGUAGE] = language
    return values
