// A goal's check-ins against the straight line from baseline to target, from the data the
// page holds in #goal-chart-data; the legend's words come translated in the canvas's
// data-label-* attributes.
(function () {
  "use strict";
  var canvas = document.getElementById("goal-chart");
  var source = document.getElementById("goal-chart-data");
  if (!window.Chart || !canvas || !source) { return; }
  var data = JSON.parse(source.textContent);
  var toPoints = function (rows) {
    return rows.map(function (row) { return {x: Date.parse(row.x), y: row.y}; });
  };
  var day = function (value) { return new Date(value).toISOString().slice(0, 10); };
  new Chart(canvas, {
    type: "line",
    data: {datasets: [
      {label: canvas.dataset.labelCheckins, data: toPoints(data.checkins), borderColor: "#0d6efd", backgroundColor: "#0d6efd", tension: 0},
      {label: canvas.dataset.labelBaseline, data: toPoints(data.baseline), borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0}
    ]},
    options: {
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: {type: "linear", ticks: {callback: day}},
        y: {title: {display: !!data.unit, text: data.unit}}
      },
      plugins: {tooltip: {callbacks: {title: function (items) { return day(items[0].parsed.x); }}}}
    }
  });
})();
