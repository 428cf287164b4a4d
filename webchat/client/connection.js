/*
 * connection.js — the socket.io link to Rasa's socketio channel.
 *
 * Protocol (credentials.yml `socketio`, session_persistence: true):
 *   → session_request {session_id}      after every (re)connect: joins the room
 *   ← session_confirm "<session_id>"    the room is joined; now messages may go
 *   → user_uttered {message, session_id, metadata}   acknowledged by Rasa once
 *                                        the message has been handled
 *   ← bot_uttered {text} | {text, quick_replies} | {attachment} | custom payload
 *
 * Nothing a customer writes may be lost: every message stays in the persisted
 * outbox until Rasa acknowledges it. Messages written while offline wait there
 * and go out, in order, after the next session_confirm; so do messages whose
 * acknowledgement was cut off by a disconnect (at-least-once delivery: a message
 * that reached Rasa just before the connection dropped is sent a second time).
 */

const STATUS = { IDLE: "idle", CONNECTING: "connecting", ONLINE: "online", OFFLINE: "offline" };

class Connection {
  /**
   * @param {object} options
   *   url, path      where Rasa's socket.io endpoint is
   *   store          ChatStore (session id and outbox)
   *   onStatus(s)    connection status changed (STATUS.*)
   *   onBotMessage(payload)   a bot_uttered event
   *   onSending(id)  a queued message was handed to the socket
   *   onDelivered(id)         Rasa acknowledged message `id`
   */
  constructor(options) {
    this.options = options;
    this.store = options.store;
    this.socket = null;
    this.ready = false;          // session confirmed on the current socket
    this.generation = 0;         // bumps on every disconnect: late acks of an old socket are ignored
    this.inflight = new Set();   // outbox ids emitted on the current socket, not yet acknowledged
  }

  get started() { return this.socket !== null; }

  start() {
    if (this.socket) return;
    const socket = io(this.options.url, {
      path: this.options.path,
      // WebSocket first (no CORS preflights), long-polling when a proxy blocks it.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
    });
    this.socket = socket;
    this.options.onStatus(STATUS.CONNECTING);

    socket.on("connect", () => {
      socket.emit("session_request", { session_id: this.store.state.sessionId });
    });
    socket.on("session_confirm", (sessionId) => {
      // Rasa echoes the id it used; it is ours unless the server replaced an unusable one.
      if (typeof sessionId === "string" && sessionId && sessionId !== this.store.state.sessionId) {
        this.store.set({ sessionId: sessionId });
      }
      this.ready = true;
      this.options.onStatus(STATUS.ONLINE);
      this.flush();
    });
    socket.on("bot_uttered", (payload) => this.options.onBotMessage(payload));
    socket.on("disconnect", (reason) => {
      this.markOffline();
      // The server closed the socket on purpose: socket.io does not retry by itself then.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", () => this.markOffline());
  }

  markOffline() {
    this.ready = false;
    this.generation += 1;
    this.inflight.clear();
    this.options.onStatus(STATUS.OFFLINE);
  }

  /** Queue a customer message; it is sent now when possible, later otherwise. */
  send(id, message) {
    this.store.state.outbox.push({ id: id, message: message });
    this.store.save();
    if (!this.socket) this.start();
    this.flush();
  }

  /** Emit every outbox message not already on its way over the current socket, in order. */
  flush() {
    if (!this.ready) return;
    const generation = this.generation;
    this.store.state.outbox.forEach((item) => {
      if (this.inflight.has(item.id)) return;
      this.inflight.add(item.id);
      this.options.onSending(item.id);
      this.socket.emit("user_uttered", {
        message: item.message,
        session_id: this.store.state.sessionId,
        metadata: { client_message_id: item.id },
      }, () => this.acknowledged(item.id, generation));
    });
  }

  acknowledged(id, generation) {
    if (generation !== this.generation) return; // a stale socket; the message is re-sent anyway
    this.inflight.delete(id);
    this.store.set({ outbox: this.store.state.outbox.filter((item) => item.id !== id) });
    this.options.onDelivered(id);
  }
}
