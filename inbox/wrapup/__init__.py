"""Wrap-up notes: the proposed draft (``draft``), saving the agent's note (``store``), and
the endpoints (``routes``).
"""
