// Filter drop-downs over big tables: the server renders only the chosen option, and Tom
// Select asks the lookup endpoint (data-autocomplete-url) for 20 matches as one types.
// Without this script the <select> still submits the current choice or "All".
(function () {
  "use strict";
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
        }).catch(function () { callback(); });
      }
    });
  }
  function setUpAll() {
    document.querySelectorAll("select[data-autocomplete-url]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
