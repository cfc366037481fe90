// Class tree: a toggle on each node whose subclasses are not listed; opening it fetches them
// from /api/tree (JSON) and lists them the same way. Without JavaScript the tree is a plain list.
(function () {
  "use strict";
  function node(item) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = item.href;
    a.textContent = item.label;
    li.appendChild(a);
    if (item.curie && item.curie !== item.label) {
      var c = document.createElement("span");
      c.className = "curie";
      c.textContent = " " + item.curie;
      li.appendChild(c);
    }
    if (item.has_children) { li.setAttribute("data-iri", item.iri); toggle(li); }
    return li;
  }
  function toggle(li) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "twisty";
    button.setAttribute("aria-expanded", "false");
    var label = li.querySelector("a").textContent;
    button.setAttribute("aria-label", "subclasses of " + label);
    button.textContent = "▸";
    li.insertBefore(button, li.firstChild);
    button.addEventListener("click", function () { open(li, button); });
  }
  function open(li, button) {
    var list = li.querySelector(":scope > ul");
    if (list) {
      var shown = button.getAttribute("aria-expanded") === "true";
      list.hidden = shown;
      button.setAttribute("aria-expanded", shown ? "false" : "true");
      button.textContent = shown ? "▸" : "▾";
      return;
    }
    var api = li.closest("ul.tree").getAttribute("data-api");
    button.disabled = true;
    fetch(api + "?iri=" + encodeURIComponent(li.getAttribute("data-iri")),
          {headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var ul = document.createElement("ul");
        data.children.forEach(function (item) { ul.appendChild(node(item)); });
        if (data.more) {
          var more = document.createElement("li");
          more.className = "meta";
          more.textContent = "more: see the class’s page";
          ul.appendChild(more);
        }
        li.appendChild(ul);
        button.setAttribute("aria-expanded", "true");
        button.textContent = "▾";
      })
      .catch(function () { button.textContent = "!"; button.title = "could not load the subclasses"; })
      .finally(function () { button.disabled = false; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("ul.tree li[data-iri]").forEach(toggle);
  });
})();
