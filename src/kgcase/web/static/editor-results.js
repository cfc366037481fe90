/* The workbench's results table: numbers shown as plain numbers (no datatype tag) and sorted
   as numbers, and each IRI's label beside its (linked) prefixed name. Labels come from
   /api/labels for the rows on show, in batches of at most LABEL_BATCH IRIs, and are kept
   (window.kgLabels, shared with the hover in editor.js), so paging, sorting and filtering
   redraw them without asking again. Loaded before editor.js, which starts YASGUI. */
(function () {
  "use strict";
  var root = document.getElementById("workbench");
  if (!root || typeof window.Yasgui !== "function") { return; }
  var LABEL_BATCH = 100;  // the server's LABELS_LIMIT
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "long", "int", "short", "byte",
                 "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                 "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                 "unsignedByte"].map(function (t) { return XSD + t; });

  /* IRI -> label (null: it has none). */
  var known = Object.create(null);
  var pending = Object.create(null);  // IRI -> the request asking for it

  function fetchBatch(iris) {
    var query = new URLSearchParams();
    iris.forEach(function (iri) { query.append("iri", iri); });
    var request = fetch(root.dataset.labels + "?" + query.toString(),
                        { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { labels: {} }; })
      .then(function (answer) {
        iris.forEach(function (iri) {
          known[iri] = (answer.labels || {})[iri] || null;
          delete pending[iri];
        });
      })
      .catch(function () { iris.forEach(function (iri) { delete pending[iri]; }); });
    iris.forEach(function (iri) { pending[iri] = request; });
    return request;
  }

  /* Labels of `iris` (known ones at once; the others asked for in batches). */
  function labelsOf(iris) {
    var missing = [];
    var waits = [];
    iris.forEach(function (iri) {
      if (iri in known) { return; }
      if (pending[iri]) { waits.push(pending[iri]); } else if (missing.indexOf(iri) < 0) {
        missing.push(iri);
      }
    });
    for (var i = 0; i < missing.length; i += LABEL_BATCH) {
      waits.push(fetchBatch(missing.slice(i, i + LABEL_BATCH)));
    }
    return Promise.all(waits).then(function () { return known; });
  }

  window.kgLabels = { known: known, of: labelsOf };

  function isNumber(cell) {
    return cell && cell.type === "literal" && NUMERIC.indexOf(cell.datatype) >= 0 &&
      cell.value !== "" && isFinite(Number(cell.value));
  }

  var Table = window.Yasgui.Yasr.plugins.table;
  if (!Table || !Table.prototype.formatLiteral) { return; }

  /* A number is its digits as written (escaped like any literal); other literals keep
     YASR's form, with their datatype or language. */
  var formatLiteral = Table.prototype.formatLiteral;
  Table.prototype.formatLiteral = function (cell, prefixes) {
    if (isNumber(cell)) {
      var span = document.createElement("span");
      span.className = "kg-number";
      span.textContent = cell.value;
      return span.outerHTML;
    }
    return formatLiteral.call(this, cell, prefixes);
  };

  /* Numeric cells sort (and are typed) by value: 9 before 10. YASR filters and sorts the
     others on each value run through an HTML sanitiser (and filters any value with "&"
     through innerHTML), so a label holding markup would be parsed as HTML there: they filter
     and sort on their plain text instead; what is shown stays escaped. */
  var columnsOf = Table.prototype.getColumns;
  Table.prototype.getColumns = function () {
    return columnsOf.call(this).map(function (column, index) {
      var render = column.render;
      if (index === 0 || typeof render !== "function") { return column; }
      column.render = function (cell, type, row, meta) {
        if ((type === "sort" || type === "type") && isNumber(cell)) { return Number(cell.value); }
        if (cell !== "" && cell && (type === "filter" || type === "sort" || !type)) {
          return String(cell.value).replace(/[<>&]/g, " ");
        }
        return render(cell, type, row, meta);
      };
      return column;
    });
  };

  /* After each draw of the table (a page, a sort, a filter), the label of each IRI shown. */
  function labelCells(table) {
    var links = Array.prototype.slice.call(table.querySelectorAll("tbody a.iri[href]"));
    var iris = links.map(function (link) { return link.getAttribute("href"); });
    function show() {
      links.forEach(function (link) {
        var label = known[link.getAttribute("href")];
        var cell = link.closest("td");
        if (!label || !cell || cell.querySelector(".kg-label")) { return; }
        var span = document.createElement("span");
        span.className = "kg-label";
        span.textContent = label;  // text, never markup
        link.parentNode.appendChild(span);  // after the closing ">" of a full IRI
      });
      table.dataset.labelled = "true";
    }
    table.dataset.labelled = "false";
    show();
    if (iris.some(function (iri) { return !(iri in known); })) { labelsOf(iris).then(show); }
  }

  var draw = Table.prototype.draw;
  Table.prototype.draw = function (persistentConfig) {
    var result = draw.call(this, persistentConfig);
    var table = this.tableEl;
    if (table && this.dataTable) {
      this.dataTable.on("draw", function () { labelCells(table); });
      labelCells(table);
    }
    return result;
  };
})();
