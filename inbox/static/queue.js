// Queue page: re-reads the queue whenever the server says it changed.
"use strict";

(() => {
  const {api, el, duration, live} = Inbox;
  let pending = null;

  function badge(kind, value) {
    return el("span", {class: `badge ${kind} ${kind}-${value}`}, value);
  }

  function row(item, lastColumn) {
    return el("tr", {dataset: {key: item.handoff_key}},
      el("td", {}, el("strong", {}, item.customer_name || "Unknown customer"),
        item.new_messages ? el("span", {class: "badge msgs", title: "Customer messages since the handoff"}, `${item.new_messages} new`) : null,
        el("br"), el("small", {}, item.customer_email)),
      el("td", {}, item.channel),
      el("td", {class: "reason", title: item.reason}, item.reason),
      el("td", {}, badge("prio", item.priority)),
      el("td", {}, badge("level", item.frustration_level)),
      lastColumn(item),
      el("td", {}, el("a", {class: "button", href: `/conversations/${encodeURIComponent(item.handoff_key)}`}, "Open")));
  }

  function fill(tbody, items, lastColumn, emptyText) {
    const rows = items.map((item) => row(item, lastColumn));
    if (!rows.length) rows.push(el("tr", {class: "empty"}, el("td", {colspan: "7"}, emptyText)));
    tbody.replaceChildren(...rows);
  }

  async function refresh() {
    const data = await api("GET", "/api/v1/queue");
    const waiting = data.items.filter((i) => i.status === "waiting");
    const claimed = data.items.filter((i) => i.status === "claimed");
    fill(document.getElementById("waiting"), waiting,
      (i) => el("td", {class: "since", dataset: {created: i.created_at}}, duration(i.waiting_seconds)), "Nobody is waiting.");
    fill(document.getElementById("claimed"), claimed, (i) => el("td", {}, i.claimed_by || ""), "No conversation in progress.");
    document.getElementById("waiting-count").textContent = data.total_waiting;
    const more = document.getElementById("more");
    more.textContent = `Showing the first ${waiting.length} of ${data.total_waiting} by priority.`;
    more.classList.toggle("hidden", data.total_waiting <= waiting.length);
    document.getElementById("fig-waiting").textContent = data.total_waiting;
    document.getElementById("fig-agents").textContent = data.figures.agents_available;
    document.getElementById("fig-wait").textContent = duration(data.figures.estimated_wait_seconds);
    document.getElementById("fig-hours").textContent = data.figures.within_business_hours ? "Open" : "Closed";
  }

  function scheduleRefresh() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh().catch(() => {}); }, 50);
  }

  function tick() {
    const now = Date.now();
    for (const cell of document.querySelectorAll("#waiting td.since")) {
      const created = Date.parse(cell.dataset.created.endsWith("Z") || cell.dataset.created.includes("+") ? cell.dataset.created : cell.dataset.created + "Z");
      if (!Number.isNaN(created)) cell.textContent = duration((now - created) / 1000);
    }
  }

  const toggle = document.getElementById("availability");
  toggle.addEventListener("click", async () => {
    const next = toggle.dataset.available !== "true";
    const me = await api("POST", "/api/v1/me/availability", {available: next});
    toggle.dataset.available = String(me.available);
    toggle.setAttribute("aria-pressed", String(me.available));
    toggle.textContent = me.available ? "Available" : "Away";
    toggle.classList.toggle("on", me.available);
    toggle.classList.toggle("off", !me.available);
  });

  // Re-read once connected too, so nothing that happened while loading is missed.
  live("/api/v1/events", {queue: scheduleRefresh}, scheduleRefresh);
  setInterval(tick, 15000);
})();
