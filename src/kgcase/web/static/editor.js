/* The SPARQL workbench: YASGUI (editor, results, tabs) on the service's own /sparql, with
   completion of the service's and the Bioregistry's prefixes and of terms by label (/api/complete), labels on hover
   (/api/label) and the named queries as examples. Without JavaScript (or without YASGUI) the
   page keeps its plain form and server-rendered table. Configuration comes from the data-
   attributes of #workbench; nothing here is inline in the page. */
(function () {
  "use strict";
  var root = document.getElementById("workbench");
  if (!root || typeof window.Yasgui !== "function") { return; }
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;
  var data = root.dataset;
  var SERVICE_PREFIXES = JSON.parse(data.prefixes);  // [[prefix, namespace], …]
  var endpoint = new URL(data.endpoint, window.location.href).href;
  var labels = Object.create(null);  // IRI -> label (null: none), from completion and hover
  var PNAME = /^([A-Za-z][\w.-]*)?:([\w.-]*)$/;

  function serviceNamespace(prefix) {
    for (var i = 0; i < SERVICE_PREFIXES.length; i++) {
      if (SERVICE_PREFIXES[i][0] === prefix) { return SERVICE_PREFIXES[i][1]; }
    }
    return null;
  }

  /* The shortest way to write `iri` in this query: a declared prefix, else one of the
     service's (to be declared), else <iri>. */
  function written(yasqe, iri) {
    var declared = yasqe.getPrefixesFromQuery();
    var best = null;
    var name;
    function fits(ns) {
      var local = iri.slice(ns.length);
      return iri.indexOf(ns) === 0 && local.length > 0 && /^[\w-]+(\.[\w-]+)*$/.test(local);
    }
    for (name in declared) {
      if (fits(declared[name]) && (best === null || declared[name].length > best.ns.length)) {
        best = { prefix: name, ns: declared[name], declare: false };
      }
    }
    if (best === null) {
      SERVICE_PREFIXES.forEach(function (pair) {
        if (!(pair[0] in declared) && fits(pair[1]) &&
            (best === null || pair[1].length > best.ns.length)) {
          best = { prefix: pair[0], ns: pair[1], declare: true };
        }
      });
    }
    if (best === null) { return { text: "<" + iri + ">" }; }
    return { text: best.prefix + ":" + iri.slice(best.ns.length), declare: best.declare && best };
  }

  /* The word being typed before the cursor (an IRI start, a prefixed name or a plain word),
     read from the line itself: the SPARQL tokenizer splits words it does not know
     ("tocili" is "to" and "cili"). */
  var WORD = /(<[^<>\s]*|[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|[A-Za-z][\w-]*)$/;
  function wordAt(yasqe) {
    var cursor = yasqe.getDoc().getCursor();
    var line = yasqe.getDoc().getLine(cursor.line);
    if (/^[\w.:-]/.test(line.slice(cursor.ch))) { return null; }  // inside a word
    var match = WORD.exec(line.slice(0, cursor.ch));
    if (!match) { return null; }
    var before = line.slice(0, cursor.ch - match[1].length);
    if (/[?$"'#]$/.test(before) || /#/.test(before.replace(/<[^>]*>|"[^"]*"|'[^']*'/g, ""))) {
      return null;  // a variable, in a string or a comment
    }
    return { text: match[1], line: cursor.line, start: cursor.ch - match[1].length,
             end: cursor.ch, before: before };
  }

  /* Which kind of term fits there: a class after `a` or rdf:type, a property where a
     triple's verb goes (first after a subject, or after `;`), else any term. */
  function kindAt(yasqe, word) {
    var doc = yasqe.getDoc();
    var text = doc.getRange({ line: 0, ch: 0 }, { line: word.line, ch: word.start })
      .replace(/#[^\n]*/g, " ").replace(/"[^"\n]*"|'[^'\n]*'/g, "\"\"");
    if (/(^|\s)(a|rdf:type|<http:\/\/www\.w3\.org\/1999\/02\/22-rdf-syntax-ns#type>)\s+$/.test(text)) {
      return "class";
    }
    var statement = text.split(/[.{}]\s*/).pop();
    if (/^\s*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE|FILTER|BIND|VALUES|OPTIONAL|MINUS|GRAPH|SERVICE)\b/i.test(statement) ||
        /[()]/.test(statement)) {
      return "term";
    }
    var afterSemicolon = statement.split(";");
    var terms = afterSemicolon[afterSemicolon.length - 1].trim().split(/\s+/).filter(Boolean);
    if (afterSemicolon.length > 1 ? terms.length === 0 : terms.length === 1) { return "property"; }
    return "term";
  }

  function expand(yasqe, text) {
    if (/^<[^<>\s]*>?$/.test(text)) { return text.replace(/^</, "").replace(/>$/, ""); }
    var match = PNAME.exec(text);
    if (!match) { return null; }
    var ns = yasqe.getPrefixesFromQuery()[match[1] || ""] || serviceNamespace(match[1] || "");
    return ns ? ns + match[2] : null;
  }

  var hintIris = Object.create(null);  // completion text -> IRI (for the label shown)

  var termCompleter = {
    name: "kgTerms",
    bulk: false,
    autoShow: false,
    persistenceId: null,
    isValidCompletionPosition: function (yasqe) {
      var word = wordAt(yasqe);
      return Boolean(word) && word.text.length >= 2 && !/(^|\s)(PREFIX|BASE)\s+$/i.test(word.before);
    },
    preProcessToken: function (yasqe, token) {
      var word = wordAt(yasqe);
      if (!word) { return token; }
      var full = /[:<]/.test(word.text) ? expand(yasqe, word.text) : null;
      token.string = word.text;
      token.autocompletionString = full || word.text;
      token.from = { line: word.line, ch: word.start };
      token.to = { line: word.line, ch: word.end };
      token.kgKind = kindAt(yasqe, word);
      return token;
    },
    get: function (yasqe, token) {
      if (!token.autocompletionString) { return []; }
      var query = new URLSearchParams({ q: token.autocompletionString, kind: token.kgKind || "term",
                                        limit: "20" });
      return fetch(data.complete + "?" + query.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          return items.map(function (item) { labels[item.iri] = item.label; return item.iri; });
        })
        .catch(function () { return []; });
    },
    postProcessSuggestion: function (yasqe, token, iri) {
      var shown = written(yasqe, iri);
      hintIris[shown.text] = { iri: iri, declare: shown.declare };
      return shown.text;
    },
    postprocessHints: function (yasqe, hints) {
      return hints.map(function (hint) {
        var found = hintIris[hint.text] || {};
        var label = labels[found.iri];
        hint.displayText = hint.text + (label ? "  " + label : "");
        hint.render = function (element) {
          var code = document.createElement("code");
          code.textContent = hint.text;
          element.appendChild(code);
          if (label) {
            var span = document.createElement("span");
            span.className = "kg-hint-label";
            span.textContent = label;
            element.appendChild(span);
          }
        };
        hint.hint = function (cm, list, completion) {
          cm.replaceRange(completion.text, completion.from || list.from, completion.to || list.to,
                          "complete");
          if (found.declare) {
            var add = {};
            add[found.declare.prefix] = found.declare.ns;
            yasqe.addPrefixes(add);
          }
        };
        return hint;
      });
    }
  };
  Yasqe.registerAutocompleter(termCompleter, false);
  /* Prefixes after PREFIX: the service's own, then the Bioregistry's (a JSON file written at
     set-up and served from here: data-prefixmap), a service prefix winning over a namesake. */
  Yasqe.forkAutocompleter("prefixes", {
    name: "kgPrefixes",
    persistenceId: null,
    get: function () {
      var own = SERVICE_PREFIXES.map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; });
      var taken = Object.create(null);
      SERVICE_PREFIXES.forEach(function (pair) { taken[pair[0]] = true; });
      return fetch(data.prefixmap, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("prefix map: HTTP " + response.status); }
          return response.json();
        })
        .then(function (map) {
          return own.concat(map.prefixes.filter(function (pair) { return !taken[pair[0]]; })
            .map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; }));
        })
        .catch(function (error) {
          console.warn("only the service's prefixes are completed:", error);
          return own;
        });
    }
  }, false);

  /* Downloads are named after the query: its tab's name, else its first comment line. */
  function downloadName() {
    var tab = yasgui.getTab();
    var name = tab ? tab.getName() : "";
    if (!name || /^Query( \d+)?$/.test(name)) {
      var comment = /^\s*#\s*(.+)$/m.exec(tab ? tab.getQuery() : "");
      name = comment ? comment[1] : "query-results";
    }
    return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) ||
      "query-results";
  }

  root.hidden = false;
  root.closest(".editor-layout").classList.add("has-workbench");
  document.querySelectorAll(".workbench-help").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll(".nojs").forEach(function (el) { el.hidden = true; });
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      value: data.start,
      autocompleters: ["kgPrefixes", "variables", "kgTerms"],
      prefixCcApi: null,
      syntaxErrorCheck: false,  // editor-syntax.js says it in words, at the token
      editorHeight: "320px"
    },
    yasr: { getDownloadFileName: downloadName, pluginOrder: ["table", "chart", "response"] }
  });
  root.workbench = yasgui;  // for tests and the console
  /* Each tab's editor is checked as it is edited (editor-syntax.js); YASGUI makes a tab's
     editor when the tab is first shown. */
  function checkSyntax() {
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    if (yasqe && window.kgSyntax) { window.kgSyntax.attach(yasqe); }
  }
  checkSyntax();
  yasgui.on("tabSelect", function () { window.setTimeout(checkSyntax, 0); });
  yasgui.on("tabAdd", function () { window.setTimeout(checkSyntax, 0); });
  /* YASGUI stores a tab's query when its editor loses focus or runs; leaving or reloading the
     page keeps the text being typed too. */
  window.addEventListener("pagehide", function () {
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    if (yasqe) { yasqe.emit("blur"); }
  });

  /* Examples open in a tab of their own (the link still works without JavaScript). */
  function openExample(link) {
    var title = link.dataset.title;
    var existing = Object.keys(yasgui._tabs).map(function (id) { return yasgui.getTab(id); })
      .filter(function (tab) { return tab && tab.getName() === title; })[0];
    if (existing) {
      yasgui.selectTabId(existing.getId());
      existing.setQuery(link.dataset.query);
    } else {
      yasgui.addTab(true, { name: title, yasqe: { value: link.dataset.query } });
    }
  }
  document.querySelectorAll("a[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      openExample(link);
      root.scrollIntoView({ block: "start" });
    });
  });
  var params = new URLSearchParams(window.location.search);
  if (params.has("example")) {
    var chosen = document.querySelector("a[data-example='" + CSS.escape(params.get("example")) + "']");
    if (chosen) { openExample(chosen); }
    window.history.replaceState(null, "", window.location.pathname);
  }

  /* Labels on hover: of IRIs and prefixed names in the editor, and of IRIs in the results. */
  var tip = document.createElement("div");
  tip.className = "kg-hover";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);

  function labelOf(iri) {
    if (iri in labels) { return Promise.resolve(labels[iri]); }
    if (window.kgLabels) {  // the results' cache (editor-results.js)
      return window.kgLabels.of([iri]).then(function (known) { return known[iri]; });
    }
    return fetch(data.label + "?" + new URLSearchParams({ iri: iri }).toString(),
                 { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { label: null }; })
      .then(function (found) { labels[iri] = found.label; return found.label; })
      .catch(function () { return null; });
  }

  function showTip(text, x, y) {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = (y + 16) + "px";
  }

  var hovered = null;
  root.addEventListener("mousemove", function (event) {
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || !yasqe.getWrapperElement().contains(event.target)) {
      return;
    }
    var pos = yasqe.coordsChar({ left: event.clientX, top: event.clientY }, "window");
    var token = yasqe.getTokenAt({ line: pos.line, ch: pos.ch + 1 }, true);
    var iri = token && token.string && !/^[?$"']/.test(token.string) &&
      /^(<[^<>\s]+>|[A-Za-z]?[\w.-]*:[\w.-]+)$/.test(token.string) ? expand(yasqe, token.string) : null;
    if (!iri) { hovered = null; tip.hidden = true; return; }
    if (iri === hovered) { return; }
    hovered = iri;
    var x = event.clientX + window.scrollX;
    var y = event.clientY + window.scrollY;
    labelOf(iri).then(function (label) {
      if (hovered === iri) { showTip(label ? label + "  (" + iri + ")" : iri, x, y); }
    });
  });
  root.addEventListener("mouseleave", function () { hovered = null; tip.hidden = true; });
  root.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest(".yasr a[href]");
    if (!link || link.title || !/^https?:/.test(link.getAttribute("href"))) { return; }
    labelOf(link.getAttribute("href")).then(function (label) {
      if (label) { link.title = label; }
    });
  });
})();
