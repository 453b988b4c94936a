import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';

export interface InvalidParam {
  name: string;
  reason: string;
}

/** An agency's refusal, answered as RFC 7807 problem details whose `type` is a stable word (docs/agency-api.md). */
export class AgencyProblem extends Error {
  override readonly name = 'AgencyProblem';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export function validationProblem(invalidParams: InvalidParam[], detail = 'The request does not match the contract.') {
  return new AgencyProblem(400, 'validation-error', detail, { invalidParams });
}

/** Parses `value` with `schema`, or throws a 400 `validation-error` naming every offending field. */
export function parseOrReject<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationProblem(result.error.issues.flatMap(toInvalidParams));
}

function toInvalidParams(issue: z.core.$ZodIssue): InvalidParam[] {
  const at = (path: readonly PropertyKey[]): string => (path.length ? path.map(String).join('.') : 'body');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ name: at([...issue.path, key]), reason: 'not part of the contract' }));
  }
  return [{ name: at(issue.path), reason: issue.message }];
}

export function sendProblem(res: Response, problem: AgencyProblem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: problem.type,
      title: STATUS_CODES[problem.status] ?? 'Error',
      status: problem.status,
      detail: problem.detail,
      instance: res.req.originalUrl,
      ...problem.extra,
    });
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new AgencyProblem(404, 'not-found', `No route ${req.method} ${req.path}`);
};

/** Bad input of any kind is a 4xx problem; only a bug in the sandbox itself answers 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof AgencyProblem) return sendProblem(res, err);
  const parserError = err as { status?: unknown; type?: unknown; message?: unknown };
  if (parserError.type === 'entity.parse.failed') {
    return sendProblem(res, validationProblem([{ name: 'body', reason: 'not valid JSON' }], 'The body is not JSON.'));
  }
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    const status = parserError.status;
    const type = (STATUS_CODES[status] ?? 'bad-request').toLowerCase().replace(/\W+/g, '-');
    return sendProblem(res, new AgencyProblem(status, type, String(parserError.message)));
  }
  req.log.error({ err }, 'sandbox bug');
  sendProblem(res, new AgencyProblem(500, 'internal-error', 'The sandbox failed; see its log.'));
};
