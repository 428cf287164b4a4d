// Agent tools on the conversation page (issue 16), in the slots conversation.js leaves:
// canned replies typed as "/shortcut" in the reply box (placeholders filled by the
// server from the facts; a missing fact is a visible [blank], selected to type over),
// notes only agents see, transfer to a colleague or back to the queue with a note, and
// the short break offered after an abusive conversation. Text from the server goes into
// the page with textContent only (Inbox.el).
"use strict";

(() => {
  const {api, el} = Inbox;
  const C = window.Conversation;
  if (!C) return;
  const base = `/api/v1/handoffs/${encodeURIComponent(C.key)}`;
  const root = document.getElementById("conversation");
  const reply = C.reply;
  const form = document.getElementById("reply-form");

  // ------------------------------------------------------------ canned replies
  let canned = null;  // filled replies of this conversation, loaded on first use
  let matches = [];
  let active = 0;
  const menu = el("ul", {id: "canned-menu", class: "canned-menu", role: "listbox", "aria-label": "Canned replies"});
  menu.hidden = true;
  form.append(menu);
  const hint = el("button", {type: "button", id: "canned-open", class: "small", "aria-controls": "canned-menu",
                             "aria-expanded": "false", title: "Insert a canned reply (type / in the reply box)"}, "/ Canned");
  document.getElementById("composer-tools").append(hint);

  async function load() {
    if (canned === null) {
      try { canned = await api("GET", `${base}/canned-replies`); } catch (e) { C.showError(e.message); canned = []; }
    }
    return canned;
  }

  // The "/word" the caret is in, at the start of the box or after a space.
  function slashQuery() {
    const upto = reply.value.slice(0, reply.selectionStart);
    const m = /(^|\s)\/([a-z0-9_-]*)$/i.exec(upto);
    return m ? {start: upto.length - m[2].length - 1, query: m[2].toLowerCase()} : null;
  }

  function close() {
    menu.hidden = true;
    hint.setAttribute("aria-expanded", "false");
    reply.removeAttribute("aria-activedescendant");
  }

  function draw() {
    menu.replaceChildren(...matches.map((r, i) => el("li", {
      id: `canned-${r.id}`, role: "option", class: "canned-option", "aria-selected": String(i === active),
      dataset: {index: String(i)}},
      el("strong", {}, `/${r.shortcut}`), " ", el("span", {class: "muted"}, r.title),
      el("span", {class: "canned-preview"}, r.text))));
    if (!matches.length) menu.append(el("li", {class: "muted"}, canned && canned.length ? "No canned reply matches." : "No canned replies yet (admins add them under Canned replies)."));
    menu.hidden = false;
    hint.setAttribute("aria-expanded", "true");
    if (matches[active]) reply.setAttribute("aria-activedescendant", `canned-${matches[active].id}`);
  }

  async function update() {
    const q = slashQuery();
    if (!q) { close(); return; }
    const all = await load();
    matches = all.filter((r) => r.shortcut.startsWith(q.query) || r.title.toLowerCase().includes(q.query));
    active = Math.min(active, Math.max(0, matches.length - 1));
    draw();
  }

  function insert(r) {
    const q = slashQuery();
    const start = q ? q.start : reply.selectionStart;
    const end = reply.selectionStart;
    reply.value = reply.value.slice(0, start) + r.text + reply.value.slice(end);
    close();
    reply.focus();
    // Select the first blank left to fill, else put the caret after the insert.
    const blank = /\[[^\]\n]{1,40}\]/.exec(reply.value.slice(start, start + r.text.length));
    if (r.blanks.length && blank) reply.setSelectionRange(start + blank.index, start + blank.index + blank[0].length);
    else reply.setSelectionRange(start + r.text.length, start + r.text.length);
    reply.dispatchEvent(new Event("input", {bubbles: true}));
  }

  reply.addEventListener("input", () => { active = 0; update(); });
  reply.addEventListener("blur", () => setTimeout(close, 150));
  // Capture on the form: runs before conversation.js's Enter-sends on the textarea.
  form.addEventListener("keydown", (event) => {
    if (event.target !== reply || menu.hidden) return;
    const keys = {ArrowDown: 1, ArrowUp: -1};
    if (event.key in keys && matches.length) {
      active = (active + keys[event.key] + matches.length) % matches.length;
      draw();
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && matches[active]) {
      insert(matches[active]);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
  menu.addEventListener("mousedown", (event) => {
    const item = event.target.closest("li[data-index]");
    if (!item) return;
    event.preventDefault();
    insert(matches[Number(item.dataset.index)]);
  });
  hint.addEventListener("click", () => {
    if (!slashQuery()) {
      const at = reply.selectionStart;
      const before = reply.value.slice(0, at);
      const pad = before && !/\s$/.test(before) ? " " : "";
      reply.value = before + pad + "/" + reply.value.slice(at);
      reply.setSelectionRange(at + pad.length + 1, at + pad.length + 1);
    }
    reply.focus();
    update();
  });

  // ------------------------------------------------------------ notes for agents
  const notesList = el("ul", {id: "notes", class: "notes", "aria-live": "polite"});
  const noteBox = el("textarea", {id: "note-text", rows: "2", maxlength: "4000",
                                  placeholder: "Only agents see this note; the customer never does"});
  const noteForm = el("form", {id: "note-form", class: "note-form"},
    el("label", {for: "note-text"}, "Add a note for agents"), noteBox,
    el("button", {type: "submit", id: "add-note"}, "Add note"));
  document.getElementById("sidebar-tools").append(
    el("section", {class: "card notes-card", "aria-labelledby": "notes-title"},
      el("h2", {id: "notes-title"}, "Notes for agents"),
      el("p", {class: "muted small"}, "Internal: never sent to the customer."), notesList, noteForm));

  function drawNotes(notes) {
    const me = Number(root.dataset.me);
    notesList.replaceChildren(...notes.map((n) => el("li", {class: `note note-${n.kind}`, dataset: {id: String(n.id)}},
      el("span", {class: "who"}, n.kind === "transfer"
        ? `${n.agent_name}, on transfer${n.for_agent_id === me ? " to you" : ""}` : n.agent_name),
      el("p", {}, n.text))));
    if (!notes.length) notesList.append(el("li", {class: "muted"}, "No notes yet."));
    // The newest transfer note, when it is for me (or for whoever claims next): on top,
    // where the receiving agent looks first.
    const handover = [...notes].reverse().find((n) => n.kind === "transfer");
    const forMe = handover && root.dataset.owner === root.dataset.me
      && (handover.for_agent_id === me || handover.for_agent_id === null);
    let callout = document.getElementById("handover-note");
    if (forMe && !callout) {
      callout = el("p", {id: "handover-note", class: "note note-transfer", role: "note"});
      root.querySelector(".convo-head").append(callout);
    }
    if (callout) {
      callout.hidden = !forMe;
      if (forMe) callout.replaceChildren(el("strong", {}, `Note from ${handover.agent_name}: `), handover.text);
    }
  }
  // Only the newest read is drawn: the page's first read (or the 15 s one), answered after
  // the read that follows a new note, drew "No notes yet." over the note just added.
  let notesAsked = 0;
  async function refreshNotes() {
    const asked = ++notesAsked;
    try {
      const notes = await api("GET", `${base}/notes`);
      if (asked === notesAsked) drawNotes(notes);
    } catch (e) { /* shown on the next action */ }
  }
  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = noteBox.value.trim();
    if (!text) return;
    try {
      await api("POST", `${base}/notes`, {text});
      noteBox.value = "";
      refreshNotes();
    } catch (e) { C.showError(e.message); }
  });
  refreshNotes();
  setInterval(refreshNotes, 15000);

  // ------------------------------------------------------------ transfer
  const who = el("select", {id: "transfer-to"});
  const transferNote = el("textarea", {id: "transfer-note", rows: "2", maxlength: "4000",
                                       placeholder: "What the next agent should know"});
  const transferForm = el("form", {id: "transfer-form", class: "transfer-form"},
    el("label", {for: "transfer-to"}, "Transfer to"), who,
    el("label", {for: "transfer-note"}, "Note for them"), transferNote,
    el("button", {type: "submit", class: "primary", id: "transfer-send"}, "Transfer"),
    el("button", {type: "button", id: "transfer-cancel"}, "Cancel"));
  transferForm.hidden = true;
  const transferOpen = el("button", {type: "button", id: "transfer", "aria-controls": "transfer-form", "aria-expanded": "false"}, "Transfer");
  document.getElementById("head-tools").append(transferOpen);
  root.querySelector(".convo-head").append(transferForm);

  function transferAllowed() {
    return root.dataset.status === "claimed" && (root.dataset.owner === root.dataset.me || root.dataset.role === "admin");
  }
  function syncTransfer() {
    // A closed conversation has nobody to hand over: no Transfer at all (the server refuses it).
    const closed = ["resolved", "handed_back", "abandoned", "customer_ended"].includes(root.dataset.status);
    transferOpen.hidden = closed;
    if (closed) transferForm.hidden = true;
    transferOpen.disabled = !transferAllowed();
    transferOpen.title = transferOpen.disabled ? "Only the agent handling a live conversation can transfer it" : "";
  }
  new MutationObserver(syncTransfer).observe(root, {attributes: true, attributeFilter: ["data-status", "data-owner"]});
  syncTransfer();

  transferOpen.addEventListener("click", async () => {
    let people = [];
    try { people = await api("GET", "/api/v1/agents"); } catch (e) { C.showError(e.message); return; }
    const me = Number(root.dataset.me);
    who.replaceChildren(el("option", {value: ""}, "Back to the queue"),
      ...people.filter((p) => p.id !== me).map((p) => el("option", {value: p.username},
        `${p.display_name} — ${p.available ? "available" : "away"}, ${p.open_conversations} open`)));
    const firstAvailable = people.find((p) => p.id !== me && p.available);
    if (firstAvailable) who.value = firstAvailable.username;
    transferForm.hidden = false;
    transferOpen.setAttribute("aria-expanded", "true");
    who.focus();
  });
  document.getElementById("transfer-cancel").addEventListener("click", () => {
    transferForm.hidden = true;
    transferOpen.setAttribute("aria-expanded", "false");
    transferOpen.focus();
  });
  transferForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `${base}/transfer`, {to: who.value || null, note: transferNote.value.trim()});
      window.location.reload();  // the page shows the new owner, its buttons and the note
    } catch (e) { C.showError(e.message); }
  });

  // ------------------------------------------------------------ care: a short break
  const banner = el("div", {id: "care-banner", class: "care-banner", role: "status"});
  banner.hidden = true;
  document.body.prepend(banner);
  function drawCare(care) {
    if (care.offer) {
      banner.replaceChildren(
        el("p", {}, `That was a hard conversation with ${care.offer.customer_name}. Take ${care.offer.minutes} minutes? `
          + "You will be away meanwhile, so new handoffs go to your colleagues."),
        el("button", {type: "button", id: "take-break", class: "primary"}, `Take ${care.offer.minutes} minutes`),
        el("button", {type: "button", id: "no-break"}, "Not now"));
      banner.hidden = false;
      // Reloaded after the break starts: the queue pane's toggle then says Away.
      document.getElementById("take-break").addEventListener("click", async () => {
        try { await api("POST", "/api/v1/me/break"); window.location.reload(); } catch (e) { C.showError(e.message); }
      });
      document.getElementById("no-break").addEventListener("click", async () => drawCare(await api("POST", "/api/v1/me/break/decline")));
    } else if (care.break_until) {
      const until = new Date(care.break_until).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
      banner.replaceChildren(el("p", {}, `On a break until ${until}: new handoffs go to your colleagues. You will be available again after.`));
      banner.hidden = false;
    } else {
      banner.hidden = true;
      banner.replaceChildren();
    }
  }
  async function refreshCare() {
    try { drawCare(await api("GET", "/api/v1/me/care")); } catch (e) { /* not logged in any more */ }
  }
  new MutationObserver(() => { if (root.dataset.status !== "claimed") refreshCare(); })
    .observe(root, {attributes: true, attributeFilter: ["data-status"]});
  refreshCare();
  setInterval(refreshCare, 30000);
})();
