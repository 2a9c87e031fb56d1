// The API documentation page (templates/api/docs.html): Swagger UI over our OpenAPI
// document. Its settings come from a data- attribute: no inline script under the CSP.
(function () {
  var element = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: element.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
