/* A "Chart" view of the workbench's results (a YASR plugin), offered when a SELECT answer has
   a numeric column and something to draw it against: a date column, a second numeric column
   (months from the index date, say), or else the rows' first other column. An IRI column of
   2 to 8 values (the patients, say) splits the points into series. Drawn as SVG with DOM
   calls (text is never parsed as markup), in neutral greys and slate, told apart by dash and
   marker shape: no colour reads as good or bad. Cells without a number (a censored ">97",
   an empty cell) are not drawn, and the caption says how many and which. */
(function () {
  "use strict";
  if (typeof window.Yasgui !== "function") { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBER = /^(integer|decimal|double|float|long|int|short|byte|(non)?(negative|positive)Integer|unsigned(Long|Int|Short|Byte))$/;
  var DATE = /^(date|dateTime|dateTimeStamp)$/;
  var INK = ["#2f3e4e", "#6b7785", "#4d5d70", "#9aa3ad", "#1f2933", "#7d8a99", "#3e4c59", "#b0b7bf"];
  var DASH = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3"];
  var MAX_SERIES = 8;

  function datatype(cell) {
    return cell && cell.type === "literal" && cell.datatype && cell.datatype.indexOf(XSD) === 0
      ? cell.datatype.slice(XSD.length) : "";
  }
  function number(cell) {
    return NUMBER.test(datatype(cell)) && isFinite(Number(cell.value)) ? Number(cell.value) : null;
  }
  function date(cell) {
    var time = DATE.test(datatype(cell)) ? Date.parse(cell.value) : NaN;
    return isNaN(time) ? null : time;
  }

  /* What to draw: {x, kind ("date" | "number" | "row"), ys, group} or null. */
  function plan(results) {
    if (!results || typeof results.getBindings !== "function") { return null; }
    var rows = results.getBindings() || [];
    var vars = results.getVariables() || [];
    if (rows.length < 2) { return null; }
    var kinds = {};
    vars.forEach(function (v) {
      var filled = rows.filter(function (r) { return r[v] && r[v].value !== ""; });
      var nums = filled.filter(function (r) { return number(r[v]) !== null; }).length;
      var dates = filled.filter(function (r) { return date(r[v]) !== null; }).length;
      var iris = filled.filter(function (r) { return r[v].type === "uri"; });
      var distinct = {};
      iris.forEach(function (r) { distinct[r[v].value] = true; });
      kinds[v] = dates && dates === filled.length ? "date" : nums && nums * 2 >= filled.length
        ? "number" : iris.length === filled.length && filled.length &&
        Object.keys(distinct).length >= 2 && Object.keys(distinct).length <= MAX_SERIES
          ? "group" : "other";
    });
    var numeric = vars.filter(function (v) { return kinds[v] === "number"; });
    var dated = vars.filter(function (v) { return kinds[v] === "date"; });
    var x = dated[0] || (numeric.length >= 2 ? numeric[0] : null);
    var ys = numeric.filter(function (v) { return v !== x; });
    if (!ys.length) { return null; }
    var group = x ? vars.filter(function (v) { return kinds[v] === "group"; })[0] || null : null;
    var label = x ? null : vars.filter(function (v) { return kinds[v] !== "number"; })[0] || null;
    return { x: x || label, kind: dated[0] ? "date" : x ? "number" : "row", ys: ys, group: group,
             rows: rows };
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x, y, content, anchor) {
    var node = el("text", { x: x, y: y, "text-anchor": anchor || "middle", "class": "kg-chart-text" },
                  parent);
    node.textContent = content;
    return node;
  }
  function ticks(low, high, count) {
    if (low === high) { return [low]; }
    var step = Math.pow(10, Math.floor(Math.log10((high - low) / count)));
    [1, 2, 5, 10].some(function (m) { if ((high - low) / (step * m) <= count) { step *= m; return true; } return false; });
    var out = [];
    for (var t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) { out.push(+t.toPrecision(12)); }
    return out;
  }
  function shortName(cell) {
    if (!cell) { return ""; }
    var known = window.kgLabels && window.kgLabels.known[cell.value];
    if (known) { return known; }
    var value = cell.value;
    return cell.type === "uri" ? value.replace(/^.*[\/#]/, "") : value;
  }
  function marker(g, shape, cx, cy, ink) {
    var s = 4;
    if (shape === 1) { return el("rect", { x: cx - s, y: cy - s, width: 2 * s, height: 2 * s, fill: ink }, g); }
    if (shape === 2) { return el("path", { d: "M" + cx + "," + (cy - s - 1) + "L" + (cx + s + 1) + "," + (cy + s) + "L" + (cx - s - 1) + "," + (cy + s) + "Z", fill: ink }, g); }
    if (shape === 3) { return el("path", { d: "M" + cx + "," + (cy - s - 1) + "L" + (cx + s + 1) + "," + cy + "L" + cx + "," + (cy + s + 1) + "L" + (cx - s - 1) + "," + cy + "Z", fill: ink }, g); }
    return el("circle", { cx: cx, cy: cy, r: s, fill: ink }, g);
  }

  function draw(p, width) {
    var series = [];
    var skipped = [];
    var groups = [];
    p.rows.forEach(function (r) {
      var key = p.group && r[p.group] ? r[p.group].value : "";
      if (groups.indexOf(key) < 0) { groups.push(key); }
    });
    p.ys.forEach(function (y) {
      groups.forEach(function (key) {
        if (series.length >= MAX_SERIES) { return; }
        var points = [];
        p.rows.forEach(function (r, i) {
          if (p.group && (r[p.group] ? r[p.group].value : "") !== key) { return; }
          var xv = p.kind === "date" ? date(r[p.x]) : p.kind === "number" ? number(r[p.x]) : i;
          var yv = number(r[y]);
          if (xv === null || yv === null) {
            skipped.push({ column: y, row: i + 1, shown: r[y] ? r[y].value : "" });
            return;
          }
          points.push({ x: xv, y: yv, row: r, index: i });
        });
        var name = y + (p.group ? " · " + shortName({ type: "uri", value: key }) : "");
        series.push({ name: name, points: points.sort(function (a, b) { return a.x - b.x; }) });
      });
    });
    var all = [].concat.apply([], series.map(function (s) { return s.points; }));
    var height = 340;
    var m = { left: 64, right: 20, top: 16, bottom: p.kind === "row" ? 90 : 48 };
    var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                          role: "img", "class": "kg-chart" });
    var xs = all.map(function (q) { return q.x; });
    var ysAll = all.map(function (q) { return q.y; }).concat([0]);
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ysAll), y1 = Math.max.apply(null, ysAll);
    if (p.kind === "row") { x0 = -0.5; x1 = p.rows.length - 0.5; }
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { y1 += 1; }
    var yTicks = ticks(y0, y1, 6);
    var yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
    if (yTicks[yTicks.length - 1] < y1) { y1 = yTicks[yTicks.length - 1] + yStep; }  // headroom
    if (yTicks[0] > y0) { y0 = yTicks[0] - yStep; }
    function sx(v) { return m.left + (v - x0) / (x1 - x0) * (width - m.left - m.right); }
    function sy(v) { return height - m.bottom - (v - y0) / (y1 - y0) * (height - m.top - m.bottom); }
    var axes = el("g", { "class": "kg-chart-axes" }, svg);
    el("line", { x1: m.left, y1: sy(y0), x2: width - m.right, y2: sy(y0) }, axes);
    el("line", { x1: m.left, y1: m.top, x2: m.left, y2: height - m.bottom }, axes);
    ticks(y0, y1, 6).forEach(function (t) {
      el("line", { x1: m.left - 4, y1: sy(t), x2: width - m.right, y2: sy(t), "class": "kg-chart-grid" }, axes);
      text(axes, m.left - 8, sy(t) + 4, String(t), "end");
    });
    if (p.kind === "row") {
      p.rows.forEach(function (r, i) {
        var t = text(axes, sx(i), height - m.bottom + 14, shortName(r[p.x]).slice(0, 24), "end");
        t.setAttribute("transform", "rotate(-35 " + sx(i) + " " + (height - m.bottom + 14) + ")");
      });
    } else {
      ticks(x0, x1, 8).forEach(function (t) {
        text(axes, sx(t), height - m.bottom + 16,
             p.kind === "date" ? new Date(t).toISOString().slice(0, 10) : String(t));
      });
      text(axes, (m.left + width - m.right) / 2, height - 8, p.x);
    }
    series.forEach(function (s, k) {
      var g = el("g", { "class": "kg-chart-series", "data-series": s.name }, svg);
      var ink = INK[k % INK.length];
      if (p.kind !== "row" && s.points.length > 1) {
        el("polyline", { points: s.points.map(function (q) { return sx(q.x) + "," + sy(q.y); }).join(" "),
                         fill: "none", stroke: ink, "stroke-width": 1.5,
                         "stroke-dasharray": DASH[k % DASH.length] }, g);
      }
      s.points.forEach(function (q) {
        var dot = marker(g, k % 4, sx(q.x), sy(q.y), ink);
        dot.setAttribute("class", "kg-chart-point");
        var title = el("title", {}, dot);
        title.textContent = s.name + ": " + q.y + " (row " + (q.index + 1) + ")";
      });
    });
    return { svg: svg, series: series, skipped: skipped };
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 1;  // the table stays the default view
    this.label = "Chart";
  }
  ChartPlugin.prototype.canHandleResults = function () { return plan(this.yasr.results) !== null; };
  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("div");
    var svg = el("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true" }, icon);
    el("polyline", { points: "1,14 5,8 9,10 15,2", fill: "none", stroke: "currentColor", "stroke-width": 2 }, svg);
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    var p = plan(this.yasr.results);
    if (!p) { return; }
    var figure = document.createElement("figure");
    figure.className = "kg-chart-figure";
    var width = Math.max(480, Math.min(1100, (this.yasr.resultsEl.clientWidth || 900) - 16));
    var drawn = draw(p, width);
    figure.appendChild(drawn.svg);
    var legend = document.createElement("ul");
    legend.className = "kg-chart-legend";
    drawn.series.forEach(function (s, k) {
      var item = document.createElement("li");
      var key = el("svg", { width: 28, height: 10, "aria-hidden": "true" }, item);
      el("line", { x1: 0, y1: 5, x2: 28, y2: 5, stroke: INK[k % INK.length], "stroke-width": 2,
                   "stroke-dasharray": DASH[k % DASH.length] }, key);
      item.appendChild(document.createTextNode(s.name + " (" + s.points.length + ")"));
      legend.appendChild(item);
    });
    figure.appendChild(legend);
    var caption = document.createElement("figcaption");
    var axis = p.kind === "row" ? "rows, by " + p.x : p.x;
    caption.textContent = p.ys.join(", ") + " against " + axis + ". " +
      (drawn.skipped.length
        ? drawn.skipped.length + " value" + (drawn.skipped.length > 1 ? "s" : "") +
          " not drawn, having no number: " + drawn.skipped.slice(0, 5).map(function (s) {
            return s.column + " row " + s.row + " (" + (s.shown ? "\u201c" + s.shown + "\u201d" : "empty") + ")";
          }).join(", ") + (drawn.skipped.length > 5 ? ", …" : "") + "."
        : "Every value drawn.");
    figure.appendChild(caption);
    this.yasr.resultsEl.appendChild(figure);
  };
  ChartPlugin.prototype.destroy = function () {};

  window.Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
