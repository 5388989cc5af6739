// The login page's "Log in with Hawiyati" panel: ask every two seconds whether the wallet on the
// phone approved this browser's request; once it has, go on to log in. Without JavaScript the
// panel's Refresh link does the same (the page shows a Continue link once approved).
"use strict";

(() => {
  const panel = document.getElementById("wallet-login");
  if (!panel || !panel.dataset.stateUrl) return;
  const status = panel.querySelector("[data-role=login-status]");
  const refusal = panel.querySelector("[data-role=login-refusal]");
  const again = panel.querySelector("[data-role=login-again]");
  panel.querySelector("[data-role=no-script]").hidden = true; // this script asks in its place
  const expires = Number(panel.dataset.expires) * 1000;
  const EVERY = 2000;
  status.textContent = panel.dataset.waiting;

  // Once the page is left (the password form sent, a passkey used), no question may still be on its
  // way: its answer would carry this browser's old session cookie, which the login just replaced,
  // and the server, finding that session gone, would delete the new cookie with it.
  let left = false;
  let asking = null;
  const leave = () => {
    left = true;
    if (asking) asking.abort();
  };
  document.addEventListener("submit", leave, true);
  window.addEventListener("beforeunload", leave);

  const stop = (text) => {
    status.textContent = text;
    panel.querySelector("[data-role=login-qr]").closest("figure").hidden = true;
    again.hidden = false;
  };

  async function ask() {
    if (left) return;
    if (Date.now() > expires + EVERY) return stop(panel.dataset.expired);
    let now;
    asking = new AbortController();
    try {
      const response = await fetch(panel.dataset.stateUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }, signal: asking.signal });
      if (!response.ok) return stop(panel.dataset.expired);
      now = await response.json();
    } catch (e) {
      if (left) return;
      return setTimeout(ask, EVERY); // offline for a moment: ask again
    } finally {
      asking = null;
    }
    if (left) return;
    if (now.state === "accepted") {
      status.textContent = panel.dataset.accepted;
      location.assign(panel.dataset.finishUrl);
      return;
    }
    if (now.state !== "waiting") return stop(panel.dataset.expired);
    refusal.hidden = !now.message;
    refusal.textContent = now.message || "";
    setTimeout(ask, EVERY);
  }

  setTimeout(ask, EVERY);
})();
