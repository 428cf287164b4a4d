/*
 * text.js — message text as DOM nodes: clickable links and times.
 *
 * Messages come from customers, the bot and agents, so none of it is HTML:
 * the text is split into plain parts and link parts, and each part becomes a
 * text node or an <a> built with createElement. A link must be http(s)
 * (safeHttpUrl); anything else, "javascript:" included, stays plain text.
 * Links open in a new tab with rel="noopener noreferrer" (the page the link
 * leads to gets no handle on the shop's window and no referrer).
 */

// A markdown link [label](url) as Rasa responses write them, or a bare http(s) URL.
const LINK_PATTERN = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL ("see https://x.example/a.").
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

/**
 * Split `text` into parts: {text} for plain text, {text, href} for a safe link.
 * A markdown link with an unsafe target keeps its whole source as plain text.
 */
function splitLinks(text) {
  const parts = [];
  const source = String(text);
  let last = 0;
  const push = (part) => {
    const previous = parts[parts.length - 1];
    if (!part.href && previous && !previous.href) previous.text += part.text;
    else if (part.text) parts.push(part);
  };
  source.replace(LINK_PATTERN, (match, label, target, offset) => {
    push({ text: source.slice(last, offset) });
    let consumed = match;
    if (label !== undefined) {
      const href = safeHttpUrl(target) && /^https?:\/\//i.test(target) ? safeHttpUrl(target) : null;
      push(href ? { text: label, href: href } : { text: match });
    } else {
      const url = match.replace(TRAILING_PUNCTUATION, "");
      consumed = url;
      const href = safeHttpUrl(url);
      push(href ? { text: url, href: href } : { text: url });
    }
    last = offset + consumed.length;
    return match;
  });
  push({ text: source.slice(last) });
  return parts;
}

/** A paragraph of message text with its safe links as <a> elements. */
function textWithLinks(className, text) {
  const paragraph = el("p", className);
  // Arabic or Hebrew reads right to left: each text takes its own first letters' direction.
  paragraph.setAttribute("dir", "auto");
  splitLinks(text).forEach((part) => {
    if (!part.href) {
      paragraph.appendChild(document.createTextNode(part.text));
      return;
    }
    const link = attrs(el("a", "nwc-link", part.text), {
      href: part.href, target: "_blank", rel: "noopener noreferrer",
    });
    paragraph.appendChild(link);
  });
  return paragraph;
}

/** "14:05" in the visitor's locale, with the full time for machines and tooltips. */
function timeElement(at) {
  const when = new Date(typeof at === "number" ? at : Date.now());
  const node = el("time", "nwc-time", when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  node.setAttribute("datetime", when.toISOString());
  node.setAttribute("title", when.toLocaleString());
  return node;
}
