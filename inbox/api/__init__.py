"""JSON API routers: ``bot`` (shared secret), ``agent`` (session + CSRF), ``events`` (SSE)."""
