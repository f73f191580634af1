/* Draws the engagement chart from the figure embedded in the page as JSON, on the chart page only.
   No inline script. plotly.js (about 400 KB compressed) is loaded from the URL in data-plotly: at once
   on wide screens; on phones only when the reader asks, so a slow or metered connection is spared it
   (the summary and the events table carry the same information). */
(function () {
  "use strict";
  var holder = document.getElementById("engagement-chart");
  var source = document.getElementById("engagement-figure");
  if (!holder || !source || !holder.dataset.plotly) {
    return;
  }
  var saveData = navigator.connection && navigator.connection.saveData;
  if (window.matchMedia("(min-width: 900px)").matches && !saveData) {
    load();
    return;
  }
  var offer = document.querySelector(".chart-load");
  var button = document.getElementById("chart-load");
  offer.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    load(function () { offer.hidden = true; });
  });

  function load(done) {
    var script = document.createElement("script");
    script.src = holder.dataset.plotly;
    script.onload = function () {
      draw();
      if (done) { done(); }
    };
    document.head.appendChild(script);
  }

  function draw() {
    var figure = JSON.parse(source.textContent);
    if (holder.clientWidth < 600) {
      // Phones: smaller type and a taller chart, so labels and the legend fit without overlapping.
      figure.layout.height = 900;
      figure.layout.font.size = 10;
      figure.layout.legend.font.size = 10;
      figure.layout.legend.y = -0.2;
      figure.layout.yaxis.tickfont = { size: 9 };
    }
    if (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) {
      // Dark scheme: light text and grid, the same colours as the stylesheet's dark palette.
      figure.layout.font.color = "#ece9e3";
      figure.layout.yaxis.gridcolor = "#3b3935";
      (figure.layout.shapes || []).forEach(function (shape) { shape.opacity = 0.12; });
      (figure.layout.annotations || []).forEach(function (note) {
        note.font = Object.assign({}, note.font, { color: "#ece9e3" });
        if (note.bgcolor) { note.bgcolor = "rgba(21,20,19,0.85)"; }
      });
    }
    holder.classList.add("is-drawn");
    if (figure.locale) {
      window.Plotly.register(figure.locale); // Indonesian month names and separators (chart.py)
    }
    window.Plotly.newPlot(holder, figure.data, figure.layout, figure.config).then(function (plot) {
      plot.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var target = point && point.customdata && point.customdata[0];
        if (typeof target === "string" && (target.charAt(0) === "#" || /^[a-z0-9\/._-]+\.html$/.test(target))) {
          window.location.href = target;
        }
      });
    });
  }
})();
