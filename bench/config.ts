import { z } from 'zod';
import { LogEnvSchema, parseEnv } from '../lib/config';

const count = (what: string) =>
  z.coerce
    .number({ error: `expected a number of ${what}` })
    .int(`expected whole ${what}`)
    .positive(`expected 1 or more ${what}`);

/** `npm run bench`'s environment. */
export const BenchEnvSchema = z.object({
  BENCH_OFFICERS: count('officers').default(8),
  /** Cases per path (bare, direct, HTTP); p99 of 100 samples is the second-worst. */
  BENCH_CASES: count('cases').default(100),
  BENCH_API_LOG: LogEnvSchema.shape.LOG_LEVEL.default('silent'),
});
export type BenchConfig = z.infer<typeof BenchEnvSchema>;

export function benchConfig(): BenchConfig {
  return parseEnv(BenchEnvSchema);
}
