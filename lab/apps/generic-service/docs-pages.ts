// The interactive documentation pages FastAPI adds (/docs, /docs/oauth2-redirect, /redoc). They load Swagger UI
// 3.30.0 and ReDoc from the jsDelivr CDN like the original's; the markup is our own.

/** Swagger UI for /openapi.json (title "FastAPI - Swagger UI"). */
export const swaggerUiPage = (): string => `<!DOCTYPE html>
<html>
<head>
<title>FastAPI - Swagger UI</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@3.30.0/swagger-ui.css">
<link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@3.30.0/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({
  url: "/openapi.json",
  oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
});
</script>
</body>
</html>
`;

/** ReDoc for /openapi.json (title "FastAPI - ReDoc"). */
export const redocPage = (): string => `<!DOCTYPE html>
<html>
<head>
<title>FastAPI - ReDoc</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="https://cdn.jsdelivr.net/npm/redoc@next/bundles/redoc.standalone.js"></script>
</body>
</html>
`;

/** The OAuth2 redirect target Swagger UI opens: hands the query or fragment back to the opener window. */
export const oauth2RedirectPage = (): string => `<!DOCTYPE html>
<html lang="en-US">
<body>
<script>
(function () {
  var handoff = window.opener && window.opener.swaggerUIRedirectOauth2;
  if (!handoff) return;
  var raw = /code|token|error/.test(window.location.hash) ? window.location.hash.substring(1) : window.location.search.substring(1);
  var params = {};
  raw.split("&").filter(Boolean).forEach(function (pair) {
    var at = pair.indexOf("=");
    var key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
    params[key] = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1));
  });
  var isValid = params.state === handoff.state;
  var flow = handoff.auth.schema.get("flow");
  if ((flow === "accessCode" || flow === "authorizationCode") && !handoff.auth.code) {
    if (params.code) {
      delete handoff.state;
      handoff.auth.code = params.code;
      handoff.callback({ auth: handoff.auth, redirectUrl: handoff.redirectUrl });
    } else {
      handoff.errCb({ authId: handoff.auth.name, source: "auth", level: "error",
        message: params.error ? "[" + params.error + "]: " + (params.error_description || "") : "[Authorization failed]: no accessCode received from the server" });
    }
  } else {
    handoff.callback({ auth: handoff.auth, token: params, isValid: isValid, redirectUrl: handoff.redirectUrl });
  }
  window.close();
})();
</script>
</body>
</html>
`;
