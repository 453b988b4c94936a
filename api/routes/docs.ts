import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { exposedHeaders } from '../http-hygiene';
import { HttpProblem } from '../problem';
import { docsAssetNames, openApiDocument } from '../openapi';

/** Swagger UI, from the project's own node_modules: /docs works offline and tells no CDN who reads it. */
const swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
/** The only files of the distribution the page uses; nothing else of the folder is served. */
const swaggerUiFiles: Record<Exclude<(typeof docsAssetNames)[number], 'docs.js'>, string> = {
  'swagger-ui.css': 'swagger-ui.css',
  'swagger-ui-bundle.js': 'swagger-ui-bundle.js',
  'favicon.png': 'favicon-32x32.png',
};

/**
 * The page may run and load only its own files and call only this API (try-it-out); Swagger UI draws its icons as
 * `data:` images. No 'unsafe-inline' anywhere: the browser test finds no violation, rendering or trying out.
 */
const docsPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>South Limburg one-stop desk API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"><link rel="icon" href="/docs/assets/favicon.png">
</head><body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/docs.js"></script>
</body></html>
`;

// A file, not an inline script, so the policy needs no 'unsafe-inline' for scripts. No validator badge: it would
// send the document to an outside service.
const initializer = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  validatorUrl: null,
  supportedSubmitMethods: ['get', 'post'],
  layout: 'BaseLayout',
});
`;

/** `/openapi.json` is public and read by tools on other origins (Dutch API Design Rules): no credentials. */
const openApiCors: RequestHandler = (_req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};

const cacheable = (res: Parameters<RequestHandler>[1]): void => {
  res.setHeader('Cache-Control', 'public, max-age=86400');
};

/** `GET /openapi.json` and `GET /docs`: Swagger UI, with try-it-out, on the one generated document. */
export function docsRouter(): Router {
  const router = Router();
  router.options('/openapi.json', openApiCors, (_req, res) => {
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  router.get('/openapi.json', openApiCors, (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', docsPolicy);
    res.type('html').send(page);
  });
  router.get('/docs/assets/:file', (req, res) => {
    const file = String(req.params.file);
    if (file === 'docs.js') {
      cacheable(res);
      res.type('text/javascript').send(initializer);
      return;
    }
    if (!Object.hasOwn(swaggerUiFiles, file)) {
      throw new HttpProblem(404, 'Not Found', `The /docs page has the files ${docsAssetNames.join(', ')}.`);
    }
    cacheable(res);
    res.sendFile(path.join(swaggerUiDir, swaggerUiFiles[file as keyof typeof swaggerUiFiles]));
  });
  return router;
}
