/*
 * util.js — small helpers shared by the widget modules.
 *
 * Rule of the whole widget: text from customers, the bot or agents is put into
 * the page with textContent only: no HTML parsing of any message, anywhere.
 */

/** Create an element with an optional class and text (set as text, never HTML). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Set several attributes at once. */
function attrs(node, values) {
  Object.keys(values).forEach(function (name) { node.setAttribute(name, values[name]); });
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** A decorative 24×24 icon from one SVG path (hidden from screen readers). */
function icon(pathData) {
  const svg = document.createElementNS(SVG_NS, "svg");
  attrs(svg, { viewBox: "0 0 24 24", width: "24", height: "24", "aria-hidden": "true", focusable: "false" });
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", pathData);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
  close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
  send: "M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z",
};

/** Random hex of `bytes` bytes (crypto when available: ids are secrets for socket rooms). */
function randomHex(bytes) {
  const data = new Uint8Array(bytes);
  if (window.crypto && window.crypto.getRandomValues) {
    window.crypto.getRandomValues(data);
  } else {
    for (let i = 0; i < bytes; i += 1) data[i] = Math.floor(Math.random() * 256);
  }
  return Array.prototype.map.call(data, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

/** A conversation id: Rasa's sender id and the socket.io room; 128 random bits. */
function newSessionId() { return "web-" + randomHex(16); }

/** A local id for one message in the history. */
function newMessageId() { return "m-" + Date.now().toString(36) + "-" + randomHex(4); }

/** Only http(s) URLs may become an image source or a link. */
function safeHttpUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (err) {
    return null;
  }
}
