"""Analytics for admins: figures (``figures``), the page and its charts (``page``,
``bar_chart``), ``GET /api/v1/analytics`` (``routes``), and the bot's session reports
that feed them (``sessions_routes``, ``sessions_store``).
"""
