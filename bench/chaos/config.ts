import { z } from 'zod';
import { CaseSettingsEnvSchema } from '../../lib/case-settings-config';
import { SandboxEnvSchema } from '../../sandbox/config';

/** The notation of every duration in the environment: `2m`, `20s`, `500ms`. */
const duration = CaseSettingsEnvSchema.shape.CASE_AGENCY_RETRY_MAX.unwrap();

/** `npm run chaos`'s environment. */
export const ChaosEnvSchema = z.object({
  /** Cases the desk bot books and drives to the end. */
  CHAOS_CASES: z.coerce.number({ error: 'expected a number' }).int().positive('expected 1 or more').default(200),
  /** At most this many cases open at once: the bot books the next when one finishes. */
  CHAOS_OPEN_CASES: z.coerce.number({ error: 'expected a number' }).int().positive('expected 1 or more').default(40),
  /** Mean time between two worker kills. */
  CHAOS_WORKER_KILL_EVERY: duration.default(20_000),
  /** How long BRP is down, once. */
  CHAOS_BRP_OUTAGE: duration.default(120_000),
  /** `0` leaves the sandbox alone: its restart loses its state until it keeps it in `SANDBOX_STATE_FILE`. */
  CHAOS_KILL_SANDBOX: z
    .enum(['0', '1'], { error: 'expected 0 or 1' })
    .transform((v) => v === '1')
    .default(true),
  /** Seed of the sandbox's injected faults; random when unset (the run prints the one it drew). */
  CHAOS_SEED: z.coerce.number({ error: 'expected an integer' }).int('expected an integer').optional(),
});

/** See `ChaosOptions.stallTimeoutMs`. */
export const stallTimeoutMs = 12 * 60_000;

/** What one chaos run does; `npm run chaos` reads it from the environment, the CI test sets it small. */
export interface ChaosOptions {
  cases: number;
  openCases: number;
  /** Mean time between worker kills; each wait is drawn from half to one and a half times this. */
  workerKillEveryMs: number;
  /** Stop killing workers after this many kills; unbounded when omitted. */
  maxWorkerKills?: number;
  brpOutageMs: number;
  killSandbox: boolean;
  /** Share of every agency's calls that fail, throughout (besides the BRP outage). */
  errorRate: number;
  /** Latency every agency adds to a call: a uniform range, in milliseconds. */
  latencyMs: [number, number];
  seed: number;
  /**
   * After the last one-off disruption, a run that makes no progress for this long ends, and its open cases are
   * lost. Progress is a case booked, a step answered, a wait changed, a case finished, or another attempt of an
   * agency call: longer than the longest wait between two attempts (10 minutes).
   */
  stallTimeoutMs: number;
  /** Logs, the Temporal database, the workflow bundle and the sandbox's state file go here. */
  runDir: string;
}

export function chaosOptions(env: z.infer<typeof ChaosEnvSchema>, runDir: string, seed: number): ChaosOptions {
  return {
    cases: env.CHAOS_CASES,
    openCases: env.CHAOS_OPEN_CASES,
    workerKillEveryMs: env.CHAOS_WORKER_KILL_EVERY,
    brpOutageMs: env.CHAOS_BRP_OUTAGE,
    killSandbox: env.CHAOS_KILL_SANDBOX,
    errorRate: 0.3,
    latencyMs: [5, 150],
    seed,
    stallTimeoutMs,
    runDir,
  };
}

/**
 * Whether the sandbox keeps its state in `SANDBOX_STATE_FILE` across a restart. Until it does, a sandbox restart
 * forgets every application, card and idempotency key, and the cases that depend on them cannot complete.
 */
export function sandboxKeepsState(): boolean {
  return 'SANDBOX_STATE_FILE' in SandboxEnvSchema.shape;
}
