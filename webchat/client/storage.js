/*
 * storage.js — the conversation as the browser remembers it (localStorage).
 *
 * Rasa's socket.io channel does not replay history, so the widget keeps what
 * was shown (bounded to MAX_HISTORY messages), the session id that names the
 * Rasa conversation, who the customer is talking to, and the outbox of messages
 * not yet acknowledged by Rasa. A page reload restores all of it. When
 * localStorage is unavailable (private modes, blocked storage) the state lives
 * in memory only and the chat still works for the page's lifetime.
 */

const STATE_VERSION = 1;
const MAX_HISTORY = 200;

/** Modes of the conversation: the bot answers, a person was asked for, a person answers. */
const MODE = { BOT: "bot", QUEUED: "queued", AGENT: "agent" };

function emptyState() {
  return {
    version: STATE_VERSION,
    sessionId: newSessionId(),
    history: [],      // [{id, role: "user"|"bot"|"agent"|"notice", text, at, agentName?, status?, quickReplies?, image?}]
    outbox: [],       // [{id, message}] — sent to Rasa, removed on its acknowledgement
    mode: MODE.BOT,
    agentName: null,
    queue: null,       // {position, waitSeconds} while waiting, from the inbox
    handoffKey: null,  // the handoff the inbox last reported
    endedKeys: [],     // handoffs the customer ended here (a late status must not reopen them)
    ratingsAsked: [],  // handoffs whose rating question was shown
    pendingRating: null, // {id, handoffKey, agent, score} while the question is on screen
    open: false,
    unread: 0,
  };
}

/** True when `state` looks like something this version wrote. */
function validState(state) {
  return !!state && state.version === STATE_VERSION && typeof state.sessionId === "string" &&
    Array.isArray(state.history) && Array.isArray(state.outbox);
}

class ChatStore {
  constructor(key) {
    this.key = key;
    this.state = this.load();
  }

  load() {
    try {
      const raw = window.localStorage.getItem(this.key);
      const parsed = raw ? JSON.parse(raw) : null;
      if (validState(parsed)) return Object.assign(emptyState(), parsed);
    } catch (err) {
      /* unreadable or blocked storage: start fresh */
    }
    return emptyState();
  }

  save() {
    const state = this.state;
    if (state.history.length > MAX_HISTORY) {
      state.history = state.history.slice(state.history.length - MAX_HISTORY);
    }
    try {
      window.localStorage.setItem(this.key, JSON.stringify(state));
    } catch (err) {
      /* quota or blocked storage: keep the in-memory state */
    }
  }

  /** Add a message to the history and return it (with an id and time). */
  addMessage(fields) {
    const message = Object.assign({ id: newMessageId(), at: Date.now() }, fields);
    this.state.history.push(message);
    this.save();
    return message;
  }

  findMessage(id) {
    return this.state.history.find(function (m) { return m.id === id; }) || null;
  }

  updateMessage(id, changes) {
    const message = this.findMessage(id);
    if (message) {
      Object.assign(message, changes);
      this.save();
    }
    return message;
  }

  lastMessage() {
    const h = this.state.history;
    return h.length ? h[h.length - 1] : null;
  }

  /** True once the customer has said something (then the socket connects on page load). */
  hasConversation() {
    return this.state.history.some(function (m) { return m.role === "user"; }) ||
      this.state.outbox.length > 0 || this.state.mode !== MODE.BOT;
  }

  /** True once the customer has written or tapped anything ("End chat" is offered then). */
  customerHasSpoken() {
    return this.state.history.some(function (m) { return m.role === "user"; });
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.save();
  }
}
