// Conversation pane: live messages (newest at the bottom, announced to screen
// readers), claim, reply (Enter sends, Shift+Enter new line), hand back, resolve,
// live coaching, masked abusive messages, the ticking wait and the wrap-up note.
"use strict";

(() => {
  const {api, el, live, duration, parseUtc} = Inbox;
  const root = document.getElementById("conversation");
  const key = root.dataset.key;
  const base = `/api/v1/handoffs/${encodeURIComponent(key)}`;
  const list = document.getElementById("messages");
  const errorBox = document.getElementById("action-error");
  const reply = document.getElementById("reply");
  const scroller = document.getElementById("convo-scroll");
  const announcer = document.getElementById("announce");
  const customerName = document.getElementById("conv-title").textContent.trim();
  const CLOSED = ["resolved", "handed_back", "abandoned", "customer_ended"];
  const isClosed = () => CLOSED.includes(root.dataset.status);
  // The page's table of delivery words (inbox/conversation/views.py DELIVERY_WORDS).
  const DELIVERY = JSON.parse(document.getElementById("delivery-words").textContent);
  const replyHelp = document.getElementById("reply-help");
  const chatPlaceholder = reply.placeholder;
  const chatHelp = replyHelp.textContent;

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }

  function toBottom() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.toggle("hidden", !message);
  }

  // Same markup as the _masking.html macro: hidden text plus a "Show" button.
  function messageText(text, abusive, id) {
    if (!abusive) return [el("p", {}, text)];
    const shown = el("p", {class: "masked-text", id}, text);
    shown.hidden = true;
    return [el("p", {class: "masked"}, el("span", {class: "mask-note"}, "Message hidden: abusive language."), " ",
               el("button", {type: "button", class: "reveal", "aria-expanded": "false", "aria-controls": id}, "Show")),
            shown];
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.reveal");
    if (!button) return;
    const text = document.getElementById(button.getAttribute("aria-controls"));
    const reveal = button.getAttribute("aria-expanded") !== "true";
    text.hidden = !reveal;
    button.setAttribute("aria-expanded", String(reveal));
    button.textContent = reveal ? "Hide" : "Show";
  });

  // A sign for the eye (hidden from screen readers) and the words, never colour alone.
  function fillDelivery(tag, status) {
    const [sign, words, why] = DELIVERY[status] || ["", status, ""];
    tag.className = `delivery delivery-${status}`;
    tag.title = why;
    tag.replaceChildren(el("span", {class: "sign", "aria-hidden": "true"}, sign), ` ${words}`);
    return tag;
  }

  function addMessage(m, {announce = true} = {}) {
    if (list.querySelector(`li[data-id="${Number(m.id)}"]`)) return;
    const follow = nearBottom();
    const item = el("li", {class: `msg from-${m.sender}`, dataset: {id: String(m.id)}},
      el("span", {class: "who"}, m.agent_name || m.sender),
      ...messageText(m.text, m.sender === "customer" && m.abusive === true, `m-${Number(m.id)}`),
      m.delivery_status ? fillDelivery(el("span", {}), m.delivery_status) : null);
    list.append(item);
    if (follow || m.sender === "agent") toBottom();
    if (announce && m.sender === "customer") {
      announcer.textContent = m.abusive === true
        ? `${customerName} wrote a message hidden for abusive language.`
        : `${customerName} wrote: ${m.text}`;
    }
  }

  function setDelivery(pk, status) {
    const item = list.querySelector(`li[data-id="${Number(pk)}"]`);
    if (!item) return;
    let tag = item.querySelector(".delivery");
    if (!tag) { tag = el("span", {}); item.append(tag); }
    fillDelivery(tag, status);
  }

  const ARROWS = {rising: "↑", falling: "↓", steady: "→"};

  function renderCoaching(c) {
    if (!c) return;
    const level = document.getElementById("coach-level");
    level.textContent = c.level;
    level.className = `badge level level-${c.level}`;
    const trend = document.getElementById("coach-trend");
    trend.className = `trend trend-${c.direction}`;
    trend.replaceChildren(el("span", {class: "arrow", "aria-hidden": "true"}, ARROWS[c.direction] || "→"), ` ${c.direction}`);
    document.getElementById("coach-score").textContent =
      typeof c.score === "number" ? `score ${c.score.toFixed(2)}` : "";
    document.getElementById("coach-cues").replaceChildren(
      ...c.cues.map((cue) => el("li", {dataset: {signal: cue.signal}}, cue.text)));
    document.getElementById("coach-empty").classList.toggle("hidden", c.cues.length > 0);
  }

  // Wrap-up: resolving proposes a draft; the agent edits and saves it.
  const wrapUp = document.getElementById("wrap-up");
  const wrapForm = document.getElementById("wrap-up-form");
  const wrapText = document.getElementById("wrap-up-text");
  const wrapStatus = document.getElementById("wrap-up-status");
  const wrapOpen = document.getElementById("wrap-up-open");

  function showSavedNote(data) {
    if (!data.saved_note) return;
    document.getElementById("wrap-up-note").textContent = data.saved_note;
    document.getElementById("wrap-up-meta").textContent = data.saved_by ? `Saved by ${data.saved_by}` : "Saved";
    document.getElementById("wrap-up-saved").hidden = false;
    wrapOpen.textContent = "Edit the note";
    wrapUp.classList.remove("hidden");
  }

  async function openWrapUp() {
    wrapUp.classList.remove("hidden");
    if (!wrapForm.hidden) {  // a draft is open: never reload it over the agent's edits
      wrapText.focus();
      return;
    }
    wrapStatus.textContent = "Preparing a draft…";
    try {
      const data = await api("GET", `${base}/wrap-up`);
      wrapText.value = data.saved_note || data.draft;
      wrapForm.hidden = false;
      wrapOpen.hidden = true;
      wrapStatus.textContent = data.saved_note ? "Editing the saved note." : "Draft ready: check it, edit it, then save.";
      wrapText.focus();
      wrapText.setSelectionRange(0, 0);  // read from the top: the problem comes first
      wrapText.scrollTop = 0;
      wrapUp.scrollIntoView({block: "start"});
    } catch (e) {
      wrapStatus.textContent = "";
      showError(e.message);
    }
  }

  function closeWrapUpForm(status) {
    wrapForm.hidden = true;
    wrapOpen.hidden = false;
    wrapStatus.textContent = status;
  }

  wrapOpen.addEventListener("click", openWrapUp);
  document.getElementById("wrap-up-cancel").addEventListener("click", () => closeWrapUpForm(""));
  wrapForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = wrapText.value.trim();
    if (!note) { wrapStatus.textContent = "The note is empty."; return; }
    try {
      showSavedNote(await api("POST", `${base}/wrap-up`, {note}));
      closeWrapUpForm("Wrap-up note saved.");
    } catch (e) {
      showError(e.message);
    }
  });

  // The closed banner is written by the page (conversation.html); when the conversation
  // closes while open, read it (and the status) from a fresh copy of the page.
  const banner = document.getElementById("closed-banner");
  // Bumped by every render. A read that catches up (the page, or the conversation when
  // the stream opens) may have been answered before an action or a push the page has
  // already shown: it is applied only when nothing was rendered while it was in flight.
  let stateVersion = 0;

  async function refreshFromPage() {
    const seen = stateVersion;
    try {
      const response = await fetch(location.pathname, {credentials: "same-origin"});
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const freshBanner = fresh.getElementById("closed-banner");
      const freshRoot = fresh.getElementById("conversation");
      if (!freshBanner || !freshRoot) return;
      banner.className = freshBanner.className;
      banner.replaceChildren(...[...freshBanner.childNodes].map((node) => document.importNode(node, true)));
      root.dataset.emailTo = freshRoot.dataset.emailTo || "";
      if (stateVersion === seen && freshRoot.dataset.status !== root.dataset.status) {
        const owner = fresh.querySelector("#owner strong");
        render({status: freshRoot.dataset.status, claimed_by: owner ? owner.textContent : null,
                claimed_by_id: freshRoot.dataset.owner ? Number(freshRoot.dataset.owner) : null}, {refresh: false});
      }
    } catch (e) {
      // the next load of the page shows it
    }
  }

  function render(state, {refresh = true} = {}) {
    stateVersion += 1;
    const wasClosed = isClosed();
    root.dataset.status = state.status;
    root.dataset.owner = state.claimed_by_id ? String(state.claimed_by_id) : "";
    const badge = document.getElementById("status-badge");
    badge.textContent = state.status.replace("_", " ");
    badge.className = `badge status status-${state.status}`;
    const owner = document.getElementById("owner");
    owner.replaceChildren(...(state.claimed_by ? ["Handled by ", el("strong", {}, state.claimed_by)] : ["Not claimed yet"]));
    buttons();
    if (refresh && isClosed() && !wasClosed) refreshFromPage();
  }

  // "Waiting: 12s" counts up while nobody has claimed the conversation.
  const waitingTime = document.getElementById("waiting-time");
  function tickWaiting() {
    if (root.dataset.status !== "waiting") return;
    const created = parseUtc(waitingTime.dataset.created);
    if (!Number.isNaN(created)) waitingTime.textContent = duration((Date.now() - created) / 1000);
  }

  function buttons() {
    const status = root.dataset.status;
    document.getElementById("waiting-line").firstChild.textContent = status === "waiting" ? "Waiting: " : "Waited: ";
    const mine = status === "claimed" && root.dataset.owner === root.dataset.me;
    const claimButton = document.getElementById("claim");
    claimButton.disabled = status !== "waiting";
    claimButton.hidden = status !== "waiting";  // nothing to claim: keep the header short
    for (const id of ["send", "handback", "resolve", "resolution", "customer-message"]) document.getElementById(id).disabled = !mine;
    const closed = isClosed();
    const wasMine = root.dataset.owner === root.dataset.me || root.dataset.role === "admin";
    // Closed: no control the server would refuse (chat reply, hand back, resolve). Reply
    // by email stays when it applies: for whoever had the conversation (anyone when nobody
    // had joined), as the reply box's text with "Send by email".
    const emailTo = root.dataset.emailTo || "";
    const emailOk = Boolean(emailTo) && (closed ? wasMine || !root.dataset.owner : mine);
    reply.disabled = !(mine || emailOk);
    const sendEmail = document.getElementById("send-email");
    if (sendEmail) sendEmail.disabled = !emailOk;
    document.getElementById("send").hidden = closed;
    document.getElementById("close-actions").hidden = closed;
    document.getElementById("reply-form").hidden = closed && !emailTo;
    document.getElementById("composer-closed").hidden = !closed || Boolean(emailTo);
    const emailOnly = closed && Boolean(emailTo);  // a help desk may reopen it: then back to chat
    reply.placeholder = emailOnly ? `Email to ${emailTo} (the chat is closed)` : chatPlaceholder;
    replyHelp.textContent = emailOnly ? "Email only: Enter is a new line" : chatHelp;
    const opening = document.getElementById("use-opening");
    if (opening) { opening.disabled = !mine; opening.hidden = closed; }
    wrapOpen.disabled = !(closed && wasMine);
    if (closed) wrapUp.classList.remove("hidden");
    const assignButton = document.getElementById("assign");
    if (assignButton) {
      assignButton.disabled = closed;
      document.getElementById("assign-to").disabled = closed;
      document.getElementById("assign-help").textContent = closed
        ? `Assign is off: ${{resolved: "this conversation is resolved", handed_back: "this conversation is handed back to the bot",
             abandoned: "the customer left before anyone joined", customer_ended: "the customer ended this chat"}[status]}, so there is nobody to take over.`
        : "";
    }
  }

  async function act(path, body) {
    showError("");
    try {
      const data = await api("POST", `${base}/${path}`, body);
      if (data && data.status) render({status: data.status, claimed_by: data.claimed_by && data.claimed_by.display_name,
                                       claimed_by_id: data.claimed_by && data.claimed_by.id});
      if (data && data.messages) data.messages.forEach((m) => addMessage(m));
      return data;
    } catch (e) {
      showError(e.message);
      return null;
    }
  }

  async function claim() {
    if (root.dataset.status !== "waiting") return null;
    const data = await act("claim");
    if (data) reply.focus();
    return data;
  }
  // For the agent tools that plug into the page's slots (#composer-tools, #head-tools,
  // #sidebar-tools): the conversation's key, the reply box and the message list.
  window.Conversation = {key, claim, reply, addMessage, showError, act};

  document.getElementById("claim").addEventListener("click", claim);
  const assign = document.getElementById("assign");
  if (assign) assign.addEventListener("click", () => act("assign", {username: document.getElementById("assign-to").value}));
  const useOpening = document.getElementById("use-opening");
  if (useOpening) useOpening.addEventListener("click", () => {
    reply.value = document.getElementById("suggested-opening").textContent.trim();
    reply.focus();
  });
  // Enter sends, Shift+Enter starts a new line (and an IME composition is left alone).
  reply.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || isClosed()) return;
    event.preventDefault();
    document.getElementById("reply-form").requestSubmit();
  });
  // Typing both ways (docs/architecture.md "Widget ↔ server events"): never stored, at most
  // one signal per 3 s from here; the customer's shows for 6 s after their last signal.
  const customerTyping = document.getElementById("customer-typing");
  let typingSentAt = 0;
  let customerTypingTimer = null;
  reply.addEventListener("input", () => {
    const mine = root.dataset.status === "claimed" && root.dataset.owner === root.dataset.me;
    if (!mine || !reply.value.trim() || Date.now() - typingSentAt < 3000) return;
    typingSentAt = Date.now();
    api("POST", `${base}/typing`).catch(() => {});
  });
  function showCustomerTyping() {
    if (!customerTyping) return;
    customerTyping.hidden = false;
    clearTimeout(customerTypingTimer);
    customerTypingTimer = setTimeout(() => { customerTyping.hidden = true; }, 6000);
  }

  document.getElementById("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reply.value.trim();
    if (!text || isClosed()) return;
    const message = await act("replies", {text});
    if (message) { addMessage(message); reply.value = ""; reply.focus(); }
  });
  // Email follow-up (inbox/followup): the reply box's text to the address the customer left.
  const sendEmail = document.getElementById("send-email");
  if (sendEmail) sendEmail.addEventListener("click", async () => {
    const text = reply.value.trim();
    if (!text) return;
    const message = await act("email-replies", {text});
    if (message) { addMessage(message); reply.value = ""; }
  });
  document.getElementById("handback").addEventListener("click", () =>
    act("handback", {resolution: document.getElementById("resolution").value.trim(),
                     customer_message: document.getElementById("customer-message").value.trim()}));
  document.getElementById("resolve").addEventListener("click", async () => {
    const data = await act("resolve", {note: document.getElementById("resolution").value.trim(),
                                       customer_message: document.getElementById("customer-message").value.trim()});
    if (data) openWrapUp();
  });

  // The chart's values on hover and on keyboard focus, written under it.
  const chart = document.getElementById("frustration-chart");
  const tip = document.getElementById("chart-tip");
  if (chart && tip) {
    const show = (event) => {
      const point = event.target.closest("circle[data-label]");
      if (!point) return;
      for (const other of chart.querySelectorAll("circle.active")) other.classList.remove("active");
      point.classList.add("active");
      tip.textContent = point.dataset.label;
      tip.classList.remove("hidden");
    };
    chart.addEventListener("mouseover", show);
    chart.addEventListener("mouseleave", () => tip.classList.add("hidden"));
  }

  buttons();
  toBottom();
  // Opening a conversation the agent owns (just claimed from the queue) puts them in the reply box.
  if (root.dataset.status === "claimed" && root.dataset.owner === root.dataset.me) reply.focus();
  setInterval(tickWaiting, 1000);
  live(`${base}/events`, {
    message: (m) => { if (m.sender === "customer" && customerTyping) customerTyping.hidden = true; addMessage(m); },
    message_status: (e) => setDelivery(e.message_pk, e.delivery_status),
    status: render,
    coaching: renderCoaching,
    wrap_up: showSavedNote,
    customer_ended: refreshFromPage,
    customer_typing: showCustomerTyping,
  }, async () => {
    const seen = stateVersion;
    const data = await api("GET", base);  // catch up on anything sent while the page loaded
    if (stateVersion === seen && data.status !== root.dataset.status) {
      render({status: data.status, claimed_by: data.claimed_by && data.claimed_by.display_name,
              claimed_by_id: data.claimed_by && data.claimed_by.id});
    }
    data.messages.forEach((m) => addMessage(m, {announce: false}));
    renderCoaching(data.coaching);
  });
})();
