"""Facts the bot (``actions/``) and the inbox (``inbox/``) both need, with one home each.

The two services never import each other; what both must agree on lives here:
the store's clock, the order-number pattern, the handoff priorities and the
``UtcDateTime`` column type. Nothing here imports ``actions``, ``inbox`` or Rasa.
"""
