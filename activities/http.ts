import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { agencyFailure, type Agency } from '../domain/agency-failures';

/** One agency endpoint: where it is and how we authenticate. Nothing here knows about the sandbox. */
export interface AgencyEndpoint {
  agency: Agency;
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

export interface AgencyRequest<T> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Required on every call that changes something: derived from the case and the step, never the attempt. */
  idempotencyKey?: string;
  response: z.ZodType<T>;
}

/**
 * An agency path whose every value is one encoded segment: an id can never add a segment or a query.
 * `` agencyPath`/applications/${number}/withdrawal` ``
 */
export function agencyPath(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce((path, text, i) => path + encodeURIComponent(segments[i - 1]!) + text);
}

/** An agency's RFC 7807 problem type → our stable failure type. */
const problemTypes: Record<string, string> = {
  'address-rejected': agencyFailure.addressRejected,
  'sponsor-not-recognised': agencyFailure.sponsorNotRecognised,
  'application-not-found': agencyFailure.applicationNotFound,
  'already-decided': agencyFailure.alreadyDecided,
  'permit-not-granted': agencyFailure.permitNotGranted,
};

/** The longest wait an agency's `Retry-After` gets: Temporal's longest retry interval for an agency call. */
export const longestRetryAfterMs = 10 * 60_000;

interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  invalidParams?: unknown;
}

/**
 * Calls an agency and classifies what went wrong, once, for every adapter: refusals (4xx) become
 * non-retryable failures with a stable type; timeouts, 5xx and 429 are left to Temporal's retry policy,
 * a 429 after the agency's `Retry-After`.
 */
export async function callAgency<T>(endpoint: AgencyEndpoint, request: AgencyRequest<T>): Promise<T> {
  const url = `${endpoint.baseUrl.replace(/\/$/, '')}${request.path}`;
  const headers: Record<string, string> = { authorization: `Bearer ${endpoint.token}`, accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;

  const cancellation = activityCancellation();
  const signal = cancellation
    ? AbortSignal.any([AbortSignal.timeout(endpoint.timeoutMs), cancellation])
    : AbortSignal.timeout(endpoint.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
      // A redirect is no answer: following it would send the newcomer's data to another host, or turn a POST into
      // a GET whose answer the case would take for the agency's.
      redirect: 'manual',
    });
    // Inside the try: a body that stalls past the timeout or is cut off is an unreachable agency too.
    text = await response.text();
  } catch (err) {
    // A cancelled activity must end as cancelled, not as an unreachable agency that Temporal would retry.
    if (cancellation?.aborted) throw cancellation.reason ?? err;
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw ApplicationFailure.retryable(
      `${endpoint.agency} unreachable (${request.method} ${request.path}): ${reason}`,
      agencyFailure.unavailable,
    );
  }

  if (response.status >= 300 && response.status < 400) {
    throw ApplicationFailure.nonRetryable(
      `${endpoint.agency} answered ${response.status} (a redirect) to ${request.method} ${request.path}; agencies are called without following redirects`,
      agencyFailure.contractViolation,
    );
  }
  if (response.ok) {
    const parsed = request.response.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    throw ApplicationFailure.nonRetryable(
      `${endpoint.agency} answered ${request.method} ${request.path} outside its contract: ${parsed.error.issues[0]?.message}`,
      agencyFailure.contractViolation,
    );
  }

  const problem = parseProblem(text);
  const what = `${endpoint.agency} answered ${response.status} to ${request.method} ${request.path}: ${problem.detail ?? problem.title ?? response.statusText}`;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    throw ApplicationFailure.create({
      message: what,
      type: agencyFailure.throttled,
      // Bounded: an agency asking for days (or more than a timer holds) is asked again after the longest wait.
      nextRetryDelay:
        Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, longestRetryAfterMs) : undefined,
    });
  }
  if (response.status >= 500 || response.status === 408) {
    throw ApplicationFailure.retryable(what, agencyFailure.unavailable);
  }
  throw ApplicationFailure.nonRetryable(what, problemTypes[problem.type ?? ''] ?? agencyFailure.rejected, {
    status: response.status,
    problemType: problem.type,
    // Only the names: an agency's reasons may repeat the newcomer's data, and these details are logged.
    invalidParams: invalidParamNames(problem.invalidParams),
  });
}

function invalidParamNames(params: unknown): { name: string }[] {
  if (!Array.isArray(params)) return [];
  return params
    .map((p: unknown) => (typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : undefined))
    .filter((name): name is string => typeof name === 'string')
    .slice(0, 20)
    .map((name) => ({ name: name.slice(0, 100) }));
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function parseProblem(text: string): Problem {
  const value = parseJson(text);
  return typeof value === 'object' && value !== null ? value : {};
}

/** The running activity's cancellation, so a cancelled activity stops waiting on the agency at once. */
function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
