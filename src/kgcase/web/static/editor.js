/* The SPARQL editor: syntax highlighting under a plain <textarea> (it stays a textarea, so
   keyboard, screen readers and forms work as usual), and Ctrl/Cmd+Enter to run. */
(function () {
  "use strict";
  var KEYWORDS = ("select construct describe ask where from named prefix base distinct reduced " +
    "optional union minus graph service silent filter bind values as order by asc desc limit " +
    "offset group having not exists in a true false undef count sum min max avg sample " +
    "group_concat separator str lang langmatches datatype bound iri uri bnode rand abs ceil " +
    "floor round concat strlen ucase lcase encode_for_uri contains strstarts strends strbefore " +
    "strafter year month day hours minutes seconds timezone tz now uuid struuid md5 sha1 sha256 " +
    "sha384 sha512 coalesce if strlang strdt sameterm isiri isuri isblank isliteral isnumeric " +
    "regex substr replace").split(" ");
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                        // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                          // 3 IRI
    "([?$][A-Za-z_0-9\\u00C0-\\uFFFF]+)",                                // 4 variable
    "((?:[A-Za-z][\\w.-]*)?:[\\w.-]*)",                                  // 5 prefixed name
    "([A-Za-z_]+)",                                                      // 6 word
    "(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)"                               // 7 number
  ].join("|"), "g");
  var CLASSES = [null, "tok-com", "tok-str", "tok-iri", "tok-var", "tok-pn", "tok-kw", "tok-num"];

  function highlight(text, code) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index > last) { fragment.appendChild(document.createTextNode(text.slice(last, match.index))); }
      var group = 1;
      while (group < CLASSES.length && match[group] === undefined) { group++; }
      var word = match[0];
      if (group === 6 && KEYWORDS.indexOf(word.toLowerCase()) < 0) {
        fragment.appendChild(document.createTextNode(word));
      } else {
        var span = document.createElement("span");
        span.className = CLASSES[group];
        span.textContent = word;
        fragment.appendChild(span);
      }
      last = match.index + word.length;
      if (word.length === 0) { TOKEN.lastIndex++; }
    }
    fragment.appendChild(document.createTextNode(text.slice(last) + "\n"));
    code.replaceChildren(fragment);
  }

  document.querySelectorAll("[data-editor]").forEach(function (editor) {
    var textarea = editor.querySelector("textarea");
    var pre = editor.querySelector("pre");
    var code = pre.querySelector("code");
    function update() {
      highlight(textarea.value, code);
      textarea.style.height = "auto";  // grow with the text: no inner scrollbar to misalign
      textarea.style.height = (textarea.scrollHeight + 2) + "px";
    }
    editor.classList.add("js");
    textarea.addEventListener("input", update);
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        textarea.form.requestSubmit();
      }
    });
    update();
  });
})();
