import { z } from 'zod';
import { LogEnvSchema, parseEnv, workflowThreads } from '../lib/config';
import { envNumber } from '../lib/env-values';

const count = (what: string) =>
  envNumber(
    z.coerce
      .number({ error: `expected a number of ${what}` })
      .int(`expected whole ${what}`)
      .positive(`expected 1 or more ${what}`),
  );

/** `npm run bench`'s environment; `--soak` on the command line is the same as `BENCH_MODE=soak`. */
export const BenchEnvSchema = z.object({
  /** `latency`: officer actions against the bare update; `soak`: many cases booked, memory and database watched. */
  BENCH_MODE: z.enum(['latency', 'soak'], { error: 'expected latency or soak' }).default('latency'),
  BENCH_OFFICERS: count('officers').default(8),
  /**
   * Cases per path (bare, commands, direct, HTTP). A p99 of 100 samples is the second-worst, and moved by 0.5x
   * between runs of the same code; of 300 it is the fourth-worst.
   */
  BENCH_CASES: count('cases').default(300),
  /** The workers' workflow threads, as the worker process reads them: the case workers and the baselines' alike. */
  WORKER_WORKFLOW_THREADS: workflowThreads,
  BENCH_API_LOG: LogEnvSchema.shape.LOG_LEVEL.default('silent'),
  SOAK_CASES: count('cases').default(10_000),
  /** Bookings in flight at once. */
  SOAK_CONCURRENCY: count('bookings').default(16),
  /** How often the worker's RSS is sampled, in milliseconds. */
  SOAK_SAMPLE_MS: count('milliseconds').default(5000),
});
export type BenchConfig = z.infer<typeof BenchEnvSchema>;

export function benchConfig(argv: readonly string[] = process.argv.slice(2)): BenchConfig {
  const config = parseEnv(BenchEnvSchema);
  return argv.includes('--soak') ? { ...config, BENCH_MODE: 'soak' } : config;
}
