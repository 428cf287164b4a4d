// Shared helpers for the inbox pages. Customer text is only ever put into the page
// with textContent (never innerHTML), so it cannot become markup.
"use strict";

const Inbox = (() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const detail = data && data.detail ? (typeof data.detail === "string" ? data.detail : "invalid input") : response.statusText;
      throw new Error(detail);
    }
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 60) return seconds + "s";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min";
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }

  // Channel names as people say them, from the one table the page carries (_channels.html).
  const channelNames = (() => {
    const node = document.getElementById("channel-names");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  })();

  function channelName(channel, conversationId) {
    if (channel === "twilio" && String(conversationId || "").startsWith("whatsapp:")) return "WhatsApp";
    return Object.prototype.hasOwnProperty.call(channelNames, channel) ? channelNames[channel] : (channel || "Unknown channel");
  }

  // ISO time from the server (always UTC; a missing zone means UTC) as epoch ms.
  function parseUtc(value) {
    if (!value) return NaN;
    return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : value + "Z");
  }

  // True while the agent types in a field: single-key shortcuts must not fire then.
  function typing(event) {
    const t = event.target;
    return !!(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)));
  }

  // Server-sent events with a visible connection state; EventSource reconnects by itself.
  function live(path, handlers, onOpen, badgeId = "live") {
    const badge = document.getElementById(badgeId);
    const source = new EventSource(path, {withCredentials: true});
    source.addEventListener("ready", () => {
      if (badge) { badge.textContent = "live"; badge.classList.add("on"); }
      if (onOpen) onOpen();
    });
    source.onerror = () => { if (badge) { badge.textContent = "reconnecting…"; badge.classList.remove("on"); } };
    for (const [name, fn] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => fn(JSON.parse(event.data)));
    }
    return source;
  }

  // "/" focuses the search box on every page, unless the agent is typing somewhere.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    const search = document.getElementById("q") || document.getElementById("topsearch-q");
    if (!search) return;
    event.preventDefault();
    search.focus();
  });

  return {api, el, duration, live, csrf, channelName, parseUtc, typing};
})();
