/* Live syntax checking in the workbench: one message, in words, at the token.

   YASQE's own check (a gutter icon whose tooltip lists grammar terminals such as VAR1,
   PNAME_LN, INTEGER_POSITIVE) is turned off in editor.js. This reads the same tokenizer's
   state (the SPARQL 1.1 grammar YASQE ships), finds the first token it cannot take and says,
   once, where it is and what could go there: "Line 3, column 15: ')' cannot come here;
   expected a variable, an IRI, …". The token is underlined, its line marked in the gutter, and
   the message shown under the editor. The server's parser still has the last word when the
   query runs (its message, with a caret, is shown as the answer). */
(function () {
  "use strict";
  var WORDS = {
    VAR1: "a variable", VAR2: "a variable", IRI_REF: "an IRI <…>",
    PNAME_LN: "a prefixed name", PNAME_NS: "a prefixed name",
    STRING_LITERAL1: "a string", STRING_LITERAL2: "a string",
    STRING_LITERAL_LONG1: "a string", STRING_LITERAL_LONG2: "a string",
    INTEGER: "a number", DECIMAL: "a number", DOUBLE: "a number",
    INTEGER_POSITIVE: "a number", DECIMAL_POSITIVE: "a number", DOUBLE_POSITIVE: "a number",
    INTEGER_NEGATIVE: "a number", DECIMAL_NEGATIVE: "a number", DOUBLE_NEGATIVE: "a number",
    BLANK_NODE_LABEL: "a blank node", ANON: "a blank node", NIL: "()", LANGTAG: "a language tag",
    "true": "true or false", "false": "true or false", a: "a (rdf:type)"
  };
  var SHOWN = 8;  // expected items named before "…"

  /* What could go where the error is, in words: kinds of term first, then keywords (a few
     by name, else "a function or keyword such as …"), then punctuation. */
  function expected(state) {
    var terms = [];
    var keywords = [];
    var marks = [];
    (state.possibleCurrent || []).forEach(function (item) {
      var list = WORDS[item] ? terms : /^[A-Z_]+$/.test(item) ? keywords : marks;
      var word = WORDS[item] || (list === keywords ? item : "'" + item + "'");
      if (list.indexOf(word) < 0) { list.push(word); }
    });
    if (keywords.length > 4) {
      keywords = ["a function or keyword such as " + keywords.slice(0, 3).join(", ")];
    }
    var out = terms.concat(keywords, marks);
    return out.length > SHOWN ? out.slice(0, SHOWN).concat("…") : out;
  }

  /* The first error of the query, or null: {line, start, end, message} (0-based line and
     columns, as CodeMirror counts). */
  function firstError(yasqe) {
    var doc = yasqe.getDoc();
    for (var line = 0; line < doc.lineCount(); line++) {
      var state = yasqe.getTokenAt({ line: line, ch: doc.getLine(line).length }, true).state;
      if (state.OK) { continue; }
      var text = doc.getLine(line);
      var start = typeof state.errorStartPos === "number" ? state.errorStartPos : 0;
      var end = typeof state.errorEndPos === "number" && state.errorEndPos > start
        ? state.errorEndPos : Math.min(text.length, start + 1);
      var token = text.slice(start, end);
      var where = "Line " + (line + 1) + ", column " + (start + 1) + ": ";
      var message = state.errorMsg ? where + state.errorMsg
        : where + (token ? "'" + token + "' cannot come here" : "the query cannot go on here") +
          (expected(state).length ? "; expected " + expected(state).join(", ") : "");
      return { line: line, start: start, end: end, message: message };
    }
    return null;
  }

  /* Check `yasqe` as it is edited; the message goes in a line of its own under it. */
  function attach(yasqe) {
    if (yasqe.kgSyntax) { yasqe.kgSyntax.check(); return; }
    var box = document.createElement("p");
    box.className = "kg-syntax-message";
    box.setAttribute("role", "status");
    box.hidden = true;
    yasqe.getWrapperElement().insertAdjacentElement("afterend", box);
    var marks = { text: null, line: null };
    function check() {
      if (marks.text) { marks.text.clear(); marks.text = null; }
      if (marks.line !== null) { yasqe.setGutterMarker(marks.line, "gutterErrorBar", null); }
      marks.line = null;
      var error = firstError(yasqe);
      box.hidden = !error;
      box.textContent = error ? error.message : "";
      if (!error) { return; }
      marks.text = yasqe.getDoc().markText({ line: error.line, ch: error.start },
                                           { line: error.line, ch: error.end },
                                           { className: "kg-syntax-error",
                                             attributes: { title: error.message } });
      var marker = document.createElement("span");
      marker.className = "kg-syntax-gutter";
      marker.textContent = "!";
      marker.title = error.message;
      marker.setAttribute("aria-label", error.message);
      yasqe.setGutterMarker(error.line, "gutterErrorBar", marker);
      marks.line = error.line;
    }
    var timer = null;
    yasqe.on("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 120);
    });
    yasqe.kgSyntax = { check: check };
    check();
  }

  window.kgSyntax = { attach: attach };
})();
