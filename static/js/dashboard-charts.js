// Draws the staff dashboard's charts with the vendored Chart.js. The numbers and their translated
// labels come from the page (<script type="application/json" id="dashboard-charts">, written by
// Django's json_script); each <canvas data-chart="KEY"> draws the series of KEY. No inline script,
// so the page works under a Content-Security-Policy without 'unsafe-inline'. Without JavaScript
// the tables beside the charts carry the same numbers.
(function () {
  "use strict";

  const COLOURS = ["#198754", "#dc3545", "#6c757d", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997", "#0dcaf0"];

  function draw(canvas, chart) {
    const horizontal = canvas.dataset.axis === "y";
    const valueAxis = horizontal ? "x" : "y";
    const scales = {
      x: { stacked: Boolean(chart.stacked), beginAtZero: true },
      y: { stacked: Boolean(chart.stacked), beginAtZero: true },
    };
    scales[valueAxis].ticks = { precision: 0 };
    if (canvas.dataset.max) scales[valueAxis].suggestedMax = Number(canvas.dataset.max);
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, index) {
          return { label: series.label, data: series.data, backgroundColor: COLOURS[index % COLOURS.length] };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        maintainAspectRatio: false,
        scales: scales,
        plugins: { legend: { display: chart.series.length > 1, position: "bottom" } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const source = document.getElementById("dashboard-charts");
    if (!source || !window.Chart) return;
    const charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const chart = charts[canvas.dataset.chart];
      if (chart && chart.labels.length) draw(canvas, chart);
    });
  });
})();
