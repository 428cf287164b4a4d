// The live queue (left pane of every workspace page): waiting, mine and others'
// conversations re-read whenever the server says the queue changed, wait timers
// that tick every second, alerts for new handoffs while the agent is available,
// and the keyboard: j/k move, Enter opens, c claims (never while typing).
"use strict";

const Queue = (() => {
  const {api, el, duration, live, channelName, parseUtc, typing} = Inbox;
  const pane = document.getElementById("queue-pane");
  const current = pane.dataset.current || "";
  // "Mine" by the agent's id: two agents may share a display name.
  const meId = Number(document.body.dataset.meId);
  const toggle = document.getElementById("availability");
  const items = new Map();  // key -> latest queue item
  let seen = null;  // keys already known; null until the first read (no alert for those)
  // Arrived while this page was open: highlighted for FRESH_MS or until they leave the
  // waiting list, so the next refresh (another handoff, a claim elsewhere) does not wipe it.
  const FRESH_MS = 30000;
  const arrivedAt = new Map();  // key -> when this page first saw it waiting
  let pending = null;
  const baseTitle = document.title;

  function badge(kind, value) {
    return el("span", {class: `badge ${kind} ${kind}-${value}`, title: kind === "prio" ? "Priority" : "Frustration"}, value);
  }

  function itemNode(item) {
    const isCurrent = item.handoff_key === current;
    const link = el("a", {class: "qlink", href: `/conversations/${encodeURIComponent(item.handoff_key)}`},
      el("span", {class: "qline"},
        el("strong", {class: "qname"}, item.customer_name || "Unknown customer"), " ",
        item.status === "waiting"
          ? el("span", {class: "since", title: "Waiting time", dataset: {created: item.created_at}}, duration(item.waiting_seconds))
          : el("span", {class: "qagent"}, item.claimed_by || "")),
      el("span", {class: "qline badges"}, badge("prio", item.priority), " ", badge("level", item.frustration_level), " ",
        el("span", {class: "badge channel"}, channelName(item.channel, item.conversation_id)),
        item.new_messages ? el("span", {class: "badge msgs", title: "Customer messages since the handoff"}, `${item.new_messages} new`) : null),
      el("span", {class: "qreason"}, item.reason));
    if (isCurrent) link.setAttribute("aria-current", "page");
    const fresh = item.status === "waiting" && Date.now() - (arrivedAt.get(item.handoff_key) ?? -Infinity) < FRESH_MS;
    return el("li", {class: `qitem${isCurrent ? " current" : ""}${fresh ? " fresh" : ""}`, dataset: {key: item.handoff_key, status: item.status}}, link);
  }

  function fill(list, rows, emptyText) {
    const focusedKey = document.activeElement && document.activeElement.closest
      ? (document.activeElement.closest(".qitem") || {dataset: {}}).dataset.key : undefined;
    const nodes = rows.map(itemNode);
    if (!nodes.length) nodes.push(el("li", {class: "empty"}, emptyText));
    list.replaceChildren(...nodes);
    if (focusedKey) {  // keep the keyboard where it was across a refresh
      const again = list.querySelector(`.qitem[data-key="${CSS.escape(focusedKey)}"] .qlink`);
      if (again) again.focus();
    }
  }

  // Alert only for the handoffs routed to me (inbox/care/routing.py): the next abusive
  // customer goes to a colleague while one is free. Without a plan, alert as before.
  function routedToMe(fresh, plan) {
    if (!plan) return fresh;
    const to = new Map(plan.items.map((i) => [i.handoff_key, i.agent_id]));
    return fresh.filter((i) => !to.get(i.handoff_key) || to.get(i.handoff_key) === meId);
  }

  function label(item) {
    return `${item.customer_name || "Unknown customer"} · ${channelName(item.channel, item.conversation_id)} · ${item.priority} priority`;
  }

  let asked = 0;  // reads can overlap (a push during a slow read): only the newest is drawn
  async function refresh() {
    // The routing plan with the queue, so a new handoff's alert goes out as its row appears.
    const available = toggle.dataset.available === "true";
    const mine = ++asked;
    const [data, plan] = await Promise.all([
      api("GET", "/api/v1/queue"),
      available ? api("GET", "/api/v1/routing").catch(() => null) : Promise.resolve(null),
    ]);
    if (mine !== asked) return;
    const waiting = data.items.filter((i) => i.status === "waiting");
    const claimed = data.items.filter((i) => i.status === "claimed");
    const fresh = waiting.filter((i) => seen !== null && !seen.has(i.handoff_key));
    seen = new Set([...(seen || []), ...data.items.map((i) => i.handoff_key)]);
    for (const item of fresh) arrivedAt.set(item.handoff_key, Date.now());
    for (const key of [...arrivedAt.keys()]) if (!waiting.some((i) => i.handoff_key === key)) arrivedAt.delete(key);
    items.clear();
    for (const item of data.items) items.set(item.handoff_key, item);
    fill(document.getElementById("waiting"), waiting, "Nobody is waiting.");
    fill(document.getElementById("mine"), claimed.filter((i) => i.claimed_by_id === meId), "None yet.");
    fill(document.getElementById("others"), claimed.filter((i) => i.claimed_by_id !== meId), "Nobody else is chatting.");
    document.getElementById("waiting-count").textContent = data.total_waiting;
    const more = document.getElementById("more");
    more.textContent = `Showing the first ${waiting.length} of ${data.total_waiting} by priority.`;
    more.classList.toggle("hidden", data.total_waiting <= waiting.length);
    const total = document.getElementById("fig-waiting");
    if (total) total.textContent = data.total_waiting;
    document.getElementById("fig-agents").textContent = data.figures.agents_available;
    document.getElementById("fig-wait").textContent = duration(data.figures.estimated_wait_seconds);
    document.getElementById("fig-hours").textContent = data.figures.within_business_hours ? "Open" : "Closed";
    if (toggle.dataset.available === "true") for (const item of routedToMe(fresh, plan)) Notify.handoff(item, label(item));
    // The count in the tab's title, for an agent working in another tab.
    document.title = data.total_waiting ? `(${data.total_waiting}) ${baseTitle}` : baseTitle;
    tick();
  }

  function scheduleRefresh() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh().catch(() => {}); }, 50);
  }

  function tick() {
    const now = Date.now();
    for (const cell of pane.querySelectorAll(".since[data-created]")) {
      const created = parseUtc(cell.dataset.created);
      if (!Number.isNaN(created)) cell.textContent = duration((now - created) / 1000);
    }
  }

  function setAvailable(available) {
    toggle.dataset.available = String(available);
    toggle.setAttribute("aria-pressed", String(available));
    toggle.textContent = available ? "Available" : "Away";
    toggle.classList.toggle("on", available);
    toggle.classList.toggle("off", !available);
    document.getElementById("availability-help").textContent = available
      ? "New handoffs can reach you."
      : "Away: customers hear that the team is busy. Switch to Available to receive handoffs.";
  }

  toggle.addEventListener("click", async () => {
    const next = toggle.dataset.available !== "true";
    if (next) Notify.prepare();  // a user gesture: the only moment browsers allow asking
    const me = await api("POST", "/api/v1/me/availability", {available: next});
    setAvailable(me.available);
  });

  // ---- keyboard: j/k move through every list, Enter opens (a link), c claims
  function links() {
    return [...pane.querySelectorAll(".qitem .qlink")];
  }

  function selectedItem() {
    const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".qitem") : null;
    return focused || pane.querySelector(".qitem.current");
  }

  function move(step) {
    const all = links();
    if (!all.length) return;
    const at = selectedItem();
    let index = at ? all.indexOf(at.querySelector(".qlink")) : -1;
    index = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    all[index].focus();
    all[index].scrollIntoView({block: "nearest"});
  }

  async function claim() {
    const at = selectedItem();
    const key = at ? at.dataset.key : current;
    if (!key) return;
    if (key === current && window.Conversation) return window.Conversation.claim();
    try {
      await api("POST", `/api/v1/handoffs/${encodeURIComponent(key)}/claim`);
      window.location.href = `/conversations/${encodeURIComponent(key)}`;
    } catch (e) {
      const announce = document.getElementById("queue-announce");
      if (announce) announce.textContent = e.message;
      const preview = document.getElementById("preview");
      if (preview) preview.replaceChildren(el("p", {class: "alert", role: "alert"}, `Could not claim: ${e.message}`));
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "c") { event.preventDefault(); claim(); }
  });

  // The queue page shows the focused conversation in its centre pane.
  const preview = document.getElementById("preview");
  if (preview) pane.addEventListener("focusin", (event) => {
    const node = event.target.closest(".qitem");
    const item = node && items.get(node.dataset.key);
    if (!item) return;
    preview.replaceChildren(
      el("h2", {}, item.customer_name || "Unknown customer"),
      el("p", {class: "badges"}, badge("prio", item.priority), " ", badge("level", item.frustration_level), " ",
        el("span", {class: "badge channel"}, channelName(item.channel, item.conversation_id))),
      el("p", {class: "preview-reason"}, item.reason || ""),
      el("p", {class: "muted"}, item.status === "waiting" ? `Waiting ${duration(item.waiting_seconds)}` : `Handled by ${item.claimed_by || "someone"}`),
      el("p", {class: "muted"}, item.status === "waiting" ? "Enter opens it; c claims it and opens it." : "Enter opens it."));
  });

  Notify.explainPermission();
  // Re-read once connected too, so nothing that happened while loading is missed.
  live("/api/v1/events", {queue: scheduleRefresh}, scheduleRefresh, "queue-live");
  setInterval(tick, 1000);
  return {refresh};
})();
