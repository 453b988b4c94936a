import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The full version of the API (semantic versioning); the major is the `/v1` of the paths. Dutch API Design Rules
 * (API-57): every response carries it in the `API-Version` header, and the OpenAPI document's `info.version` is it.
 */
export const apiVersion = '1.0.0';

/** Headers a browser may read from a cross-origin answer (the codec, /openapi.json). */
export const exposedHeaders = 'API-Version, x-request-id';

/**
 * `API-Version` on every answer, set before anything else can answer (a 404, a 413 of the body parser, a problem).
 * `Cache-Control: no-store`: a case view holds personal data, and no proxy or browser cache may keep it; the docs'
 * static files say otherwise for themselves.
 */
export const versionAndCaching: RequestHandler = (_req, res, next) => {
  res.setHeader('API-Version', apiVersion);
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * helmet's headers, tightened for a JSON API: the answers are data, never a page, so nothing may run, load or frame
 * them. `/docs` sets its own policy. No `upgrade-insecure-requests`: `make dev` serves plain http on localhost.
 */
export const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

/** The codec's secret link, in any case the router matches (`/CODEC/T/…` reaches it too). */
const codecLinkSecret = /(\/codec\/+t\/+)[^/?#]*/gi;

/**
 * A URL fit for a log line or a problem's `instance`: the codec link's secret replaced. Anyone who reads the logs
 * could otherwise decode every case.
 */
export function redactUrl(url: string): string {
  return url.replace(codecLinkSecret, '$1[redacted]');
}

/**
 * Request headers the access log keeps: none that can carry a credential (authorization, cookies, api keys), and not
 * `x-request-id`, whose usable value is the line's `id` (one the API replaced is the caller's text, of any length).
 * Each value is cut at `longestLoggedHeader` characters: the caller chooses them.
 */
const loggedRequestHeaders = ['user-agent', 'content-type', 'content-length', 'origin'];
const longestLoggedHeader = 200;

/**
 * The access log's view of a request and its response: method, redacted URL, a few harmless headers, status.
 * An allow-list, not pino's default (every header, `params` with the codec's `token`).
 */
export const accessLogSerializers = {
  req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
    id: req.id,
    method: req.method,
    url: redactUrl(req.originalUrl ?? req.url ?? ''),
    headers: Object.fromEntries(
      loggedRequestHeaders.flatMap((name) => {
        const value = req.headers[name];
        return value === undefined ? [] : [[name, String(value).slice(0, longestLoggedHeader)]];
      }),
    ),
    remoteAddress: req.socket?.remoteAddress,
  }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
};
