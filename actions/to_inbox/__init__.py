"""The bot's link to the inbox: everything the action server sends it, and how.

``client`` (the inbox's HTTP API, bearer ``HANDOFF_SECRET``), ``inbox_outbox`` (the
durable SQL outbox every item is written to first), ``delivery`` (deliver now within
the customer's time budget, else the background worker with the shared retry policy
of ``httpkit.retry``), ``settings`` (the link's environment). It never calls Rasa
back: the inbox un-pauses the bot. The handoff itself (what is sent) is ``actions.handoff``.
"""
