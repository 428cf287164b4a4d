"""Help desks a company already uses, both ways (docs/helpdesks.md).

Out: ``settings`` (environment) → ``events`` (what is sent, built once) → ``outbox``
(the ``forwards`` table) → ``worker.Forwarder`` (background delivery) → one module
per target: ``slack``, ``webhook``, ``chatwoot``, behind ``base.Target``.

In: ``desk_routes`` (the endpoints) → ``chatwoot_inbound`` / ``webhook_inbound``
(authenticate, read) → ``desk_actions`` (applied to the inbox's own state, delivered to
the customer like an inbox agent's reply). ``preflight`` checks the Chatwoot set-up.
"""
