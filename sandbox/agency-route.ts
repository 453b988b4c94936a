import { createHash } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import type { Agency } from '../domain/agency-failures';
import { nowIso, type SandboxContext } from './context';
import { responseIsLost, unavailable } from './faults';
import { AgencyProblem, parseOrReject, validationProblem } from './problem';
import { idempotencyStoreKey } from './state';

/** What a mutating call did: the answer, and the side effect for the ledger when one was performed. */
export interface Outcome {
  status: number;
  body: object;
  effect?: { operation: string; caseRef: string };
}

/** A router for one agency: bearer auth, then the given guards, then JSON parsing and fault injection. */
export function agencyRouter(ctx: SandboxContext, agency: Agency, ...guards: RequestHandler[]): Router {
  const router = Router({ mergeParams: true });
  router.use(
    requireBearer(ctx.options.token),
    ...guards,
    express.json({ limit: '64kb' }),
    ctx.faults.middleware(agency),
  );
  return router;
}

function requireBearer(token: string): RequestHandler {
  return (req, res, next) => {
    const credentials = /^bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (credentials === token) return next();
    res.set('WWW-Authenticate', 'Bearer');
    throw new AgencyProblem(401, 'unauthorized', 'A valid bearer token is required.');
  };
}

/** A GET: no side effect, but faults apply to it too. */
export function read(agency: Agency, answer: (req: Request) => object): RequestHandler {
  return (req, res) => {
    if (responseIsLost(res)) throw unavailable(agency, 'timed out answering');
    res.json(answer(req));
  };
}

/**
 * A mutating POST under the idempotency rules: a stored key with the same request replays the stored answer
 * without a new side effect; with another request it is refused. Only successful answers are stored, so a
 * call refused for a condition that later changes (a permit not yet granted) can be retried with its key. The
 * answer waits until the change is saved, so a sandbox killed after answering still knows the call.
 */
export function write<S extends z.ZodType>(
  ctx: SandboxContext,
  agency: Agency,
  schema: S,
  perform: (input: z.output<S>, req: Request) => Outcome,
): RequestHandler {
  return async (req, res) => {
    const key = idempotencyKeyOf(req);
    const storeKey = idempotencyStoreKey(agency, key);
    const fingerprint = requestFingerprint(req.method, req.baseUrl + req.path, req.body);
    const stored = ctx.state.idempotency.get(storeKey);
    let outcome: Outcome;
    try {
      if (stored && stored.fingerprint !== fingerprint) {
        throw new AgencyProblem(
          422,
          'idempotency-key-reused',
          `Idempotency-Key "${key}" was used for another request.`,
        );
      }
      outcome = stored ?? perform(parseOrReject(schema, req.body), req);
    } catch (err) {
      if (responseIsLost(res)) throw unavailable(agency, 'timed out answering');
      throw err;
    }
    if (!stored && outcome.status < 300) {
      ctx.state.idempotency.set(storeKey, { fingerprint, status: outcome.status, body: outcome.body });
      if (outcome.effect) ctx.state.ledger.push({ agency, ...outcome.effect, idempotencyKey: key, at: nowIso() });
      await ctx.store.save();
    } else {
      // A replay may race the write of the call it replays; it too answers only once that is saved.
      await ctx.store.flushed();
    }
    if (responseIsLost(res)) throw unavailable(agency, 'timed out answering');
    if (stored) res.set('Idempotent-Replayed', 'true');
    res.status(outcome.status).json(outcome.body);
  };
}

function idempotencyKeyOf(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    throw new AgencyProblem(400, 'idempotency-key-missing', 'This call changes something: send an Idempotency-Key.');
  }
  if (key.length > 255) throw validationProblem([{ name: 'Idempotency-Key', reason: 'at most 255 characters' }]);
  return key;
}

/**
 * The request a key was first used for: method, path and body with keys sorted. The path is part of it, so
 * one key sent to two municipalities or two applications is a reuse, not a replay.
 */
function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
