/*
 * view.js — the widget's DOM inside a shadow root: launcher, panel, messages,
 * typing indicator, composer and the screen-reader announcer.
 *
 * The view knows nothing about sockets: widget.js calls its methods and passes
 * callbacks for what the customer does. Every text is set with textContent.
 */

const MAX_LENGTH = 2000;          // characters per customer message
const COUNTER_WARN_AT = 1800;     // the counter turns to a warning colour from here

const SUBTITLES = {
  bot: "Assistant · usually answers right away",
  queued: "Waiting for a person from our team",
  agent: function (name) { return "Chatting with " + (name || "our team") + " from our team"; },
};

/** "1st", "2nd", "3rd", "4th", … "11th", "12th", "13th", "21st" */
function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th");
  return n + suffix;
}

/** The waiting line of the header: position and expected wait when the inbox knows them. */
function waitingText(queue) {
  const parts = [SUBTITLES.queued];
  if (queue && queue.position > 0) parts.push(ordinal(queue.position) + " in line");
  if (queue && queue.waitSeconds > 0) {
    const minutes = Math.max(1, Math.round(queue.waitSeconds / 60));
    parts.push("about " + minutes + " min");
  }
  return parts.join(" · ");
}

// What each score of the satisfaction question means (read out with the digit).
const RATING_LABELS = ["Very poor", "Poor", "Okay", "Good", "Excellent"];

const STATUS_TEXT = {
  connecting: "Connecting…",
  offline: "Connection lost — reconnecting. You can keep typing: your messages will be sent when the connection is back.",
};

class ChatView {
  /**
   * @param {HTMLElement} host   element the shadow root is attached to
   * @param {object} options     title, stylesheetUrl, and callbacks:
   *   onOpen(), onClose(), onSend(text), onQuickReply(messageId, reply), onTyping(),
   *   onEndChat(), onRate(score, comment?), onRatingDone(rated)
   */
  constructor(host, options) {
    this.options = options;
    this.host = host;
    this.root = host.attachShadow({ mode: "open" });
    this.items = new Map();  // message id → <li>
    this.lastSender = null;
    this.build();
  }

  // ---- construction -------------------------------------------------------

  build() {
    const o = this.options;
    // The stylesheet is a file (a <link>), so pages with a strict CSP need no 'unsafe-inline'.
    const link = attrs(el("link"), { rel: "stylesheet", href: o.stylesheetUrl });
    this.host.style.display = "none";  // no unstyled flash; shown once the stylesheet is in
    // Shown once styled; then the restored conversation can scroll to its latest message.
    const reveal = () => { this.host.style.display = ""; this.scrollToEnd(); };
    link.addEventListener("load", reveal);
    link.addEventListener("error", reveal);
    this.root.appendChild(link);

    const wrap = el("div", "nwc");
    this.launcher = attrs(el("button", "nwc-launcher"), {
      type: "button", "aria-expanded": "false", "aria-controls": "nwc-panel", "aria-label": "Open chat: " + o.title,
    });
    this.launcher.appendChild(icon(ICONS.chat));
    this.launcher.appendChild(el("span", "nwc-launcher-text", "Chat with us"));
    this.badge = attrs(el("span", "nwc-badge"), { "aria-hidden": "true" });
    this.badge.hidden = true;
    this.launcher.appendChild(this.badge);
    this.launcher.addEventListener("click", () => (this.isOpen() ? o.onClose() : o.onOpen()));

    this.panel = attrs(el("section", "nwc-panel"), {
      id: "nwc-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "nwc-title",
    });
    this.panel.hidden = true;
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.stopPropagation(); o.onClose(); }
    });

    this.panel.appendChild(this.buildHeader(o.title));
    this.status = attrs(el("div", "nwc-status"), { role: "status" });
    this.status.hidden = true;
    this.panel.appendChild(this.status);

    this.list = attrs(el("ol", "nwc-messages"), { "aria-label": "Conversation", tabindex: "0" });
    this.panel.appendChild(this.list);

    // Decorative: the reply itself is announced, a "typing" line would only add noise.
    this.typing = attrs(el("div", "nwc-typing"), { "aria-hidden": "true" });
    for (let i = 0; i < 3; i += 1) this.typing.appendChild(el("span", "nwc-dot"));
    this.typing.hidden = true;
    this.panel.appendChild(this.typing);
    // "Sam is typing…" while a person from the team writes (from the inbox, see widget.js).
    this.agentTyping = el("p", "nwc-agent-typing");
    this.agentTyping.hidden = true;
    this.panel.appendChild(this.agentTyping);

    this.csat = attrs(el("section", "nwc-csat"), { "aria-labelledby": "nwc-csat-title" });
    this.csat.hidden = true;
    this.panel.appendChild(this.csat);

    this.panel.appendChild(this.buildComposer());
    // Polite live region: new messages are read out here (see announce()).
    this.announcer = attrs(el("div", "nwc-sr"), { "aria-live": "polite", "aria-atomic": "false" });
    this.panel.appendChild(this.announcer);

    wrap.appendChild(this.panel);
    wrap.appendChild(this.launcher);
    this.root.appendChild(wrap);
  }

  buildHeader(title) {
    const header = el("header", "nwc-header");
    const titles = el("div", "nwc-titles");
    titles.appendChild(attrs(el("h2", "nwc-title", title), { id: "nwc-title" }));
    this.subtitle = el("p", "nwc-subtitle", SUBTITLES.bot);
    titles.appendChild(this.subtitle);
    header.appendChild(titles);
    this.endButton = attrs(el("button", "nwc-end", "End chat"), { type: "button" });
    this.endButton.hidden = true;
    this.endButton.addEventListener("click", () => this.askToEnd());
    header.appendChild(this.endButton);
    const close = attrs(el("button", "nwc-close"), { type: "button", "aria-label": "Close chat" });
    close.appendChild(icon(ICONS.close));
    close.addEventListener("click", () => this.options.onClose());
    header.appendChild(close);
    const wrap = el("div", "nwc-header-wrap");
    wrap.appendChild(header);
    wrap.appendChild(this.buildEndConfirm());
    return wrap;
  }

  /** The confirmation under the header: ending is one deliberate step, never a slip. */
  buildEndConfirm() {
    this.endConfirm = attrs(el("div", "nwc-confirm"), { role: "group", "aria-labelledby": "nwc-confirm-text" });
    this.endConfirm.hidden = true;
    this.endConfirm.appendChild(attrs(el("p", "nwc-confirm-text", "End this chat?"), { id: "nwc-confirm-text" }));
    const yes = attrs(el("button", "nwc-confirm-yes", "Yes, end chat"), { type: "button" });
    const no = attrs(el("button", "nwc-confirm-no", "Keep chatting"), { type: "button" });
    yes.addEventListener("click", () => { this.endConfirm.hidden = true; this.options.onEndChat(); });
    no.addEventListener("click", () => { this.endConfirm.hidden = true; this.endButton.focus(); });
    this.endConfirm.appendChild(yes);
    this.endConfirm.appendChild(no);
    return this.endConfirm;
  }

  askToEnd() {
    this.endConfirm.hidden = false;
    this.scrollToEnd();
    this.endConfirm.querySelector(".nwc-confirm-yes").focus();
  }

  /** "End chat" is offered once the customer has said something. */
  setCanEnd(visible) {
    this.endButton.hidden = !visible;
    if (!visible) this.endConfirm.hidden = true;
  }

  // ---- satisfaction question ------------------------------------------------

  /** Ask for a 1–5 rating: one click stores it, a comment is optional, Skip dismisses it. */
  askRating(who) {
    const card = this.csat;
    card.textContent = "";
    card.hidden = false;
    card.appendChild(attrs(el("h3", "nwc-csat-title", "How was your chat" + (who ? " with " + who : "") + "?"),
      { id: "nwc-csat-title" }));
    const scores = attrs(el("div", "nwc-csat-scores"), { role: "group", "aria-label": "Rate this chat from 1 to 5" });
    RATING_LABELS.forEach((label, index) => {
      const score = index + 1;
      const button = attrs(el("button", "nwc-csat-score", String(score)), {
        type: "button", "aria-label": score + " of 5: " + label, title: label,
      });
      button.addEventListener("click", () => { this.options.onRate(score); this.askComment(score); });
      scores.appendChild(button);
    });
    card.appendChild(scores);
    const skip = attrs(el("button", "nwc-csat-skip", "Skip"), { type: "button" });
    skip.addEventListener("click", () => { this.hideRating(); this.options.onRatingDone(false); });
    card.appendChild(skip);
    this.scrollToEnd();
  }

  askComment(score) {
    const card = this.csat;
    card.textContent = "";
    card.appendChild(attrs(el("h3", "nwc-csat-title", "Thanks! Anything you'd like to add?"), { id: "nwc-csat-title" }));
    card.appendChild(el("p", "nwc-csat-given", "You rated this chat " + score + " of 5."));
    const label = attrs(el("label", "nwc-sr", "Comment (optional)"), { for: "nwc-csat-comment" });
    const comment = attrs(el("textarea", "nwc-csat-comment"), {
      id: "nwc-csat-comment", rows: "2", maxlength: "1000", placeholder: "Optional comment",
    });
    const send = attrs(el("button", "nwc-csat-send", "Send comment"), { type: "button" });
    const done = attrs(el("button", "nwc-csat-skip", "No thanks"), { type: "button" });
    send.addEventListener("click", () => {
      const text = comment.value.trim().slice(0, 1000);
      this.hideRating();
      if (text) this.options.onRate(score, text);
      this.options.onRatingDone(true);
    });
    done.addEventListener("click", () => { this.hideRating(); this.options.onRatingDone(true); });
    card.appendChild(label);
    card.appendChild(comment);
    card.appendChild(send);
    card.appendChild(done);
    comment.focus();
  }

  hideRating() {
    const hadFocus = this.csat.contains(this.root.activeElement);
    this.csat.hidden = true;
    this.csat.textContent = "";
    if (hadFocus) this.input.focus();
  }

  isAskingRating() { return !this.csat.hidden; }

  /** "Sam is typing…" under the messages, or nothing. */
  showAgentTyping(name) {
    this.agentTyping.hidden = !name;
    this.agentTyping.textContent = name ? name + " is typing…" : "";
    if (name) this.scrollToEnd();
  }

  buildComposer() {
    const form = el("form", "nwc-composer");
    form.setAttribute("novalidate", "");
    const label = attrs(el("label", "nwc-sr", "Your message"), { for: "nwc-input" });
    this.input = attrs(el("textarea", "nwc-input"), {
      id: "nwc-input", rows: "1", maxlength: String(MAX_LENGTH), placeholder: "Type your message…",
      "aria-describedby": "nwc-counter", autocomplete: "off", dir: "auto",
    });
    this.counter = attrs(el("span", "nwc-counter", "0/" + MAX_LENGTH), { id: "nwc-counter" });
    this.counterHint = el("span", "nwc-sr", " characters used");
    this.counter.appendChild(this.counterHint);
    this.sendButton = attrs(el("button", "nwc-send"), { type: "submit", "aria-label": "Send message" });
    this.sendButton.appendChild(icon(ICONS.send));
    this.sendButton.disabled = true;

    this.input.addEventListener("input", () => {
      this.updateCounter();
      if (this.input.value.trim()) this.options.onTyping();
    });
    this.input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter starts a new line (not while an IME is composing).
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });

    form.appendChild(label);
    form.appendChild(this.input);
    const side = el("div", "nwc-composer-side");
    side.appendChild(this.counter);
    side.appendChild(this.sendButton);
    form.appendChild(side);
    return form;
  }

  // ---- composer -------------------------------------------------------------

  submit() {
    const text = this.input.value.trim().slice(0, MAX_LENGTH);
    if (!text) return;
    this.input.value = "";
    this.updateCounter();
    this.options.onSend(text);
    this.input.focus();
  }

  setDraft(text) {
    this.input.value = String(text || "").slice(0, MAX_LENGTH);
    this.updateCounter();
  }

  updateCounter() {
    const length = this.input.value.length;
    this.counter.firstChild.nodeValue = length + "/" + MAX_LENGTH;
    this.counter.classList.toggle("nwc-counter-warn", length >= COUNTER_WARN_AT);
    this.sendButton.disabled = this.input.value.trim().length === 0;
    // Grow with the text up to the CSS max-height.
    this.input.style.height = "auto";
    this.input.style.height = this.input.scrollHeight + "px";
  }

  // ---- open / close -----------------------------------------------------------

  isOpen() { return !this.panel.hidden; }

  /** Show the panel; `focus` is false when restoring after a reload (no focus stealing). */
  open(focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.wrapClass(true);
    this.scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    const hadFocus = this.root.activeElement !== null;
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.wrapClass(false);
    if (hadFocus) this.launcher.focus();
  }

  wrapClass(open) { this.root.querySelector(".nwc").classList.toggle("nwc-open", open); }

  setUnread(count) {
    this.badge.hidden = count === 0;
    this.badge.textContent = count > 9 ? "9+" : String(count);
    const label = "Open chat: " + this.options.title + (count ? " (" + count + " new)" : "");
    this.launcher.setAttribute("aria-label", label);
  }

  // ---- status, mode, typing -------------------------------------------------

  setStatus(status) {
    const text = STATUS_TEXT[status];
    this.status.hidden = !text;
    this.status.textContent = text || "";
    this.status.classList.toggle("nwc-status-offline", status === "offline");
  }

  setMode(mode, agentName, queue) {
    const subtitle = mode === "queued" ? waitingText(queue) : SUBTITLES[mode] || SUBTITLES.bot;
    this.subtitle.textContent = typeof subtitle === "function" ? subtitle(agentName) : subtitle;
    this.panel.setAttribute("data-mode", mode);
  }

  showTyping(visible) {
    this.typing.hidden = !visible;
    if (visible) this.scrollToEnd();
  }

  // ---- messages ---------------------------------------------------------------

  /** Replace the list with `history` (after a reload). */
  renderAll(history) {
    this.list.textContent = "";
    this.items.clear();
    this.lastSender = null;
    history.forEach((message) => this.append(message));
    this.scrollToEnd();
  }

  /** Who a message is from, as shown above it. */
  static senderLabel(message) {
    if (message.role === "user") return "You";
    if (message.role === "agent") return (message.agentName || "Our team") + " · Northwind team";
    if (message.role === "bot") return "Assistant";
    return null;
  }

  append(message) {
    const item = this.renderItem(message);
    this.items.set(message.id, item);
    this.list.appendChild(item);
    this.scrollToEnd();
  }

  /** Re-render one message in place (its role or status changed). */
  update(message) {
    const old = this.items.get(message.id);
    if (!old) return;
    const previous = old.previousElementSibling;
    this.lastSender = previous ? previous.getAttribute("data-sender") : null;
    const item = this.renderItem(message);
    this.items.set(message.id, item);
    old.replaceWith(item);
    this.refreshSenderLabels(item.nextElementSibling);
    if (!item.nextElementSibling) this.scrollToEnd();  // a new label may have made it taller
  }

  remove(id) {
    const item = this.items.get(id);
    this.items.delete(id);
    if (!item) return;
    const next = item.nextElementSibling;
    item.remove();
    this.refreshSenderLabels(next);
  }

  /** After a change in the middle: fix the label of `next` and what append() compares with. */
  refreshSenderLabels(next) {
    if (next) {
      const previous = next.previousElementSibling;
      const same = !!previous && previous.getAttribute("data-sender") === next.getAttribute("data-sender");
      next.classList.toggle("nwc-same-sender", same && next.getAttribute("data-sender") !== "notice");
    }
    const last = this.list.lastElementChild;
    this.lastSender = last ? last.getAttribute("data-sender") : null;
  }

  renderItem(message) {
    const item = el("li", "nwc-msg nwc-msg-" + message.role);
    item.setAttribute("data-id", message.id);
    if (message.role === "notice") {
      item.appendChild(el("p", "nwc-notice", message.text));
      item.appendChild(timeElement(message.at));
      item.setAttribute("data-sender", "notice");
      this.lastSender = "notice";
      return item;
    }
    const sender = ChatView.senderLabel(message);
    item.setAttribute("data-sender", sender);
    // Consecutive messages of one sender show the label once (screen readers still get it).
    if (sender === this.lastSender) item.classList.add("nwc-same-sender");
    this.lastSender = sender;
    item.appendChild(el("span", "nwc-sender", sender));

    const bubble = el("div", "nwc-bubble");
    if (message.text) bubble.appendChild(textWithLinks("nwc-text", message.text));
    const src = message.image ? safeHttpUrl(message.image) : null;
    if (src) bubble.appendChild(attrs(el("img", "nwc-image"), { src: src, alt: "Image from the assistant" }));
    item.appendChild(bubble);
    item.appendChild(timeElement(message.at));

    if (message.status === "queued") {
      item.appendChild(el("span", "nwc-msg-status", "Not sent yet — will be sent when the connection is back"));
    }
    // Buttons stay with the message that offered them until one of them is used.
    if (message.quickReplies && message.quickReplies.length && !message.answered) {
      item.appendChild(this.renderQuickReplies(message));
    }
    return item;
  }

  renderQuickReplies(message) {
    const group = attrs(el("div", "nwc-quick"), { role: "group", "aria-label": "Suggested replies" });
    message.quickReplies.forEach((reply) => {
      const button = attrs(el("button", "nwc-quick-button", reply.title), { type: "button" });
      button.addEventListener("click", () => this.options.onQuickReply(message.id, reply));
      group.appendChild(button);
    });
    return group;
  }

  scrollToEnd() { this.list.scrollTop = this.list.scrollHeight; }

  // ---- screen readers -------------------------------------------------------

  /** Read `text` out through the polite live region (old lines are pruned). */
  announce(text) {
    this.announcer.appendChild(el("p", null, text));
    while (this.announcer.childNodes.length > 5) this.announcer.removeChild(this.announcer.firstChild);
  }
}
