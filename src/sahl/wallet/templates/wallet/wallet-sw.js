{% load static %}// Hawiyati's service worker (scope /wallet/): the wallet page opens without a network.
// Network first, so a revocation or a new document shows as soon as there is a connection; the
// last good answer when there is none. The credentials themselves are in IndexedDB, not here.
"use strict";

const CACHE = "{{ cache }}";
// holder.js and every module it imports, down to the JOSE library. Once collected, the modules'
// imports name the hashed files (ui/static_storage.py), as the names below do.
const STATIC = [
  "{% static 'wallet/holder.js' %}",
  "{% static 'wallet/jose.js' %}",
  "{% static 'wallet/vendor/jose.js' %}",
  "{% static 'wallet/vendor/qrcode.js' %}",
  "{% static 'wallet/wallet.css' %}",
  "{% static 'ui/sahl.css' %}",
  "{% static 'ui/app.js' %}",
  "{% static 'ui/favicon.svg' %}",
];
// The person's own pages: kept only from a real answer (never a redirect to the login page).
const PAGE = "{% url 'wallet:wallet' %}";
const PAGES = [PAGE, "/api/v1/wallet/documents"];

const worth = (response) => response.ok && !response.redirected && response.type === "basic";
// Sent to the login page (or refused): whoever was logged in is not any more, so forget their pages.
const loggedOut = (response) =>
  response.type === "opaqueredirect" || response.redirected || response.status === 401 || response.status === 403;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(STATIC);
      // The page itself is kept by the page (holder.js, keepPage): fetched from here it could come
      // back in another language than the one the person reads (this worker's requests need not
      // carry the page's language), and outrun the page's own newer copy.
      for (const path of PAGES.filter((path) => path !== PAGE)) {
        try {
          const response = await fetch(path, { credentials: "same-origin" });
          if (worth(response)) await cache.put(path, response);
        } catch (e) {
          // offline while installing: the page is kept the next time it is loaded
        }
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("sahl-wallet-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (worth(response)) await cache.put(key, response.clone());
    else if (PAGES.includes(key) && loggedOut(response)) await Promise.all(PAGES.map((path) => cache.delete(path)));
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (STATIC.includes(url.pathname) || PAGES.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
