// Conversation page: live messages, claim, reply, hand back, resolve.
"use strict";

(() => {
  const {api, el, live} = Inbox;
  const root = document.getElementById("conversation");
  const key = root.dataset.key;
  const base = `/api/v1/handoffs/${encodeURIComponent(key)}`;
  const list = document.getElementById("messages");
  const errorBox = document.getElementById("action-error");
  const reply = document.getElementById("reply");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.toggle("hidden", !message);
  }

  function addMessage(m) {
    if (list.querySelector(`li[data-id="${Number(m.id)}"]`)) return;
    const item = el("li", {class: `msg from-${m.sender}`, dataset: {id: String(m.id)}},
      el("span", {class: "who"}, m.agent_name || m.sender),
      el("p", {}, m.text),
      m.delivery_status ? el("span", {class: `delivery delivery-${m.delivery_status}`}, m.delivery_status) : null);
    list.append(item);
    item.scrollIntoView({block: "nearest"});
  }

  function setDelivery(pk, status) {
    const item = list.querySelector(`li[data-id="${Number(pk)}"]`);
    if (!item) return;
    let tag = item.querySelector(".delivery");
    if (!tag) { tag = el("span", {}); item.append(tag); }
    tag.className = `delivery delivery-${status}`;
    tag.textContent = status;
  }

  function render(state) {
    root.dataset.status = state.status;
    root.dataset.owner = state.claimed_by_id ? String(state.claimed_by_id) : "";
    const badge = document.getElementById("status-badge");
    badge.textContent = state.status.replace("_", " ");
    badge.className = `badge status status-${state.status}`;
    const owner = document.getElementById("owner");
    owner.replaceChildren(...(state.claimed_by ? ["Handled by ", el("strong", {}, state.claimed_by)] : ["Not claimed yet"]));
    buttons();
  }

  function buttons() {
    const status = root.dataset.status;
    const mine = status === "claimed" && root.dataset.owner === root.dataset.me;
    document.getElementById("claim").disabled = status !== "waiting";
    for (const id of ["send", "handback", "resolve", "reply", "resolution"]) document.getElementById(id).disabled = !mine;
    const opening = document.getElementById("use-opening");
    if (opening) opening.disabled = !mine;
  }

  async function act(path, body) {
    showError("");
    try {
      const data = await api("POST", `${base}/${path}`, body);
      if (data && data.status) render({status: data.status, claimed_by: data.claimed_by && data.claimed_by.display_name,
                                       claimed_by_id: data.claimed_by && data.claimed_by.id});
      if (data && data.messages) data.messages.forEach(addMessage);
      return data;
    } catch (e) {
      showError(e.message);
      return null;
    }
  }

  document.getElementById("claim").addEventListener("click", () => act("claim"));
  const assign = document.getElementById("assign");
  if (assign) assign.addEventListener("click", () => act("assign", {username: document.getElementById("assign-to").value}));
  const useOpening = document.getElementById("use-opening");
  if (useOpening) useOpening.addEventListener("click", () => {
    reply.value = document.getElementById("suggested-opening").textContent.trim();
    reply.focus();
  });
  document.getElementById("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = reply.value.trim();
    if (!text) return;
    const message = await act("replies", {text});
    if (message) { addMessage(message); reply.value = ""; }
  });
  document.getElementById("handback").addEventListener("click", () =>
    act("handback", {resolution: document.getElementById("resolution").value.trim()}));
  document.getElementById("resolve").addEventListener("click", () =>
    act("resolve", {note: document.getElementById("resolution").value.trim()}));

  buttons();
  live(`${base}/events`, {
    message: addMessage,
    message_status: (e) => setDelivery(e.message_pk, e.delivery_status),
    status: render,
    customer_ended: () => document.getElementById("ended-note").classList.remove("hidden"),
  }, async () => {
    const data = await api("GET", base);  // catch up on anything sent while the page loaded
    data.messages.forEach(addMessage);
  });
})();
