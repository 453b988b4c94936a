import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { redactUrl } from './http-hygiene';

/** An error the API answers with a given status, as RFC 7807 problem details. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  if (problem.status === 503)
    res.setHeader(
      'Retry-After',
      typeof problem.extra.retryAfterSeconds === 'number' ? String(problem.extra.retryAfterSeconds) : '5',
    );
  const requestId = typeof res.req.id === 'string' || typeof res.req.id === 'number' ? String(res.req.id) : '';
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `about:blank`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: redactUrl(res.req.originalUrl),
      requestId,
      ...problem.extra,
    });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'Not Found', `No route ${req.method} ${redactUrl(req.path)}`));
};

/** The one place where errors become HTTP answers. Anything unrecognised is logged and answered 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof HttpProblem) return sendProblem(res, err);
  const status = httpStatusOf(err);
  if (status && status < 500) {
    return sendProblem(res, new HttpProblem(status, statusTitle(status), clientErrorText(err as Error)));
  }
  req.log.error({ err }, 'unhandled error');
  sendProblem(
    res,
    new HttpProblem(500, 'Internal Server Error', 'The request failed; quote the request id when reporting it.'),
  );
};

/**
 * What a client error of body-parser says. Its JSON parse error quotes the start of the body, which is a booking's
 * personal data when a booking is malformed: answered in general terms instead.
 */
function clientErrorText(err: Error): string {
  if ((err as { type?: unknown }).type === 'entity.parse.failed') {
    return 'The request body is not valid JSON; send a JSON object with content-type application/json.';
  }
  return err.message;
}

/** body-parser and friends mark their errors with `status`/`statusCode`. */
function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status && status >= 400 && status < 600 ? status : undefined;
}

function statusTitle(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Content Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
  };
  return titles[status] ?? 'Request Error';
}
