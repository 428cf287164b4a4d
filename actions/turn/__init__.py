"""The jobs of the turn scorer (actions/turn_scoring.py), one module each.

``frustration`` scores the message and keeps the timeline, ``escalation`` turns
the score into the handoff slots, ``relay`` sends the message to the person who
owns the conversation. The language (actions/customer_language.py) and the
analytics report (actions/handoff/session_report.py) have their own modules.
"""
