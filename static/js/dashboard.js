// Draws the dashboard's charts from <script type="application/json" id="chart-…"> blocks
// (rendered by json_script); a click on a bar or slice opens the list behind it.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;

  var PALETTE = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997", "#d63384", "#ffc107"];
  var FUNNEL = ["#a3cfbb", "#75b798", "#479f76", "#146c43"];

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#495057";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function healthColour(value) {
    if (value >= 4) return "#198754";
    if (value >= 3) return "#ffc107";
    return "#dc3545";
  }

  function percentColour(value) {
    if (value >= 80) return "#198754";
    if (value >= 50) return "#ffc107";
    return "#dc3545";
  }

  function dataset(spec, set, index) {
    var colour = PALETTE[index % PALETTE.length];
    var out = { label: set.label, data: set.data, borderRadius: 4, maxBarThickness: 28 };
    if (spec.funnel) {
      out.backgroundColor = FUNNEL;
    } else if (spec.scale === "health") {
      out.backgroundColor = set.data.map(healthColour);
    } else if (spec.scale === "percent") {
      out.backgroundColor = set.data.map(percentColour);
    } else if (spec.kind === "doughnut") {
      out.backgroundColor = PALETTE;
      out.borderWidth = 2;
    } else {
      out.backgroundColor = index === 1 && !set.line ? "#dee2e6" : colour;
    }
    if (set.line) {
      Object.assign(out, {
        type: "line", yAxisID: "hours", borderColor: "#fd7e14",
        backgroundColor: "#fd7e14", tension: 0.3, pointRadius: 3,
      });
    }
    return out;
  }

  function options(spec) {
    var horizontal = !!spec.horizontal;
    var valueAxis = horizontal ? "x" : "y";
    var opts = {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: spec.datasets.length > 1 || spec.kind === "doughnut",
                           position: "bottom" } },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      },
    };
    if (spec.kind === "doughnut") return opts;
    opts.scales = {};
    opts.scales[valueAxis] = { beginAtZero: true, stacked: !!spec.stacked,
                               ticks: { precision: 0 } };
    opts.scales[horizontal ? "y" : "x"] = { stacked: !!spec.stacked, grid: { display: false } };
    if (horizontal) {
      // Long agreement and program names would squeeze the bars on a phone: shorten them
      // on the axis (the full name is in the tooltip and in the table).
      var room = window.innerWidth < 576 ? 16 : 30;
      opts.scales.y.ticks = { callback: function (value) {
        var label = this.getLabelForValue(value);
        return label.length > room ? label.slice(0, room - 1) + "…" : label;
      } };
    }
    if (spec.max) opts.scales[valueAxis].max = spec.max;
    if (spec.datasets.some(function (set) { return set.line; })) {
      opts.scales.hours = { position: "right", beginAtZero: true, grid: { display: false } };
    }
    return opts;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var box = canvas.parentElement;
    if (spec.horizontal) box.style.height = Math.max(160, spec.labels.length * 34 + 60) + "px";
    var config = {
      type: spec.kind,
      data: { labels: spec.labels, datasets: spec.datasets.map(function (set, i) {
        return dataset(spec, set, i);
      }) },
      options: options(spec),
    };
    config.options.onClick = function (event, elements) {
      if (elements.length && spec.urls[elements[0].index]) {
        window.location.href = spec.urls[elements[0].index];
      }
    };
    new Chart(canvas, config);
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);

  // Figures built by a worker arrive later: htmx swaps them into #dashboard-body.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var body = document.getElementById("dashboard-body");
    if (body && !body.hasAttribute("hx-get")) {
      body.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
        if (!Chart.getChart(canvas)) draw(canvas);
      });
    }
  });
})();
