"""Offline tools of the order backend: the demo database seed (``python -m tools.orders.seed``)
and the stub order API the ``http`` backend is tested against (``python -m tools.orders.stub_api``).
Not part of the action server: rasa_sdk imports ``actions/`` whole at start-up.
"""
