// Drafts kept on the phone while there is no connection (issue 19), in IndexedDB, and
// their sending. Shared by the mentor's pages (offline.js) and the service worker (sw.js,
// through importScripts), so it uses nothing of a page (no document, no window).
//
// A draft: {key, user, url, fields: [[name, value], …], label, summary, text, created,
// state: "waiting" | "refused" | "sent", reason, location}. `key` is the form's
// idempotency key: the server saves a key once (core/offline.py), so sending again after
// a lost answer never saves twice.
(function (root) {
  "use strict";

  var DB = "kader-offline";
  var DRAFTS = "drafts";
  var META = "meta";
  var SENT_KEPT_MS = 24 * 3600 * 1000;  // a sent draft is listed as "sent" for a day

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function open() {
    var req = root.indexedDB.open(DB, 1);
    req.onupgradeneeded = function () {
      req.result.createObjectStore(DRAFTS, { keyPath: "key" });
      req.result.createObjectStore(META);
    };
    return request(req);
  }

  // One transaction on one store; `work(store)` returns the request whose result is wanted.
  function withStore(name, mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(name, mode);
      var result = request(work(tx.objectStore(name)));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return withStore(DRAFTS, "readonly", function (store) { return store.getAll(); });
  }

  function put(draft) {
    return withStore(DRAFTS, "readwrite", function (store) { return store.put(draft); });
  }

  function remove(key) {
    return withStore(DRAFTS, "readwrite", function (store) { return store.delete(key); });
  }

  function clearStores() {
    return withStore(DRAFTS, "readwrite", function (store) { return store.clear(); })
      .then(function () {
        return withStore(META, "readwrite", function (store) { return store.clear(); });
      });
  }

  // Everything kept for offline use: drafts, the pages the service worker cached.
  function wipe() {
    var caches = root.caches
      ? root.caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return root.caches.delete(name); }));
      })
      : Promise.resolve();
    return Promise.all([clearStores(), caches]);
  }

  // Drafts belong to the person who made them: another person's id on this phone → wipe.
  function claimFor(user) {
    return withStore(META, "readonly", function (store) { return store.get("user"); })
      .then(function (owner) {
        var first = owner === undefined || owner === null;
        return (first || owner === user ? Promise.resolve() : wipe()).then(function () {
          return withStore(META, "readwrite", function (store) { return store.put(user, "user"); });
        });
      });
  }

  function body(fields, token) {
    var data = new URLSearchParams();
    fields.forEach(function (pair) {
      var value = pair[0] === "csrfmiddlewaretoken" && token ? token : pair[1];
      data.append(pair[0], value);
    });
    return data;
  }

  // Sends one draft; resolves to the draft as it is now (sent, refused, or still waiting).
  // Waiting stays waiting for anything but a clear answer: no connection, a server error,
  // an ended login (the login page), a CSRF token renewed at login (403 as HTML).
  function send(draft, token) {
    return root.fetch(draft.url, {
      method: "POST",
      body: body(draft.fields, token),
      credentials: "same-origin",
      headers: { "X-Kader-Offline": "1", "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) { return draft; }
      return response.json().then(function (answer) {
        if (answer.status === "sent") {
          draft.state = "sent";
          draft.location = answer.location;
          draft.sent = Date.now();
        } else if (answer.status === "refused") {
          draft.state = "refused";
          draft.reason = answer.reason;
        }
        return put(draft).then(function () { return draft; });
      });
    }, function () { return draft; });
  }

  // Sends the user's waiting drafts one after another; forgets sent ones after a day.
  function sendAll(user, token) {
    return all().then(function (drafts) {
      var now = Date.now();
      var chain = Promise.resolve();
      drafts.forEach(function (draft) {
        if (user !== null && draft.user !== user) { return; }
        if (draft.state === "sent" && now - draft.sent > SENT_KEPT_MS) {
          chain = chain.then(function () { return remove(draft.key); });
        } else if (draft.state === "waiting") {
          chain = chain.then(function () { return send(draft, token); });
        }
      });
      return chain;
    });
  }

  root.KaderDrafts = {
    all: all, put: put, remove: remove, wipe: wipe, claimFor: claimFor, send: send,
    sendAll: sendAll
  };
})(self);
