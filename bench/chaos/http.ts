import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** One answer of the API that the bot had to retry: a 5xx, or no answer at all (`status` 0). */
export interface RetriedAnswer {
  at: number;
  method: string;
  path: string;
  status: number;
  /** The API's documented "try again" answer: 503 with Retry-After. */
  transient: boolean;
  detail: string;
}

export interface Answer {
  status: number;
  body: unknown;
  /** How many times the request was sent; more than one means the first answers were retried. */
  attempts: number;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as `x-request-id` on every attempt: the API applies an action with the same id at most once. */
  requestId?: string;
}

/**
 * HTTP as a patient client speaks it: a 5xx or a dropped connection is retried with the same request id, with
 * back-off (at most Retry-After, at most 5 s), until an answer below 500 comes or `stopped` aborts. Every retried
 * answer is recorded in `retried`.
 */
export class PatientHttp {
  readonly retried: RetriedAnswer[] = [];
  requests = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly stopped: AbortSignal,
    /** Whether retried answers are recorded: the sandbox's admin API is not under test. */
    private readonly record = true,
  ) {
    // Every request in flight listens to it: hundreds at once are normal here.
    setMaxListeners(0, stopped);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      this.stopped.throwIfAborted();
      this.requests += 1;
      let retryAfterMs = 5000;
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.any([this.stopped, AbortSignal.timeout(60_000)]),
        });
        const text = await res.text();
        const body: unknown = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
        if (res.status < 500) return { status: res.status, body, attempts: attempt };
        const retryAfter = res.headers.get('retry-after');
        if (retryAfter) retryAfterMs = Number(retryAfter) * 1000;
        this.note(method, path, res.status, res.status === 503 && retryAfter !== null, problemDetail(body));
      } catch (err) {
        this.stopped.throwIfAborted();
        this.note(method, path, 0, false, reason(err));
      }
      await sleep(Math.min(retryAfterMs, 250 * 2 ** Math.min(attempt - 1, 5)), undefined, { signal: this.stopped });
    }
  }

  private note(method: string, path: string, status: number, transient: boolean, detail: string): void {
    if (this.record) this.retried.push({ at: Date.now(), method, path, status, transient, detail });
  }
}

function problemDetail(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'detail' in body) return String(body.detail);
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

/** fetch says "fetch failed"; the cause says why (ECONNREFUSED, a reset, a timeout). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}
