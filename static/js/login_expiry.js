// A login that ends while someone types (accounts/login_expiry.py). No inline script: the
// numbers come from the warning's data attributes, the kept form from a JSON data block.
(function () {
  "use strict";

  // --- The warning before the idle timeout ------------------------------------------------
  var box = document.getElementById("login-expiry");
  var KEY = "kader.loginDeadline";  // shared by the tabs: a request in one keeps all alive

  function store(deadline) {
    try { window.localStorage.setItem(KEY, String(deadline)); } catch (e) { /* private mode */ }
    return deadline;
  }

  function stored(fallback) {
    try {
      var value = Number(window.localStorage.getItem(KEY));
      return value > 0 ? value : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function show(when) {
    box.hidden = when === "none";
    box.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.dataset.when !== when;
    });
  }

  if (box) {
    var warnMs = Number(box.dataset.warnSeconds) * 1000;
    var own = store(Date.now() + Number(box.dataset.secondsLeft) * 1000);
    var check = function () {
      var left = Math.max(stored(own), own) - Date.now();
      show(left <= 0 ? "expired" : left <= warnMs ? "warning" : "none");
    };
    // An htmx request counts as activity too; the server notes it at most once a minute.
    var idleMs = Number(box.dataset.idleSeconds) * 1000;
    document.body.addEventListener("htmx:afterRequest", function () {
      own = store(Date.now() + idleMs - 60 * 1000);
      check();
    });
    var form = box.querySelector("form[data-keep-alive]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { logged_in: false };
      }).then(function (data) {
        own = store(data.logged_in ? Date.now() + data.seconds_left * 1000 : Date.now());
        check();
      }).catch(function () { check(); });
    });
    check();
    window.setInterval(check, 5000);
  }

  // --- The form kept when the login ended, given back once -------------------------------
  var draft = document.getElementById("kader-draft");
  if (!draft) { return; }
  var fields = JSON.parse(draft.textContent);
  var names = Object.keys(fields);
  var SKIP = ["hidden", "file", "password", "submit", "button", "reset", "image"];

  // The page's form that has most of the kept fields (not the language switch).
  var target = null;
  var best = 0;
  document.querySelectorAll("form[method=post], form[method=POST]").forEach(function (candidate) {
    var found = names.filter(function (name) { return candidate.elements.namedItem(name); });
    if (found.length > best) { best = found.length; target = candidate; }
  });
  if (!target) { return; }

  var changed = [];
  Array.prototype.forEach.call(target.elements, function (element) {
    var type = (element.type || "").toLowerCase();
    if (!element.name || SKIP.indexOf(type) !== -1) { return; }
    var values = fields[element.name];
    if (type === "checkbox") {
      element.checked = values ? values.indexOf(element.value) !== -1 : false;
    } else if (type === "radio") {
      if (!values) { return; }
      element.checked = values.indexOf(element.value) !== -1;
    } else if (!values) {
      return;
    } else if (element.tagName === "SELECT") {
      Array.prototype.forEach.call(element.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1 && (element.multiple || option.value === values[0]);
      });
      if (element.tomselect) { element.tomselect.sync(); }
    } else {
      // Several inputs may share a name: the n-th gets the n-th value.
      var same = target.querySelectorAll("[name='" + element.name.replace(/['\\]/g, "\\$&") + "']");
      var index = Array.prototype.indexOf.call(same, element);
      element.value = values[index] !== undefined ? values[index] : values[0];
    }
    changed.push(element);
  });
  changed.forEach(function (element) {
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
