/* The API console: Swagger UI (swagger-ui-dist, served from this origin) on /api/openapi.json. */
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var root = document.getElementById("swagger-ui");
    if (!root || typeof window.SwaggerUIBundle !== "function") { return; }
    root.replaceChildren();
    window.kgcaseConsole = window.SwaggerUIBundle({
      url: root.getAttribute("data-openapi") || "/api/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,          // never send the document to a third party
      displayRequestDuration: true,
      defaultModelsExpandDepth: -1,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
})();
