/* kgcase pages: search autocomplete (ARIA combobox) and "Copy IRI". No dependencies.
   Data from the server is only ever inserted with textContent, never as HTML. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function setupCombo(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var mode = input.getAttribute("data-autocomplete");  // "navigate" or "fill"
    var items = [];
    var active = -1;
    var sequence = 0;
    var chosen = input.parentElement.querySelector(".chosen");
    var kinds = (input.getAttribute("data-kind") || "").split(" ").filter(Boolean);
    // A form's picker shows the label and submits the CURIE: the name moves to a hidden input
    // (without JavaScript, the visible input keeps the name and the CURIE).
    var hidden = null;
    if (mode === "fill" && input.name) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = input.value;
      input.removeAttribute("name");
      input.insertAdjacentElement("afterend", hidden);
      if (input.getAttribute("data-label")) { input.value = input.getAttribute("data-label"); }
      input.addEventListener("input", function () { hidden.value = input.value.trim(); });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var hit = items[index];
      if (!hit) { return; }
      if (mode === "navigate") {
        window.location.assign(hit.href);
        return;
      }
      input.value = hit.label;
      if (hidden) { hidden.value = hit.curie || hit.iri; } else { input.value = hit.curie || hit.iri; }
      if (!chosen) {
        chosen = document.createElement("span");
        chosen.className = "chosen meta";
        chosen.setAttribute("aria-live", "polite");
        list.insertAdjacentElement("afterend", chosen);
      }
      chosen.textContent = "chosen: " + hit.label + " · " + (hit.curie || hit.iri);
      close();
    }

    function render(results) {
      var kept = active >= 0 && items[active] ? items[active].iri : null;
      list.replaceChildren();
      items = results;
      results.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = list.id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "s-label";
        label.textContent = hit.label;
        var meta = document.createElement("span");
        meta.className = "s-meta";
        meta.textContent = [hit.curie, hit.type, hit.context, hit.match !== "label" ? hit.match + ": " + hit.matched : ""]
          .filter(Boolean).join(" · ");
        li.appendChild(label);
        li.appendChild(meta);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        // a late answer must not move the user's selection
        highlight(results.findIndex(function (hit) { return hit.iri === kept; }));
      } else {
        close();
      }
    }

    var suggest = debounce(function () {
      var text = input.value.trim();
      if (!text) { close(); return; }
      var mine = ++sequence;
      var only = kinds.map(function (k) { return "&kind=" + encodeURIComponent(k); }).join("");
      fetch("/api/search?limit=10&q=" + encodeURIComponent(text) + only, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) { if (mine === sequence && body.ok) { render(body.hits); } })
        .catch(close);
    }, 120);

    input.addEventListener("input", suggest);
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) { highlight((active + 1) % items.length); } else { suggest(); }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function setupCopy(button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var status = button.parentElement.querySelector(".copied");
      function done(ok) { if (status) { status.textContent = ok ? "Copied" : "Select and copy the IRI"; } }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        var range = document.createRange();
        var target = document.getElementById("iri");
        if (target) {
          range.selectNodeContents(target);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        }
        done(false);
      }
    });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(setupCombo);
  document.querySelectorAll("button[data-copy]").forEach(setupCopy);
})();
