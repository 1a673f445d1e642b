// A mentor's pages without a connection (issue 19; README "Offline mode"). Loaded by
// templates/kader/_offline.html on the mentor's pages, after offline_store.js.
//
// - Registers the service worker (/sw.js) that keeps these pages and their static files.
// - A form marked `data-offline-form` is sent by this script, with its idempotency key: with
//   no connection, or when the answer is lost, it is kept on the phone as "waiting to send"
//   and sent when the connection returns (Background Sync, the `online` event, the next
//   page opened). Any answer but "saved" goes to the ordinary form post, so errors show at
//   the fields as before.
// - Lists the drafts kept: waiting, not sent (with the server's reason; discard or copy
//   the text), sent.
// - Drafts and cached pages belong to one person: another user id → all wiped; logging out
//   wipes them too.
(function () {
  "use strict";

  var config = document.getElementById("kader-offline");
  if (!config || !window.KaderDrafts) { return; }
  var drafts = window.KaderDrafts;
  var words = config.dataset;
  var user = Number(config.dataset.user);
  var list = document.querySelector("#offline-drafts ul");
  var sending = null;

  function newKey() {
    if (window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  function token() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : null;
  }

  // --- The list of drafts ----------------------------------------------------------------
  function button(text, testid, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-outline-secondary btn-sm";
    b.textContent = text;
    b.dataset.testid = testid;
    b.addEventListener("click", action);
    return b;
  }

  function item(draft) {
    var li = document.createElement("li");
    li.className = "list-group-item";
    li.dataset.testid = "offline-draft";
    li.dataset.state = draft.state;
    var badge = document.createElement("span");
    var styles = { waiting: "text-bg-warning", refused: "text-bg-danger", sent: "text-bg-success" };
    badge.className = "badge me-2 " + styles[draft.state];
    badge.dataset.testid = "draft-state";
    badge.textContent = words[draft.state];
    var what = document.createElement("span");
    what.className = "fw-semibold";
    what.textContent = draft.label + (draft.summary ? " · " + draft.summary : "");
    li.append(badge, what);
    var when = document.createElement("div");
    when.className = "small text-body-secondary";
    when.textContent = new Date(draft.created).toLocaleString(document.documentElement.lang);
    li.append(when);
    if (draft.state === "refused") {
      var reason = document.createElement("p");
      reason.className = "small text-danger mb-2";
      reason.dataset.testid = "draft-reason";
      reason.textContent = draft.reason;
      var actions = document.createElement("div");
      actions.className = "d-flex flex-wrap gap-2";
      var copy = button(words.copy, "draft-copy", function () {
        navigator.clipboard.writeText(draft.text).then(function () { copy.textContent = words.copied; });
      });
      var discard = button(words.discard, "draft-discard", function () {
        if (window.confirm(words.confirmDiscard)) { drafts.remove(draft.key).then(show); }
      });
      actions.append(copy, discard);
      li.append(reason, actions);
    } else if (draft.state === "sent" && draft.location) {
      var link = document.createElement("a");
      link.href = draft.location;
      link.className = "small ms-2";
      link.textContent = words.open;
      li.append(link);
    }
    return li;
  }

  function show() {
    if (!list) { return Promise.resolve(); }
    return drafts.all().then(function (kept) {
      var own = kept.filter(function (d) { return d.user === user; });
      own.sort(function (a, b) { return b.created - a.created; });
      list.replaceChildren.apply(list, own.map(item));
      list.parentElement.hidden = own.length === 0;
    });
  }

  function sendWaiting() {
    if (!navigator.onLine) { return show(); }
    if (!sending) {
      sending = drafts.sendAll(user, token()).then(show, show).then(function () { sending = null; });
    }
    return sending;
  }

  // --- Forms that work offline -----------------------------------------------------------
  function fields(form, submitter) {
    var data = new FormData(form, submitter);
    var pairs = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") { pairs.push([name, value]); }
    });
    return pairs;
  }

  // What the mentor typed, to copy if the draft cannot be sent: labels and values.
  function readable(form) {
    var lines = [];
    form.querySelectorAll("textarea, input:not([type=hidden]), select").forEach(function (field) {
      if (!field.name || field.type === "submit") { return; }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      var value = field.tagName === "SELECT" && field.selectedIndex >= 0
        ? field.options[field.selectedIndex].text : field.value;
      if (!value) { return; }
      var label = field.labels && field.labels.length ? field.labels[0].textContent.trim() : field.name;
      lines.push(label + ": " + value);
    });
    return lines.join("\n");
  }

  function summary(form) {
    var select = form.querySelector("select[name=mentorship]");
    if (select && select.selectedIndex >= 0 && select.value) {
      return select.options[select.selectedIndex].text;
    }
    return form.dataset.offlineSummary || "";
  }

  function keep(form, submitter) {
    var draft = {
      key: form.querySelector("[data-offline-key]").value,
      user: user,
      url: form.action || window.location.href,
      fields: fields(form, submitter),
      label: form.dataset.offlineLabel,
      summary: summary(form),
      text: readable(form),
      created: Date.now(),
      state: "waiting"
    };
    return drafts.put(draft).then(function () {
      form.reset();
      form.querySelector("[data-offline-key]").value = newKey();
      var note = document.getElementById("offline-kept");
      if (!note) {
        note = document.createElement("div");
        note.id = "offline-kept";
        note.className = "alert alert-warning";
        note.setAttribute("role", "status");
        note.dataset.testid = "offline-kept";
        form.before(note);
      }
      note.textContent = words.kept;
      note.scrollIntoView();
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (reg) {
          return reg.sync ? reg.sync.register("kader-drafts") : null;
        }).catch(function () { /* no Background Sync: the online event and next open */ });
      }
      return show();
    });
  }

  function ordinaryPost(form, submitter) {
    form.dataset.ordinary = "1";
    form.requestSubmit(submitter || undefined);
  }

  function watch(form) {
    var key = form.querySelector("[data-offline-key]");
    if (!key) { return; }
    key.value = newKey();  // a cached page repeats its key: every page shown gets its own
    form.addEventListener("submit", function (event) {
      if (form.dataset.ordinary || event.defaultPrevented) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      if (!navigator.onLine) { keep(form, submitter); return; }
      var draft = { key: key.value, url: form.action || window.location.href, fields: fields(form, submitter) };
      window.fetch(draft.url, {
        method: "POST",
        body: new URLSearchParams(draft.fields),
        credentials: "same-origin",
        headers: { "X-Kader-Offline": "1", "Accept": "application/json" }
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return json ? response.json() : {};
      }).then(function (answer) {
        if (answer.status === "sent") {
          window.location.assign(answer.location);
        } else {
          ordinaryPost(form, submitter);  // errors at the fields, messages: as before
        }
      }, function () {
        keep(form, submitter);  // the answer was lost: kept, and sent again with this key
      });
    });
  }

  // --- Logging out wipes what the phone kept ------------------------------------------
  document.querySelectorAll("form[action$='/accounts/logout/']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.wiped) { return; }
      event.preventDefault();
      drafts.wipe().then(function () {
        form.dataset.wiped = "1";
        form.requestSubmit();
      });
    });
  });

  if (config.dataset.loggedOut !== undefined) {
    drafts.wipe();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.getRegistrations().then(function (regs) {
        regs.forEach(function (reg) { reg.unregister(); });
      });
    }
    return;
  }

  // --- Start ---------------------------------------------------------------------------
  document.querySelectorAll("form[data-offline-form]").forEach(watch);
  drafts.claimFor(user).then(function () {
    window.addEventListener("online", sendWaiting);
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data === "kader:send") { sendWaiting(); }
      });
      navigator.serviceWorker.register(config.dataset.worker, { scope: "/" }).then(function (reg) {
        return navigator.serviceWorker.ready.then(function () {
          // Keep this page and what it loaded, for the next time there is no connection.
          var urls = [window.location.href];
          document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
            urls.push(el.href || el.src);
          });
          if (reg.active) { reg.active.postMessage({ keep: urls }); }
        });
      }).catch(function () { /* no service worker: drafts still work */ });
    }
    return sendWaiting();
  });
})();
