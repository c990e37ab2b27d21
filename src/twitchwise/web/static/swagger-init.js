// Starts the vendored Swagger UI on /docs (kept out of the page so the CSP can forbid inline code).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: node.getAttribute("data-url"),
    domNode: node,
    deepLinking: false,
    validatorUrl: null,
    tryItOutEnabled: false,
    syntaxHighlight: false,
    defaultModelsExpandDepth: -1,
    // The API only accepts writes sent as JSON (a cross-site form cannot), even without a body.
    requestInterceptor: function (req) {
      var method = (req.method || "GET").toUpperCase();
      if (["POST", "PUT", "PATCH"].indexOf(method) >= 0 && !req.headers["Content-Type"]) {
        req.headers["Content-Type"] = "application/json";
      }
      return req;
    },
  });
});
