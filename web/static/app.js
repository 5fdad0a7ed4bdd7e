// reportsearch's page script: charts from /api/spread and /api/metrics, the reader's
// previous/next match buttons, and sortable tables. No search logic lives here: every
// number comes from the server's JSON, which is the CLI's.
"use strict";

(function () {
  const COLORS = ["#b3261e", "#1b4f9c", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f"];

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
        return body;
      });
    });
  }

  function chartIn(element) {
    // SVG, so the drawing is part of the page (and the browser tests can see it).
    return echarts.init(element, null, { renderer: "svg" });
  }

  function done(element, points) {
    element.dataset.drawn = String(points);
  }

  function fail(element, error) {
    element.textContent = "Could not draw this chart: " + error.message;
    element.dataset.drawn = "error";
  }

  function drawYears(element, data) {
    const years = data.years.map(function (y) { return String(y.year); });
    chartIn(element).setOption({
      animation: false,
      color: COLORS,
      tooltip: { trigger: "axis" },
      legend: { data: ["reports mentioning it", "share of the year's reports"], bottom: 0 },
      grid: { left: 50, right: 60, bottom: 60, top: 40 },
      xAxis: { type: "category", data: years },
      yAxis: [
        { type: "value", name: "reports", minInterval: 1 },
        { type: "value", name: "share", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      ],
      series: [
        { name: "reports mentioning it", type: "bar", data: data.years.map(function (y) { return y.reports; }) },
        { name: "share of the year's reports", type: "line", yAxisIndex: 1, data: data.years.map(function (y) { return y.share; }) },
      ],
    });
    done(element, years.length);
  }

  let outline = null;
  function chinaOutline() {
    if (!outline) {
      outline = getJSON("/static/map/china.json").then(function (geo) {
        echarts.registerMap("china-outline", geo);
      });
    }
    return outline;
  }

  function drawMap(element, data) {
    const places = data.places.filter(function (p) { return p.longitude !== null && p.latitude !== null; });
    const firstYears = places.map(function (p) { return p.first_year; }).filter(function (y) { return y; });
    const maxReports = Math.max.apply(null, [1].concat(places.map(function (p) { return p.reports; })));
    return chinaOutline().then(function () {
      chartIn(element).setOption({
        animation: false,
        tooltip: {
          formatter: function (item) {
            const p = item.data.place;
            return p.place + " (" + p.province + ")<br>" + p.reports + " report(s), first " + (p.first_year || "no year");
          },
        },
        visualMap: firstYears.length ? {
          type: "continuous", dimension: 3, min: Math.min.apply(null, firstYears), max: Math.max.apply(null, firstYears),
          text: ["later", "earlier"], calculable: false, inRange: { color: ["#1b4f9c", "#f0b400", "#b3261e"] }, left: 10, bottom: 10,
        } : undefined,
        geo: {
          map: "china-outline", roam: true, center: [104, 36], zoom: 1.2,
          itemStyle: { areaColor: "#eef1f5", borderColor: "#9aa3af" }, emphasis: { disabled: true },
        },
        series: [{
          type: "scatter", coordinateSystem: "geo",
          symbolSize: function (value) { return 6 + 18 * Math.sqrt(value[2] / maxReports); },
          data: places.map(function (p) {
            return { name: p.place, value: [p.longitude, p.latitude, p.reports, p.first_year || 0], place: p };
          }),
        }],
      });
      done(element, places.length);
    });
  }

  function drawTimeline(element, data) {
    const places = data.places.filter(function (p) { return p.first_year; });
    const names = places.map(function (p) { return p.place; });
    element.style.height = Math.max(200, 60 + 22 * names.length) + "px";
    const used = [];
    places.forEach(function (p, i) {
      p.years.forEach(function (y) { if (y !== p.first_year) used.push([y, i]); });
    });
    chartIn(element).setOption({
      animation: false,
      tooltip: { formatter: function (item) { return names[item.value[1]] + ": " + item.value[0]; } },
      grid: { left: 120, right: 30, top: 30, bottom: 30 },
      xAxis: { type: "value", minInterval: 1, scale: true, axisLabel: { formatter: String } },
      yAxis: { type: "category", data: names, inverse: true },
      legend: { data: ["first mention", "later mentions"], top: 0 },
      series: [
        { name: "first mention", type: "scatter", symbolSize: 14, itemStyle: { color: "#b3261e" },
          data: places.map(function (p, i) { return [p.first_year, i]; }) },
        { name: "later mentions", type: "scatter", symbolSize: 8, itemStyle: { color: "#9aa3af" }, data: used },
      ],
    });
    done(element, names.length);
  }

  function drawMetric(element, data) {
    const byPlace = {};
    data.rows.forEach(function (row) {
      const place = row.district || row.city || row.province || row.report;
      (byPlace[place] = byPlace[place] || []).push([row.year, row.value, row.unit, row.report]);
    });
    const series = Object.keys(byPlace).sort().map(function (place) {
      return { name: place, type: "scatter", symbolSize: 10, data: byPlace[place].filter(function (v) { return v[0]; }) };
    });
    // The unit on the axis when the figures share one; mixed units are said, not hidden.
    const units = Array.from(new Set(data.rows.map(function (row) { return row.unit || ""; })));
    const unit = units.length === 1 ? units[0] : null;
    const axisName = data.indicator + (unit ? " (" + unit + ")" : units.length > 1 ? " (mixed units: " + units.join(", ") + ")" : "");
    chartIn(element).setOption({
      animation: false,
      tooltip: { formatter: function (item) { return item.seriesName + " " + item.value[0] + ": " + item.value[1] + " " + item.value[2]; } },
      // Space between the legend's icons and their labels, and between entries.
      legend: { type: "scroll", top: 0, itemGap: 20, itemWidth: 14, textStyle: { padding: [0, 0, 0, 4] } },
      grid: { left: 70, right: 40, top: 56, bottom: 40, containLabel: true },
      // A year of room on each side: no dot sits on the plot's edge.
      xAxis: {
        type: "value", minInterval: 1, name: "year", nameLocation: "middle", nameGap: 26,
        min: function (extent) { return Math.floor(extent.min) - 1; },
        max: function (extent) { return Math.ceil(extent.max) + 1; },
        axisLabel: { formatter: function (v) { return Number.isInteger(v) ? String(v) : ""; } },
      },
      // From zero (a share of 93% is not drawn as nearly nothing), with headroom above the
      // largest figure; the unlabeled top is that headroom, not a value.
      yAxis: {
        type: "value", name: axisName, nameTextStyle: { align: "left" },
        min: function (extent) { return Math.min(0, extent.min * 1.08); },
        max: function (extent) { return extent.max > 0 ? extent.max * 1.08 : 1; },
        axisLabel: { showMaxLabel: false, formatter: function (v) { return unit === "%" ? v + "%" : String(v); } },
      },
      series: series,
    });
    done(element, data.rows.length);
  }

  const DRAW = { years: drawYears, map: drawMap, timeline: drawTimeline, metric: drawMetric };

  function drawCharts() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      getJSON(element.dataset.src)
        .then(function (data) { return DRAW[element.dataset.chart](element, data); })
        .catch(function (error) { fail(element, error); });
    });
  }

  // The reader: previous/next match, starting from the passage in the address.
  function matchButtons() {
    const marks = Array.prototype.slice.call(document.querySelectorAll(".report .body mark"));
    const prev = document.getElementById("prev-match");
    const next = document.getElementById("next-match");
    const position = document.getElementById("match-position");
    if (!prev || !next || !marks.length) return;
    let current = -1;
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target) {
      const inside = marks.findIndex(function (m) { return target.contains(m); });
      if (inside >= 0) current = inside - 1;
    }
    function go(step) {
      if (current >= 0) marks[current].classList.remove("current");
      current = (current + step + marks.length) % marks.length;
      marks[current].classList.add("current");
      marks[current].scrollIntoView({ block: "center" });
      position.textContent = (current + 1) + " / " + marks.length;
    }
    prev.addEventListener("click", function () { go(current < 0 ? 0 : -1); });
    next.addEventListener("click", function () { go(1); });
  }

  function sortableTables() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      const headers = table.querySelectorAll("th");
      headers.forEach(function (th, column) {
        th.addEventListener("click", function () {
          const ascending = th.getAttribute("aria-sort") !== "ascending";
          headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          const body = table.tBodies[0];
          const rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            const x = a.cells[column].textContent.trim();
            const y = b.cells[column].textContent.trim();
            const nx = parseFloat(x), ny = parseFloat(y);
            const order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh-Hans-CN");
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    matchButtons();
    sortableTables();
  });
})();
