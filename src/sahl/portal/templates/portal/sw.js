{% load i18n %}// Sahl's service worker (scope /), ADR 0055. It keeps the app's shell, and the person's own pages
// (home, applications, inbox) as they last came from the network, so that they can be read offline,
// marked "as of" the time they were saved. Nothing else is kept: not a POST, not the back office,
// not any other page. Whoever logs out, the server clears everything (Clear-Site-Data); a page that
// answers with the login page, or another person's page, forgets the saved ones here too.
"use strict";

const SHELL_CACHE = "sahl-shell-{{ version }}";
const PAGES_CACHE = "sahl-pages-v1";
const SHELL = {{ shell|safe }};
const PAGES = {{ pages|safe }};
const OFFLINE = "{% url 'portal:offline' %}";
const LANGUAGES = ["ar", "en"];
// Kept beside the pages: the language of the person's last page and who they are (an opaque mark).
const LANGUAGE_KEY = "/.sahl/language";
const VIEWER_KEY = "/.sahl/viewer";
const ICON = "{{ icon }}";
// The live page says `data-saved-at=""`; its saved copy, shown offline, says when it was saved.
const SAVED_AT = 'data-saved-at=""';
const TITLE = { ar: "{% language 'ar' %}{% translate 'Sahl' %}{% endlanguage %}", en: "{% language 'en' %}{% translate 'Sahl' %}{% endlanguage %}" };

const worth = (response) => response.ok && !response.redirected && response.type === "basic";
const loggedOut = (response) =>
  response.type === "opaqueredirect" || response.redirected || response.status === 401 || response.status === 403;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL);
      // The offline page without the session: it must name no one.
      for (const language of LANGUAGES) {
        const response = await fetch(`${OFFLINE}?lang=${language}`, { credentials: "omit" });
        if (response.ok) await cache.put(`${OFFLINE}?lang=${language}`, response);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("sahl-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function forgetPages() {
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(PAGES.map((path) => cache.delete(path)));
}

// The page tells who is logged in (an opaque mark, "" for nobody): another person's mark means this
// device changed hands without a logout, so the last person's pages and notifications go.
async function seen(viewer) {
  if (!viewer) return;
  const cache = await caches.open(PAGES_CACHE);
  const known = await cache.match(VIEWER_KEY);
  const before = known ? await known.text() : "";
  if (before === viewer) return;
  if (before) {
    await forgetPages();
    const subscription = await self.registration.pushManager.getSubscription();
    if (subscription) await subscription.unsubscribe();
  }
  await cache.put(VIEWER_KEY, new Response(viewer));
}

self.addEventListener("message", (event) => {
  if (event.data && typeof event.data.viewer === "string") event.waitUntil(seen(event.data.viewer));
});

async function rememberLanguage(response) {
  const language = (response.headers.get("Content-Language") || "").slice(0, 2);
  if (!LANGUAGES.includes(language)) return;
  const cache = await caches.open(PAGES_CACHE);
  const known = await cache.match(LANGUAGE_KEY);
  if (!known || (await known.text()) !== language) await cache.put(LANGUAGE_KEY, new Response(language));
}

async function offlinePage() {
  const known = await (await caches.open(PAGES_CACHE)).match(LANGUAGE_KEY);
  const language = known ? await known.text() : "ar";
  return caches.match(`${OFFLINE}?lang=${LANGUAGES.includes(language) ? language : "ar"}`);
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Sahl-Fetched-At", String(Math.floor(Date.now() / 1000)));
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

// A saved page, marked with the time it was saved (the page's script says "as of" in its language).
async function savedCopy(path) {
  const saved = await (await caches.open(PAGES_CACHE)).match(path);
  if (!saved) return null;
  const at = saved.headers.get("X-Sahl-Fetched-At") || "";
  const html = (await saved.text()).replace(SAVED_AT, `data-saved-at="${at}"`);
  // The page's own headers, its Content-Security-Policy first, but for the length it no longer has.
  const headers = new Headers(saved.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return new Response(html, { status: 200, headers });
}

async function page(request, path) {
  try {
    const response = await fetch(request);
    await rememberLanguage(response);
    if (path !== null) {
      const cache = await caches.open(PAGES_CACHE);
      if (worth(response) && (response.headers.get("Content-Type") || "").startsWith("text/html")) {
        await cache.put(path, await stamped(response.clone()));
      } else if (loggedOut(response)) {
        await forgetPages();
      }
    }
    return response;
  } catch (error) {
    const saved = path !== null ? await savedCopy(path) : null;
    return saved || (await offlinePage()) || Response.error();
  }
}

async function shellFile(request) {
  return (await caches.match(request, { cacheName: SHELL_CACHE })) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Only the person's own pages, without a query, are saved; other pages fall back to the offline page.
    const kept = PAGES.includes(url.pathname) && !url.search ? url.pathname : null;
    event.respondWith(page(request, kept));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(request));
  }
});

// --- Notifications ------------------------------------------------------------------------------
// A push carries the inbox title of a message, a link and its language (notifications.channels).

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const english = data.lang === "en";
  const options = {
    body: String(data.title || ""),
    lang: english ? "en" : "ar",
    dir: english ? "ltr" : "rtl",
    icon: ICON,
    tag: String(data.tag || "sahl"),
    data: { url: String(data.url || "/") },
  };
  event.waitUntil(self.registration.showNotification(english ? TITLE.en : TITLE.ar, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL(event.notification.data && event.notification.data.url ? event.notification.data.url : "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
        if (new URL(client.url).pathname === target.pathname && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(target.href);
    })(),
  );
});
