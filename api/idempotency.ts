import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Idempotency } from '../workflows/actions';
import type { Actor } from '../workflows/definitions';
import { HttpProblem } from './problem';

/** A key as the IETF draft writes it (a structured-field string, `"…"`) or bare; printable ASCII, no quotes. */
const keyPattern = /^"?([\x21\x23-\x7e]{1,255})"?$/;

/**
 * The caller's idempotency key of an action: `Idempotency-Key` (IETF httpapi draft), else the request id that
 * `x-request-id` set (a generated one when absent, so a request without either is never deduplicated).
 */
export function idempotencyKeyOf(req: Request, res: Response): string {
  const header = req.headers['idempotency-key'];
  if (header === undefined) {
    const used = res.getHeader('x-request-id') as string;
    const sent = req.headers['x-request-id'];
    // The API replaced a request id it could not use (see app.ts): its retry would not be known as one.
    if (sent !== undefined && sent !== used) {
      throw new HttpProblem(
        400,
        'Bad Request',
        'x-request-id must be 1-128 letters, digits, dots, dashes or underscores to make this action idempotent; ' +
          'send such an id, or an Idempotency-Key (1-255 printable characters, e.g. a UUID).',
        { invalidParams: [{ name: 'x-request-id', reason: 'not usable as an idempotency key' }] },
      );
    }
    return used;
  }
  const key = typeof header === 'string' ? keyPattern.exec(header)?.[1] : undefined;
  if (!key) {
    throw new HttpProblem(400, 'Bad Request', 'Idempotency-Key must be 1-255 printable characters, e.g. a UUID.', {
      invalidParams: [{ name: 'Idempotency-Key', reason: 'not a valid key' }],
    });
  }
  return key;
}

/** JSON with object keys sorted, so the same request always has the same fingerprint. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the key stands for: this action, with this body, by this caller. */
export function idempotencyOf(key: string, action: string, body: object, actor: Actor): Idempotency {
  const fingerprint = createHash('sha256')
    .update(canonical({ action, body, actor: actor.id }))
    .digest('base64url')
    .slice(0, 22);
  return { key, fingerprint };
}
