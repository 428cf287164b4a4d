"""An agent driving the inbox's JSON API, as the inbox pages do (session cookie + CSRF)."""

from __future__ import annotations

from typing import Any

import httpx


class AgentClient:
    """Log in once, then claim, reply, hand back."""

    def __init__(self, inbox_url: str, username: str, password: str) -> None:
        self.http = httpx.Client(base_url=inbox_url, timeout=20)
        response = self.http.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        response.raise_for_status()
        self.csrf = response.json()["csrf_token"]

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})
        response.raise_for_status()
        return response.json()

    def set_available(self, available: bool = True) -> dict[str, Any]:
        return self._post("/api/v1/me/availability", {"available": available})

    def queue(self) -> dict[str, Any]:
        response = self.http.get("/api/v1/queue")
        response.raise_for_status()
        return response.json()

    def conversation(self, key: str) -> dict[str, Any]:
        response = self.http.get(f"/api/v1/handoffs/{key}")
        response.raise_for_status()
        return response.json()

    def claim(self, key: str) -> dict[str, Any]:
        return self._post(f"/api/v1/handoffs/{key}/claim")

    def reply(self, key: str, text: str) -> dict[str, Any]:
        return self._post(f"/api/v1/handoffs/{key}/replies", {"text": text})

    def hand_back(
        self, key: str, resolution: str = "", customer_message: str = ""
    ) -> dict[str, Any]:
        """``resolution`` is the internal note; only ``customer_message`` reaches the customer."""
        return self._post(
            f"/api/v1/handoffs/{key}/handback",
            {"resolution": resolution, "customer_message": customer_message},
        )

    def resolve(self, key: str, note: str = "", customer_message: str = "") -> dict[str, Any]:
        return self._post(
            f"/api/v1/handoffs/{key}/resolve", {"note": note, "customer_message": customer_message}
        )

    def customer_texts(self, key: str) -> list[str]:
        """Customer messages the inbox received after the handoff, in order."""
        return [
            m["text"]
            for m in self.conversation(key).get("messages", [])
            if m.get("sender") == "customer"
        ]

    def close(self) -> None:
        self.http.close()
