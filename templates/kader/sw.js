// Kader's service worker (issue 19; served by kader.views.service_worker at /sw.js, the
// root scope, never cached: static files have hashed names, so the list below changes
// with them, and so does this script).
//
// - The app shell (the static files of the mentor's pages): cache first, kept on install.
// - The mentor's own pages (home, a mentorship, the forms that work offline): network
//   first, the last copy when there is no connection. No other page is kept: the cache
//   holds only what this mentor may see, and logging out (or another person logging in)
//   clears it (offline.js, Clear-Site-Data).
// - Background Sync "kader-drafts": asks an open page to send the kept drafts, or sends
//   them itself (offline_store.js).
"use strict";

const VERSION = "{{ version }}";
const SHELL = "kader-shell-" + VERSION;
const PAGES = "kader-pages";
const SHELL_FILES = {{ shell|safe }};
const MENTOR_HOME = "{{ mentor_home }}";
const KEPT_PAGES = [
  /^\/programs\/mentor\/$/,
  /^\/programs\/mentorships\/\d+\/$/,
  /^\/programs\/sessions\/new\/$/,
  /^\/programs\/sessions\/\d+\/edit\/$/,
  /^\/programs\/goals\/\d+\/$/,
  /^\/evaluations\/mine\/$/,
  /^\/evaluations\/\d+\/fill\/$/,
];

importScripts("{{ store }}");

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("kader-shell-") && n !== SHELL).map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

function kept(url) {
  return url.origin === self.location.origin && KEPT_PAGES.some((re) => re.test(url.pathname));
}

// A page worth keeping: the page itself, not the login page a redirect led to.
function keepable(request, response) {
  return response.ok && !response.redirected && response.type === "basic" &&
    (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (keepable(request, response)) {
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const copy = (await cache.match(request.url, { ignoreVary: true })) ||
      (await cache.match(new URL(MENTOR_HOME, self.location.origin).href, { ignoreVary: true }));
    if (copy) { return copy; }
    throw error;
  }
}

async function cacheFirst(request) {
  const found = await caches.match(request, { ignoreVary: true });
  if (found) { return found; }
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("{{ static_url }}")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && kept(url)) {
    event.respondWith(networkFirst(request));
  }
});

// The page that registered this worker names what it loaded (offline.js): the first page
// was not under this worker yet, so it is fetched once more into the caches.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(Promise.all(urls.map(async (href) => {
    const url = new URL(href);
    if (url.origin !== self.location.origin) { return; }
    if (url.pathname.startsWith("{{ static_url }}")) {
      if (!(await caches.match(href))) { await cacheFirst(new Request(href)); }
    } else if (kept(url)) {
      const cache = await caches.open(PAGES);
      if (await cache.match(href, { ignoreVary: true })) { return; }
      const response = await fetch(href, { credentials: "same-origin" });
      if (keepable(null, response)) { await cache.put(href, response); }
    }
  }).map((p) => p.catch(() => null))));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "kader-drafts") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((pages) => {
    if (pages.length) {
      pages.forEach((page) => page.postMessage("kader:send"));
      return null;
    }
    // No page open: the token kept with each draft (a login renewed meanwhile refuses it,
    // and the draft waits for the next page opened).
    return self.KaderDrafts.sendAll(null, null);
  }));
});
