// Partners pages: inline formsets, the province → regency/city list, confirmations.
// No inline scripts (a CSP is coming): everything is wired through data- attributes.
(function () {
  "use strict";

  // "Add another" for Django inline formsets rendered by partners/_formset.html.
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = box.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var template = box.querySelector("[data-formset-template]");
    var list = box.querySelector("[data-formset-forms]");
    box.querySelector("[data-formset-add]").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = list.lastElementChild.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });

  // Show only the regencies and cities of the chosen province (options are grouped by it).
  document.querySelectorAll("select[data-province-filter]").forEach(function (regions) {
    var province = document.getElementById(regions.dataset.provinceFilter);
    if (!province) return;
    function narrow() {
      var chosen = province.selectedIndex > 0 ? province.options[province.selectedIndex].text : "";
      regions.querySelectorAll("optgroup").forEach(function (group) {
        var show = !chosen || group.label === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = regions.options[regions.selectedIndex];
      if (selected && selected.parentElement.disabled) regions.value = "";
    }
    province.addEventListener("change", narrow);
    narrow();
  });

  // Buttons that change data for good ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
})();
