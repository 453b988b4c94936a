import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';
import { HttpProblem } from '../problem';
import { messages } from './i18n';
import type { PageContext } from './layout';
import { errorPage } from './simple-pages';

/**
 * The page may load and run only the console's own files and post only to itself. No 'unsafe-inline': the
 * browser test records every violation.
 */
export const deskPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Refuses a form posted from another site before anything reads it: the browser says where a request comes from
 * (`Sec-Fetch-Site`, `Origin`), and SameSite=Strict already keeps the session cookie off it.
 */
export const refuseOtherSites: RequestHandler = (req, _res, next) => {
  if (req.method !== 'POST') return next();
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  // Behind a trusted proxy (API_TRUST_PROXY) the origin the browser sees: https, and the proxy's host.
  const ownOrigin = `${req.protocol}://${req.host}`;
  if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== ownOrigin)) {
    throw new HttpProblem(403, 'Forbidden', 'Forms of the console are accepted only from the console itself.');
  }
  next();
};

export function deskErrors(logger: Logger, ctxOf: (req: Request) => PageContext): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const problem =
      err instanceof HttpProblem
        ? err
        : new HttpProblem(500, 'Internal Server Error', 'The page failed; quote the request id when reporting it.');
    if (!(err instanceof HttpProblem)) logger.error({ err, reqId: req.id }, 'desk page failed');
    const ctx = ctxOf(req);
    const detail = problem.status === 503 ? messages[ctx.lang].unavailable : (problem.detail ?? problem.title);
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    res
      .status(problem.status)
      .type('html')
      .send(
        String(
          errorPage(
            ctx,
            problem.status,
            detail,
            typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '',
          ),
        ),
      );
  };
}
