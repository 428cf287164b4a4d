"""The queue of handoffs: a handoff arriving from the bot (``bot_routes``), the queue and
search for agents (``routes``), its data access (``store``), figures and business hours
(``hours``), and the shared answer cache (``cache``).
"""
