/*
 * widget.js — wires store, connection and view together; entry point.
 *
 * Embedding (one tag, attributes optional):
 *   <script src="https://chat.example/widget.js" data-rasa-url="https://bot.example" defer></script>
 *   data-rasa-url     Rasa's origin (default: /config.json of the widget's server)
 *   data-socket-path  socket.io path (default /socket.io)
 *   data-title        panel title
 *   data-storage-key  localStorage key (default "northwind-chat")
 *
 * Handoff markers (docs/architecture.md, "Handoff markers on the website chat"):
 * a bot message's text arrives first, then — on the same socket, right after —
 * a custom payload {handoff: {kind, agent}} describing it:
 *   agent_joined   the text is "<name> has joined…": shown as the notice
 *                  "<name> from our team has joined"; the header names them
 *   agent_message  the text is the agent's reply: labelled with their name
 *   bot_back       the text is the bot's return line: preceded by the notice
 *                  "You're back with the assistant"
 *   queued         the bot is bringing in a person: the header says so
 * Without markers everything still shows, as from the assistant.
 */

// Rasa emits a bot event's text parts (split at blank lines) and then its marker
// back to back, so a marker describes the last text received and, while the bot
// is paused for a person (nothing else speaks then), the other parts of the same
// burst (each within BURST_MS of the next). While the bot is active only the last
// text is relabelled: a bot reply just before an agent line must stay the bot's.
const BURST_MS = 150;
const TYPING_TIMEOUT_MS = 20000;  // hide the typing dots even if the bot stays silent
const ANNOUNCE_DELAY_MS = 250;    // wait for a marker before reading a bot message out
// While a person is asked for or answers: how often the widget asks its server for the
// handoff's state (queue position, expected wait, closed, "is typing"). See server.js.
const STATUS_POLL_MS = 3000;
const TYPING_SEND_EVERY_MS = 3000; // the customer's "is typing" reaches the agent at most this often
// "Sam is typing…" pushed by the server's live events shows this long after the last signal
// (as long as the inbox counts one, inbox/widget/typing.py); the status poll is the fallback.
const AGENT_TYPING_SHOW_MS = 6000;
// After a marker, an inbox that does not know the handoff yet is not believed for this long
// (the bot says "a person will join" while the handoff is still on its way to the inbox).
const MARKER_GRACE_MS = 30000;
const RATING_THANKS = "Thanks for your feedback";

const script = document.currentScript || document.querySelector("script[src*='widget.js']");

class NorthwindChat {
  constructor(config) {
    this.config = config;
    this.store = new ChatStore(config.storageKey);
    this.run = [];               // [{id, at}] bot texts since the last marker or customer message
    this.typingTimer = null;
    this.announceQueue = [];
    this.announceTimer = null;
    this.server = new WidgetServer(config.baseUrl);
    this.pollTimer = null;
    this.polling = false;
    this.markerAt = 0;            // when the last handoff marker arrived
    this.lastTypingSent = 0;
    this.events = null;           // the server's live events while a person is involved
    this.eventsSession = null;
    this.agentTypingTimer = null;
    this.agentTypingUntil = 0;    // a pushed "is typing" holds until then (a poll may lag it)

    const host = el("div");
    host.id = "northwind-chat";
    document.body.appendChild(host);
    this.view = new ChatView(host, {
      title: config.title,
      stylesheetUrl: config.baseUrl + "static/widget.css",
      onOpen: () => this.open(true),
      onClose: () => this.close(),
      onSend: (text) => this.sendText(text, text),
      onQuickReply: (messageId, reply) => this.useQuickReply(messageId, reply),
      onTyping: () => this.customerTyping(),
      onEndChat: () => this.endChat(),
      onRate: (score, comment) => this.rate(score, comment),
      onRatingDone: (rated) => this.ratingDone(rated),
    });
    this.connection = new Connection({
      url: config.rasaUrl,
      path: config.socketPath,
      store: this.store,
      onStatus: (status) => this.statusChanged(status),
      onBotMessage: (payload) => this.receive(payload),
      onSending: (id) => this.setMessageStatus(id, "sending"),
      onDelivered: (id) => this.delivered(id),
    });
    this.restore();
  }

  /** Show what the customer saw before the reload, and reconnect if a conversation is going on. */
  restore() {
    const state = this.store.state;
    // Anything not acknowledged is still in the outbox: show it as waiting until it goes out.
    const pending = new Set(state.outbox.map((item) => item.id));
    state.history.forEach((m) => { if (m.role === "user") m.status = pending.has(m.id) ? "queued" : "sent"; });
    this.view.renderAll(state.history);
    this.showMode();
    this.view.setUnread(state.unread || 0);
    this.view.setCanEnd(this.store.customerHasSpoken());
    if (state.pendingRating) this.view.askRating(state.pendingRating.agent);
    if (state.open) this.view.open(false);
    if (this.store.hasConversation()) this.connection.start();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.store.state.mode !== MODE.BOT) this.refreshStatus();
    });
  }

  showMode() {
    const state = this.store.state;
    this.view.setMode(state.mode, state.agentName, state.queue);
    this.watchEvents();
  }

  /** Listen to the server's live events while a person is asked for or answers. */
  watchEvents() {
    const state = this.store.state;
    const wanted = state.mode !== MODE.BOT ? state.sessionId : null;
    if (this.events && this.eventsSession === wanted) return;
    if (this.events) this.events.close();
    this.events = wanted ? this.server.events(wanted) : null;
    this.eventsSession = wanted;
    if (this.events) {
      this.events.addEventListener("agent_typing", (event) => this.agentTypingPushed(event.data));
    }
  }

  /** "Sam is typing…" the moment the inbox says so, hidden again after AGENT_TYPING_SHOW_MS. */
  agentTypingPushed(data) {
    const state = this.store.state;
    if (state.mode !== MODE.AGENT) return;
    let agent = null;
    try {
      const parsed = JSON.parse(data);
      if (parsed && typeof parsed.agent === "string" && parsed.agent.trim()) agent = parsed.agent.trim().slice(0, 80);
    } catch (error) {
      agent = null;
    }
    this.view.showAgentTyping(state.agentName || agent || "Our team");
    this.agentTypingUntil = Date.now() + AGENT_TYPING_SHOW_MS;
    clearTimeout(this.agentTypingTimer);
    this.agentTypingTimer = setTimeout(() => this.stopAgentTyping(), AGENT_TYPING_SHOW_MS);
  }

  /** The agent's line arrived, the chat changed hands or ended: no "is typing" any more. */
  stopAgentTyping() {
    clearTimeout(this.agentTypingTimer);
    this.agentTypingUntil = 0;
    this.view.showAgentTyping(null);
  }

  // ---- open / close -------------------------------------------------------

  open(focus) {
    if (!this.store.state.history.length) {
      this.store.addMessage({
        role: "bot", local: true,
        text: "Hi! I'm the Northwind assistant. I can help with orders, deliveries, returns and more. " +
          "You can ask for a person from our team at any time.",
      });
      this.view.renderAll(this.store.state.history);
    }
    this.store.set({ open: true, unread: 0 });
    this.view.setUnread(0);
    this.view.open(focus);
    if (!this.connection.started) this.connection.start();
  }

  close() {
    this.store.set({ open: false });
    this.view.close();
  }

  // ---- customer → Rasa ------------------------------------------------------

  /** Show `shown` in the chat and send `message` (a quick reply sends its payload). */
  sendText(shown, message) {
    const status = this.connection.ready ? "sending" : "queued";
    const entry = this.store.addMessage({ role: "user", text: shown, status: status });
    this.view.append(entry);
    this.run = [];
    this.connection.send(entry.id, message);
    this.view.setCanEnd(true);
    // Only the bot answers at once; a person types at their own pace.
    if (this.store.state.mode === MODE.BOT && this.connection.ready) this.setTyping(true);
  }

  /** A button was used: its message's buttons go, and the title is shown as the customer's. */
  useQuickReply(messageId, reply) {
    const offered = this.store.updateMessage(messageId, { answered: true });
    if (offered) this.view.update(offered);
    this.sendText(reply.title, reply.payload || reply.title);
  }

  statusChanged(status) {
    this.view.setStatus(status);
    // After every (re)connect, also after a reload: the inbox says what is true now.
    if (status === STATUS.ONLINE) this.refreshStatus();
    if (status !== STATUS.OFFLINE) return;
    // Messages whose acknowledgement was cut off go out again after reconnecting: say so.
    this.setTyping(false);
    this.store.state.outbox.forEach((item) => this.setMessageStatus(item.id, "queued"));
  }

  setMessageStatus(id, status) {
    const message = this.store.findMessage(id);
    if (!message || message.status === status) return;
    this.store.updateMessage(id, { status: status });
    this.view.update(message);
    if (status === "sending" && this.store.state.mode === MODE.BOT) this.setTyping(true);
  }

  delivered(id) {
    this.setMessageStatus(id, "sent");
    // Rasa acknowledges after it has sent all its replies to this message.
    if (this.connection.inflight.size === 0) this.setTyping(false);
  }

  setTyping(visible) {
    clearTimeout(this.typingTimer);
    this.view.showTyping(visible);
    if (visible) this.typingTimer = setTimeout(() => this.view.showTyping(false), TYPING_TIMEOUT_MS);
  }

  // ---- Rasa → customer ------------------------------------------------------

  /** One bot_uttered payload: text (maybe with quick replies), an image, or a marker. */
  receive(payload) {
    if (!payload || typeof payload !== "object") return;
    if (payload.handoff && typeof payload.handoff === "object") {
      this.applyMarker(payload.handoff);
      return;
    }
    const fields = { role: "bot" };
    if (typeof payload.text === "string" && payload.text.trim()) fields.text = payload.text;
    const replies = Array.isArray(payload.quick_replies) ? payload.quick_replies : payload.buttons;
    if (Array.isArray(replies)) {
      fields.quickReplies = replies
        .filter((r) => r && typeof r.title === "string")
        .map((r) => ({ title: r.title, payload: typeof r.payload === "string" ? r.payload : r.title }));
    }
    const attachment = payload.attachment;
    if (attachment && attachment.type === "image" && attachment.payload && attachment.payload.src) {
      fields.image = String(attachment.payload.src);
    }
    if (!fields.text && !fields.image) return; // an unknown custom payload: nothing to show

    this.setTyping(false);
    const message = this.store.addMessage(fields);
    this.view.append(message);
    this.run.push({ id: message.id, at: Date.now() });
    this.countUnread();
    this.queueAnnouncement(message.id);
  }

  /** The ids of the texts a marker describes: the last one, and its burst when `burst`. */
  markedTexts(burst) {
    const run = this.run;
    this.run = [];
    if (!run.length) return [];
    let first = run.length - 1;
    while (burst && first > 0 && run[first].at - run[first - 1].at <= BURST_MS) first -= 1;
    return run.slice(first).map((entry) => entry.id);
  }

  /** Apply a handoff marker to the text(s) that arrived just before it. */
  applyMarker(marker) {
    // The bot_back line is the bot's own (its parts form the burst); agent lines are
    // split into parts only while the bot is paused.
    const run = this.markedTexts(marker.kind === "bot_back" || this.store.state.mode !== MODE.BOT);
    const agent = typeof marker.agent === "string" && marker.agent.trim() ? marker.agent.trim() : null;

    if (marker.kind === "agent_joined") {
      this.setTyping(false);
      // The plain "<name> has joined the chat." line (one part) becomes the notice.
      if (run.length) this.removeMessage(run[run.length - 1]);
      this.addNotice((agent || "A person") + " from our team has joined");
      this.store.set({ mode: MODE.AGENT, agentName: agent });
    } else if (marker.kind === "agent_message") {
      this.setTyping(false);
      run.forEach((id) => this.relabel(id, { role: "agent", agentName: agent }));
      this.store.set({ mode: MODE.AGENT, agentName: agent || this.store.state.agentName });
    } else if (marker.kind === "bot_back") {
      this.addNotice("You're back with the assistant", run[0]);
      this.store.set({ mode: MODE.BOT, agentName: null });
    } else if (marker.kind === "queued") {
      this.setTyping(false);
      this.store.set({ mode: MODE.QUEUED, agentName: null });
    } else {
      return;
    }
    this.markerAt = Date.now();
    this.stopAgentTyping();
    this.showMode();
    this.refreshStatus();
  }

  // ---- the handoff as the inbox has it (server.js) ---------------------------

  /** Ask the server for the handoff's state now; keeps polling while a person is involved. */
  refreshStatus() {
    if (this.polling) return;
    this.polling = true;
    const sessionId = this.store.state.sessionId;
    this.server.status(sessionId).then((status) => {
      this.polling = false;
      if (status && typeof status === "object" && sessionId === this.store.state.sessionId) {
        this.applyStatus(status);
      }
      this.schedulePoll();
    });
  }

  schedulePoll() {
    clearTimeout(this.pollTimer);
    if (this.store.state.mode === MODE.BOT) return;
    this.pollTimer = setTimeout(() => {
      if (document.visibilityState === "hidden") this.schedulePoll();
      else this.refreshStatus();
    }, STATUS_POLL_MS);
  }

  /** Make the header (and the rating question) agree with the inbox's state. */
  applyStatus(status) {
    const state = this.store.state;
    const key = typeof status.handoff_key === "string" ? status.handoff_key : null;
    if (key && (state.endedKeys || []).includes(key)) return; // the customer ended it here
    const agent = typeof status.agent === "string" && status.agent.trim() ? status.agent.trim().slice(0, 80) : null;
    const recentMarker = Date.now() - this.markerAt < MARKER_GRACE_MS;
    if (status.state === "waiting") {
      this.store.set({
        mode: MODE.QUEUED, agentName: null, handoffKey: key,
        queue: { position: count(status.queue_position), waitSeconds: count(status.estimated_wait_seconds) },
      });
    } else if (status.state === "with_agent") {
      this.store.set({ mode: MODE.AGENT, agentName: agent || state.agentName, handoffKey: key, queue: null });
    } else if (state.mode !== MODE.BOT && !(recentMarker && (status.state === "none" || key !== state.handoffKey))) {
      // Closed (resolved, handed back, abandoned) or gone: back to the assistant.
      const lastAgent = state.agentName;
      this.store.set({ mode: MODE.BOT, agentName: null, queue: null });
      if (status.state === "closed" && status.closed_as === "resolved") this.askRating(key, lastAgent);
    }
    const typing = this.store.state.mode === MODE.AGENT &&
      (status.agent_typing === true || Date.now() < this.agentTypingUntil);
    this.view.showAgentTyping(typing ? this.store.state.agentName || "Our team" : null);
    this.showMode();
  }

  // ---- customer typing, ending, rating --------------------------------------

  /** Tell the person the customer is typing; at most once per TYPING_SEND_EVERY_MS. */
  customerTyping() {
    if (this.store.state.mode === MODE.BOT) return;
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    this.lastTypingSent = now;
    this.server.typing(this.store.state.sessionId);
  }

  /** "End chat" confirmed: the bot hears /end_handoff (the inbox closes the handoff), then the rating. */
  endChat() {
    const state = this.store.state;
    const key = state.handoffKey || null;
    const agent = state.mode === MODE.AGENT ? state.agentName : null;
    const notice = { id: newMessageId(), at: Date.now(), role: "notice", text: "You ended the chat" };
    this.store.addMessage(notice);
    this.view.append(notice);
    this.queueAnnouncement(notice.id);
    this.run = [];
    this.connection.send(notice.id, "/end_handoff");
    const endedKeys = (state.endedKeys || []).concat(key ? [key] : []).slice(-20);
    this.store.set({ mode: MODE.BOT, agentName: null, queue: null, endedKeys: endedKeys });
    clearTimeout(this.pollTimer);
    this.stopAgentTyping();
    this.showMode();
    this.askRating(key, agent);
  }

  /** Show the 1–5 question once per handoff (or per chat without one). */
  askRating(key, agent) {
    const state = this.store.state;
    const asked = state.ratingsAsked || [];
    if (key && asked.includes(key)) return;
    const pending = { id: "r-" + randomHex(12), handoffKey: key, agent: agent || null, score: null };
    this.store.set({ pendingRating: pending, ratingsAsked: asked.concat(key ? [key] : []).slice(-20) });
    this.view.askRating(pending.agent);
  }

  /** A score (and later maybe a comment): stored at once, the same rating updated by the comment. */
  rate(score, comment) {
    const pending = this.store.state.pendingRating;
    if (!pending || !(score >= 1 && score <= 5)) return;
    pending.score = score;
    this.store.save();
    const body = { score: score, handoff_key: pending.handoffKey };
    if (comment) body.comment = comment;
    this.server.rate(this.store.state.sessionId, pending.id, body);
  }

  ratingDone(rated) {
    this.store.set({ pendingRating: null });
    if (rated) this.addNotice(RATING_THANKS);
  }

  relabel(id, changes) {
    const message = this.store.updateMessage(id, changes);
    if (message) this.view.update(message);
  }

  removeMessage(id) {
    this.store.set({ history: this.store.state.history.filter((m) => m.id !== id) });
    this.view.remove(id);
    this.announceQueue = this.announceQueue.filter((queued) => queued !== id);
  }

  /** A centred notice line; placed before message `beforeId` when given. */
  addNotice(text, beforeId) {
    const notice = { id: newMessageId(), at: Date.now(), role: "notice", text: text };
    const history = this.store.state.history;
    const index = beforeId ? history.findIndex((m) => m.id === beforeId) : -1;
    if (index >= 0) {
      history.splice(index, 0, notice);
      this.store.save();
      this.view.renderAll(history);
    } else {
      this.store.addMessage(notice);
      this.view.append(notice);
    }
    this.countUnread();
    this.queueAnnouncement(notice.id);
  }

  countUnread() {
    if (this.view.isOpen()) return;
    const unread = (this.store.state.unread || 0) + 1;
    this.store.set({ unread: unread });
    this.view.setUnread(unread);
  }

  // ---- screen readers ---------------------------------------------------------

  /** Read a message out a moment later, so a marker that follows it can relabel it first. */
  queueAnnouncement(id) {
    this.announceQueue.push(id);
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => this.flushAnnouncements(), ANNOUNCE_DELAY_MS);
  }

  flushAnnouncements() {
    // Keep the notices' and messages' order as shown.
    const order = new Map(this.store.state.history.map((m, i) => [m.id, i]));
    this.announceQueue
      .filter((id) => order.has(id))
      .sort((a, b) => order.get(a) - order.get(b))
      .forEach((id) => {
        const m = this.store.findMessage(id);
        const who = ChatView.senderLabel(m);
        this.view.announce(who ? who + " says: " + (m.text || "an image") : m.text);
      });
    this.announceQueue = [];
  }
}

// ---- start-up -----------------------------------------------------------------

/** Read the script tag's data- attributes; fall back to the server's /config.json. */
/** A non-negative whole number from the server, or 0. */
function count(value) {
  return typeof value === "number" && isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function readConfig() {
  const data = (script && script.dataset) || {};
  const baseUrl = script && script.src ? new URL(".", script.src).href : new URL("/", window.location.href).href;
  const config = {
    baseUrl: baseUrl,
    rasaUrl: data.rasaUrl || null,
    socketPath: data.socketPath || "/socket.io",
    title: data.title || "Northwind help",
    storageKey: data.storageKey || "northwind-chat",
  };
  if (config.rasaUrl) return Promise.resolve(config);
  return fetch(baseUrl + "config.json", { credentials: "omit" })
    .then((response) => response.json())
    .then((server) => Object.assign(config, {
      rasaUrl: server.rasaUrl,
      socketPath: data.socketPath || server.socketPath || config.socketPath,
      title: data.title || server.title || config.title,
    }));
}

function boot() {
  if (window.NorthwindChat) return; // the tag was included twice
  window.NorthwindChat = { pending: true };
  readConfig().then((config) => {
    const chat = new NorthwindChat(config);
    // A tiny public API for the host page, e.g. an "Ask about this product" button.
    window.NorthwindChat = {
      open: function (draft) { chat.open(true); if (draft) chat.view.setDraft(draft); },
      close: function () { chat.close(); },
    };
    document.dispatchEvent(new CustomEvent("northwind-chat:ready"));
  }).catch((err) => {
    window.NorthwindChat = null;
    if (window.console) console.error("Northwind chat could not start:", err);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
