import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Authenticate } from '../auth';
import { exposedHeaders } from '../http-hygiene';
import { HttpProblem } from '../problem';
import { may } from '../roles';
import { parse } from '../validate';

export interface CodecRouterDeps {
  codec: PayloadCodec;
  authenticate: Authenticate;
  /** Origins allowed to call from a browser (the Temporal UI). */
  corsOrigins: readonly string[];
  /**
   * A secret path segment that stands in for an operator token, for a UI that cannot send one (the embedded
   * dev server's UI has no login): `/codec/t/<token>/decode`. Unset: only operator bearer tokens.
   */
  urlToken?: string;
}

const base64 = z.string().max(4_000_000);
/**
 * What the Temporal CLI and UI send: a query or an update without arguments comes as `{}` (protobuf JSON leaves
 * out an empty list), or with `"payloads": []` or `null`; each is no payloads, answered with none.
 */
const PayloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
    .max(1000)
    .nullish()
    .transform((payloads) => payloads ?? []),
});

const fromJson = (p: z.infer<typeof PayloadsSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * The codec server the Temporal UI and CLI call to show encrypted payloads decoded: only to operators, and from
 * a browser only from the UI's origin.
 */
export function codecRouter(deps: CodecRouterDeps): Router {
  const router = Router();

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && deps.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };

  const operatorOnly: RequestHandler = async (req, _res, next) => {
    const token = req.params.token;
    if (typeof token === 'string') {
      if (!deps.urlToken || !sameSecret(token, deps.urlToken)) {
        throw new HttpProblem(403, 'Forbidden', 'This codec link is not valid.');
      }
      return next();
    }
    const actor = await deps.authenticate(req.headers.authorization);
    if (!may(actor.role, 'decode-payloads')) {
      throw new HttpProblem(403, 'Forbidden', `The role ${actor.role} may not decode-payloads.`);
    }
    next();
  };

  for (const prefix of ['', '/t/:token']) {
    router.options(`${prefix}/:operation`, cors);
    router.post(`${prefix}/:operation`, cors, operatorOnly, async (req, res) => {
      const operation = req.params.operation;
      if (operation !== 'decode' && operation !== 'encode') {
        throw new HttpProblem(404, 'Not Found', 'The codec answers /decode and /encode.');
      }
      const { payloads } = parse(PayloadsSchema, req.body ?? {});
      const input = payloads.map(fromJson);
      const output = operation === 'decode' ? await deps.codec.decode(input) : await deps.codec.encode(input);
      res.json({ payloads: output.map(toJson) });
    });
  }
  return router;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
