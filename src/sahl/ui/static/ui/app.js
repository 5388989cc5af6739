// On every page: registers the portal's service worker (portal/sw.js, ADR 0055), tells it who is
// logged in (an opaque mark: another person's pages are then forgotten), and, on a copy the worker
// saved and shows offline, says "as of" when it was saved, in the page's language. No texts here:
// they are in the page (data attributes), so no script catalogue is needed.
"use strict";

(() => {
  const body = document.body;
  const banner = document.getElementById("saved-copy");
  if (banner && banner.dataset.savedAt) {
    const english = document.documentElement.lang === "en";
    const formatter = new Intl.DateTimeFormat(english ? "en-GB" : "ar-KW-u-nu-latn", { dateStyle: "medium", timeStyle: "short" });
    const time = formatter.format(new Date(Number(banner.dataset.savedAt) * 1000));
    banner.querySelector("[data-role=text]").textContent = banner.dataset.text.replace("{time}", time);
    banner.hidden = false;
  }
  if (!("serviceWorker" in navigator) || !body.dataset.worker) return;
  navigator.serviceWorker
    .register(body.dataset.worker, { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active && registration.active.postMessage({ viewer: body.dataset.viewer || "" }))
    .catch((error) => console.warn("Sahl: the app cannot work offline here", error));
})();
