// Narrows a city drop-down to the chosen province. Works without it too: the server
// refuses a city outside the province with a message at the field.
(function () {
  "use strict";
  function narrow(province) {
    var form = province.form;
    var city = document.getElementById(province.dataset.narrows);
    if (!form || !city || !form.dataset.citiesUrl) { return; }
    if (!province.value) { return; }
    fetch(form.dataset.citiesUrl + "?province=" + encodeURIComponent(province.value), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      // Read when the list arrives: a city chosen meanwhile is kept.
      var chosen = city.value;
      var blank = city.options[0] && city.options[0].value === "" ? city.options[0] : null;
      city.replaceChildren();
      if (blank) { city.appendChild(blank); }
      data.options.forEach(function (pair) {
        var option = new Option(pair[1], pair[0], false, String(pair[0]) === chosen);
        city.appendChild(option);
      });
    });
  }
  document.querySelectorAll("select[data-narrows]").forEach(function (province) {
    province.addEventListener("change", function () { narrow(province); });
    narrow(province);
  });
})();
