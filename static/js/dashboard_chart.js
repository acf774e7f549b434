// The dashboard's carry-over chart, from the data the page holds in #carry-chart-data.
(function () {
  "use strict";
  var canvas = document.getElementById("carry-chart");
  var source = document.getElementById("carry-chart-data");
  if (!window.Chart || !canvas || !source) { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    // Bars: a month with reviews stands on its own, months without one stay empty; a
    // minimal bar tells 0% from no finding due.
    type: "bar",
    data: {labels: data.labels, datasets: data.datasets.map(function (set) {
      return {label: set.label, data: set.data, minBarLength: 3};
    })},
    options: {scales: {y: {min: 0, max: 100, ticks: {callback: function (v) { return v + "%"; }}}}}
  });
})();
