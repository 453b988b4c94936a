import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { agencies, type Agency } from '../domain/agency-failures';
import { AgencyProblem } from './problem';
import type { Fault, SandboxState } from './state';

const delayMs = z.number().int().min(0).max(120_000);

/** Body of `PUT /_admin/faults`; it replaces that agency's faults. */
export const FaultRequestSchema = z.strictObject({
  agency: z.enum(agencies),
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z
    .union([delayMs, z.tuple([delayMs, delayMs]).refine(([min, max]) => min <= max, 'expected [min, max]')])
    .optional(),
  outage: z.boolean().optional(),
  /** Answers every matching call with this status, as the agency would when it refuses or breaks. */
  answer: z
    .strictObject({
      status: z.union([z.literal(404), z.literal(409), z.literal(422), z.literal(500)]),
      /** `METHOD path` under the sandbox's root, a regular expression, e.g. `^POST /ind/cards$`. */
      call: z.string().min(1).max(200),
    })
    .optional(),
});
export type FaultRequest = z.infer<typeof FaultRequestSchema>;

/**
 * The three ways a call fails under `errorRate`: refused before any work, answered 503 after the work was done
 * and stored (the response is "lost"), or throttled.
 */
const failureKinds = ['unavailable', 'lost', 'throttled'] as const;
type FailureKind = (typeof failureKinds)[number];

/** Injects outages, latency and failures per agency, drawn from one seeded generator so a run can be repeated. */
export class FaultInjector {
  private random: () => number;

  constructor(
    private readonly state: SandboxState,
    private readonly seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  set(request: FaultRequest): Fault {
    const fault: Fault = {
      errorRate: request.errorRate ?? 0,
      latencyMs: request.latencyMs ?? 0,
      outage: request.outage ?? false,
      ...(request.answer ? { answer: request.answer } : {}),
    };
    this.state.faults[request.agency] = fault;
    return fault;
  }

  /** Back to the seed's first draw: after a reset the same calls fail the same way. */
  reseed(): void {
    this.random = mulberry32(this.seed);
  }

  /** Outage, latency, and the failures that happen before the agency does anything; marks the lost responses. */
  middleware(agency: Agency): RequestHandler {
    return async (req, res, next) => {
      const fault = this.state.faults[agency];
      if (!fault) return next();
      if (fault.outage) throw unavailable(agency, 'is down for maintenance');
      if (fault.answer && new RegExp(fault.answer.call).test(`${req.method} ${req.baseUrl}${req.path}`)) {
        throw scripted(agency, fault.answer.status);
      }
      const failure = this.drawFailure(fault.errorRate);
      const latency = this.drawLatency(fault.latencyMs);
      if (latency > 0) await sleep(latency, undefined, { ref: false });
      if (failure === 'unavailable') throw unavailable(agency, 'could not handle the request; try again later');
      if (failure === 'throttled') {
        res.set('Retry-After', '1');
        throw new AgencyProblem(429, 'rate-limited', `${agency} receives too many requests; retry after 1 second.`);
      }
      if (failure === 'lost') (res.locals as FaultLocals).lostResponse = true;
      next();
    };
  }

  private drawFailure(errorRate: number): FailureKind | undefined {
    if (errorRate <= 0 || this.random() >= errorRate) return undefined;
    return failureKinds[Math.floor(this.random() * failureKinds.length)];
  }

  private drawLatency(latency: Fault['latencyMs']): number {
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return Math.round(min + this.random() * (max - min));
  }
}

interface FaultLocals {
  lostResponse?: boolean;
}

/** True when this call's answer is to be lost: the work is done and stored, the caller gets a 503. */
export function responseIsLost(res: Response): boolean {
  return (res.locals as FaultLocals).lostResponse === true;
}

const scriptedProblems = {
  404: ['not-found', 'does not know it'],
  409: ['conflict', 'refuses it in the state it is in'],
  422: ['unprocessable', 'cannot process it'],
  500: ['internal-error', 'failed while handling it'],
} as const;

/** The answer of a scripted fault: a problem of the agency's own kind, with nothing the adapters act on. */
function scripted(agency: Agency, status: keyof typeof scriptedProblems): AgencyProblem {
  const [type, what] = scriptedProblems[status];
  return new AgencyProblem(status, type, `${agency} ${what} (a scripted fault).`);
}

export function unavailable(agency: Agency, what: string): AgencyProblem {
  return new AgencyProblem(503, 'agency-unavailable', `${agency} ${what}`);
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
