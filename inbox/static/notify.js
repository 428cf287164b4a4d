// Alerts for a handoff that arrives while the agent is available: a short chime
// (Web Audio, no file) and a desktop notification. Browsers only allow both after a
// user gesture, so `prepare` runs from the click that makes the agent available;
// the notification permission is asked once per browser, never on page load.
"use strict";

const Notify = (() => {
  const ASKED = "inbox.notifications.asked";
  let audio = null;

  function help(text) {
    const node = document.getElementById("notify-help");
    if (!node) return;
    node.textContent = text;
    node.classList.toggle("hidden", !text);
  }

  function explainPermission() {
    if (!("Notification" in window)) help("This browser shows no desktop notifications; you will hear a chime.");
    else if (Notification.permission === "denied") help("Desktop notifications are blocked for this site; you will hear a chime.");
    else help("");
  }

  function prepare() {
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) {
      audio = null;  // no sound device: the notification and the page still tell
    }
    if (!("Notification" in window) || Notification.permission !== "default") return explainPermission();
    let asked = false;
    try { asked = localStorage.getItem(ASKED) === "1"; localStorage.setItem(ASKED, "1"); } catch (e) { asked = false; }
    if (asked) return explainPermission();
    Promise.resolve(Notification.requestPermission()).then(explainPermission, explainPermission);
  }

  function chime() {
    if (!audio) return false;
    const now = audio.currentTime;
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.5);
    gain.connect(audio.destination);
    for (const [freq, start] of [[660, 0], [880, 0.15]]) {
      const tone = audio.createOscillator();
      tone.frequency.value = freq;
      tone.connect(gain);
      tone.start(now + start);
      tone.stop(now + start + 0.3);
    }
    return true;
  }

  // One new handoff: chime, desktop notification, and a line for screen readers.
  function handoff(item, label) {
    document.body.dataset.lastAlert = item.handoff_key;
    chime();
    const announce = document.getElementById("queue-announce");
    if (announce) announce.textContent = `New customer waiting: ${label}`;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      const note = new Notification("New customer waiting", {body: label, tag: item.handoff_key});
      note.onclick = () => {
        window.focus();
        window.location.href = `/conversations/${encodeURIComponent(item.handoff_key)}`;
      };
    } catch (e) {
      // Some browsers only notify from a service worker: the chime and the queue still show it.
    }
  }

  return {prepare, handoff, explainPermission};
})();
