// The dashboards' charts, drawn with the vendored ECharts from the JSON the page carries in
// data-board (the same as /console/api/metrics answers). Text comes from data-texts and the
// board's labels: this file holds no words of its own. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board || typeof echarts === "undefined") { return; }
  var data = JSON.parse(board.dataset.board);
  var texts = JSON.parse(board.dataset.texts);
  var charts = [];

  function figure(key) {
    for (var i = 0; i < data.figures.length; i++) {
      if (data.figures[i].key === key) { return data.figures[i]; }
    }
    return null;
  }

  function label(dimension, key) {
    var names = data.labels[dimension] || {};
    return names[key] || texts[key] || key;
  }

  function percent(value) {
    return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
  }

  function members(fig, dimension) {
    return fig && fig.by && fig.by[dimension] ? Object.keys(fig.by[dimension]).sort() : [];
  }

  function bars(categories, series, options) {
    options = options || {};
    return {
      tooltip: { trigger: "axis" },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 16, bottom: 8,
              containLabel: true },
      xAxis: options.horizontal ? { type: "value", name: options.unit || "" }
                                : { type: "category", data: categories,
                                    axisLabel: { interval: 0, rotate: categories.length > 5 ? 30 : 0 } },
      yAxis: options.horizontal ? { type: "category", data: categories }
                                : { type: "value", name: options.unit || "", max: options.max },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, stack: options.stack,
                 label: { show: !options.stack, position: options.horizontal ? "right" : "top" } };
      })
    };
  }

  var draw = {
    trend: function () {
      var weeks = data.trend || [];
      var stat = function (name) {
        return weeks.map(function (w) { return w.wall ? w.wall[name] : null; });
      };
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: weeks.map(function (w) { return w.week; }) },
        yAxis: { type: "value", name: texts.hours },
        series: ["mean", "median", "p90"].map(function (name) {
          return { name: texts[name], type: "line", data: stat(name), connectNulls: true };
        })
      };
    },
    sla: function () {
      var resolution = figure("sla_resolution"), response = figure("sla_response");
      var services = members(resolution, "service");
      members(response, "service").forEach(function (s) {
        if (services.indexOf(s) < 0) { services.push(s); }
      });
      var series = [resolution, response].map(function (fig, i) {
        return { name: texts[i === 0 ? "sla_resolution" : "sla_response"],
                 data: services.map(function (s) {
                   var sub = fig && fig.by.service ? fig.by.service[s] : null;
                   return sub ? percent(sub.value) : null;
                 }) };
      });
      return bars(services.map(function (s) { return label("service", s); }), series,
                  { unit: texts.percent, max: 100 });
    },
    backlog_age: function () {
      var backlog = figure("backlog");
      var buckets = ["0-1d", "1-3d", "3-7d", ">7d"];
      var age = backlog && backlog.by.age ? backlog.by.age : {};
      return bars(buckets, [{ name: texts.count, data: buckets.map(function (b) {
        return age[b] ? age[b].value : 0;
      }) }], { unit: texts.count });
    },
    stages: function () {
      var stages = figure("stage_time");
      var names = ["approval", "claim_wait", "work", "requester_wait", "confirmation", "other"];
      var services = members(stages, "service");
      var rows = services.length ? services.map(function (s) { return stages.by.service[s]; })
                                 : (stages ? [stages] : []);
      var categories = services.length ? services.map(function (s) { return label("service", s); })
                                       : rows.map(function () { return data.period.label; });
      return bars(categories, names.map(function (stage) {
        return { name: texts[stage], data: rows.map(function (row) {
          var value = row.parts ? row.parts[stage] : null;
          return value === null || value === undefined ? 0 : Math.round(value * 10) / 10;
        }) };
      }), { stack: "stages", horizontal: true, unit: texts.hours });
    },
    quality_rates: function () {
      var keys = ["first_pass", "missing_information", "duplicates", "complaints"];
      return bars(keys.map(function (k) { return texts[k]; }), [{
        name: texts.percent,
        data: keys.map(function (k) { var f = figure(k); return f ? percent(f.value) : null; })
      }], { unit: texts.percent, max: 100 });
    },
    csat: function () {
      var csat = figure("csat");
      var scores = ["1", "2", "3", "4", "5"];
      return bars(scores, [{ name: texts.count, data: scores.map(function (s) {
        return csat && csat.parts[s] ? csat.parts[s] : 0;
      }) }], { unit: texts.count });
    },
    exceptions_service: function () { return exceptionsBy("service"); },
    exceptions_reason: function () { return exceptionsBy("reason"); },
    exceptions_impact: function () {
      var fig = figure("exceptions");
      var keys = members(fig, "impact");
      return {
        tooltip: { trigger: "item" },
        legend: { top: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], top: 24,
                   data: keys.length ? keys.map(function (k) {
                     return { name: label("impact", k), value: fig.by.impact[k].value };
                   }) : [{ name: texts.none, value: 0 }] }]
      };
    }
  };

  function exceptionsBy(dimension) {
    var fig = figure("exceptions");
    var keys = members(fig, dimension);
    return bars(keys.map(function (k) { return label(dimension, k); }),
                [{ name: texts.granted, data: keys.map(function (k) {
                  return fig.by[dimension][k].value;
                }) }], { unit: texts.count });
  }

  var containers = document.querySelectorAll("[data-chart]");
  Array.prototype.forEach.call(containers, function (element) {
    var make = draw[element.dataset.chart];
    if (!make) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(make());
    element.dataset.drawn = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });

  // The period selector: a custom period takes its from/to days, the others do not.
  var kind = document.getElementById("period-kind");
  if (kind) {
    kind.addEventListener("change", function () {
      var custom = kind.value === "custom";
      Array.prototype.forEach.call(document.querySelectorAll(".custom-range input"),
                                   function (input) { input.disabled = !custom; });
    });
  }
}());
