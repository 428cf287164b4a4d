"""One handed-off conversation: the handoff and its messages (``handoffs``), what agents do
to it (``agent_actions``: claim, assign, reply, hand back, resolve), the outbox of calls to
Rasa that carries an agent's reply and the hand-back (``rasa_delivery``, ``rasa_client``),
live coaching and abuse masking (``coaching``, ``coaching_store``), and the API shapes
built from rows (``views``).
"""
