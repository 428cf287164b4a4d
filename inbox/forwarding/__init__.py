"""Forwarding handoffs to helpdesks a company already uses (docs/forwarding.md).

``settings`` (environment) → ``events`` (what is sent, built once) → ``outbox``
(the ``forwards`` table) → ``worker.Forwarder`` (background delivery) → one module
per target: ``slack``, ``webhook``, ``chatwoot``, behind ``base.Target``.
"""
