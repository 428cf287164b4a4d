"""Agent inbox: the web service where people take over conversations from the bot.

Run with ``python -m inbox serve``. See docs/inbox.md for the API and pages, and
docs/architecture.md for the bot <-> inbox contract this package implements.
"""
