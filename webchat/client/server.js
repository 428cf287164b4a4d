/*
 * server.js — the widget's calls to its own server (the web chat server), which
 * asks the inbox on its behalf with the service secret the browser never sees.
 *
 *   GET  api/sessions/<id>/status          the handoff as the inbox has it now:
 *        {state: "none"|"waiting"|"with_agent"|"closed", handoff_key, agent,
 *         queue_position, estimated_wait_seconds, agent_typing, closed_as}
 *   GET  api/sessions/<id>/events          server-sent events while a person is involved:
 *        agent_typing {agent} the moment the agent types (the status poll is the fallback)
 *   POST api/sessions/<id>/typing          the customer is typing (rate-limited)
 *   PUT  api/sessions/<id>/ratings/<rid>   {score: 1..5, comment?, handoff_key?}
 *
 * The session id is the conversation's secret (it also names the socket.io
 * room), so it is what authorises these calls. Every call may fail (server
 * down, no inbox configured): the chat goes on without it.
 */

class WidgetServer {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  url(sessionId, path) {
    return this.baseUrl + "api/sessions/" + encodeURIComponent(sessionId) + "/" + path;
  }

  /** The handoff status, or null when the server could not say. */
  status(sessionId) {
    return fetch(this.url(sessionId, "status"), { credentials: "omit", cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
  }

  /** The live events (an EventSource that reconnects by itself), or null without support. */
  events(sessionId) {
    if (typeof EventSource !== "function") return null;
    return new EventSource(this.url(sessionId, "events"));
  }

  typing(sessionId) {
    return this.post(sessionId, "typing", "POST", {});
  }

  rate(sessionId, ratingId, rating) {
    return this.post(sessionId, "ratings/" + encodeURIComponent(ratingId), "PUT", rating);
  }

  post(sessionId, path, method, body) {
    return fetch(this.url(sessionId, path), {
      method: method,
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then((response) => response.ok).catch(() => false);
  }
}
