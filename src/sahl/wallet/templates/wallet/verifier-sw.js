{% load static %}// The verifier page's service worker (scope /verifier/): the page, its scripts and styles are
// saved when it installs, so the page opens without a network; the issuer's keys, the status
// lists and the type metadata are fetched from the network first and saved, and a saved copy is
// answered only when the network fails. A saved copy carries X-Sahl-Fetched-At (Unix seconds), so
// the page can say "status as of" the time it was fetched.
"use strict";

const CACHE = "sahl-verifier-v1";
const PAGE = "{% url 'wallet:verifier' %}";
const SHELL = [
  PAGE,
  "{% url 'wallet:verifier_manifest' %}",
  "{% static 'ui/sahl.css' %}",
  "{% static 'ui/app.js' %}",
  "{% static 'ui/favicon.svg' %}",
  "{% static 'wallet/wallet.css' %}",
  "{% static 'wallet/jose.js' %}",
  "{% static 'wallet/vendor/jose.js' %}",
  "{% static 'wallet/verify.js' %}",
  "{% static 'wallet/verifier.js' %}",
  "{% static 'wallet/vendor/jsQR.js' %}",
  "{% static 'wallet/verifier-192.png' %}",
  "{% static 'wallet/verifier-512.png' %}",
];
const SHELL_PATHS = new Set(SHELL.map((url) => new URL(url, self.location.origin).pathname));

function networkFirst(url) {
  const path = url.pathname;
  return (
    SHELL_PATHS.has(path) ||
    path === "/.well-known/jwt-vc-issuer" ||
    path === "/.well-known/openid-credential-issuer" ||
    path === "/wallet/status" ||
    path.startsWith("/wallet/status/") ||
    path.startsWith("/vct/")
  );
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Sahl-Fetched-At", String(Math.floor(Date.now() / 1000)));
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of SHELL) {
        const response = await fetch(url, { cache: "no-cache" });
        if (response.ok) await cache.put(url, await stamped(response));
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith("sahl-verifier-v") && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

async function answer(request) {
  const url = new URL(request.url);
  const key = url.pathname === PAGE ? PAGE : request;
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, await stamped(response.clone()));
    return response;
  } catch (error) {
    const saved = await cache.match(key, { ignoreSearch: url.pathname === PAGE, ignoreVary: true });
    if (saved) return saved;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !networkFirst(url)) return;
  event.respondWith(answer(request));
});
