// Filter drop-downs over big tables: the server renders only the chosen option, and Tom
// Select asks the lookup endpoint (data-autocomplete-url) for 20 matches as one types.
// Without this script the <select> still submits the current choice or "All".
// Tom Select itself (its script and style, named by this script's data-library and
// data-style) is fetched only by a page that has such a <select>: most pages have none.
(function () {
  "use strict";
  var self = document.currentScript;
  var loading = null;
  function loadLibrary() {
    if (typeof TomSelect !== "undefined") { return Promise.resolve(); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = self.dataset.style;
        document.head.appendChild(style);
        var script = document.createElement("script");
        script.src = self.dataset.library;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") { return; }
    var url = select.dataset.autocompleteUrl;
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: true,
      shouldLoad: function () { return true; },
      // The server has already ranked and scoped the matches: keep its order.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var control = this;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        }).then(function (data) {
          // Only this answer's matches: not the ones loaded for earlier keystrokes.
          control.clearOptions();
          callback(data.results);
          // Typed while this answer was on its way (the list asked for on focus, say):
          // ask for what the box says now, or the list would stay the earlier one.
          var now = control.inputValue();
          if (now !== query && control.canLoad(now)) { control.load(now); }
        }).catch(function () { callback(); });
      }
    });
  }
  function setUpAll() {
    var selects = document.querySelectorAll("select[data-autocomplete-url]");
    if (!selects.length) { return; }
    loadLibrary().then(function () { selects.forEach(setUp); }, function () {});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
