import { z } from 'zod';

/** Thrown when an environment variable does not parse; the message names the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int()
  .min(0, 'expected a port number')
  .max(65535, 'expected a port number');

export const TemporalEnvSchema = z.object({
  /** host:port of the Temporal frontend. */
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue of the case workflows. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('newcomer-cases'),
});

export const LogEnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const ApiEnvSchema = TemporalEnvSchema.extend(LogEnvSchema.shape).extend({
  API_PORT: port.default(3000),
  /** How long /readyz waits for Temporal before it answers 503, in milliseconds. */
  READINESS_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
});
export type ApiConfig = z.infer<typeof ApiEnvSchema>;

export const WorkerEnvSchema = TemporalEnvSchema.extend(LogEnvSchema.shape).extend({
  /** Prometheus scrape endpoint of the worker's Temporal runtime; empty disables it. */
  WORKER_METRICS_ADDRESS: z.string().default('0.0.0.0:9464'),
  /** A bundle made by `npm run bundle:workflows`; required outside development. */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** How long in-flight activities may finish after SIGTERM before they are handed back. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
});
export type WorkerConfig = z.infer<typeof WorkerEnvSchema>;

/**
 * Parses the environment once at start-up. The first bad variable becomes a one-line ConfigError such as
 * `API_PORT="abc": expected a number from 0 to 65535`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(withoutEmptyStrings(env));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const value = env[name];
  const shown = value === undefined ? 'is missing' : `="${value}"`;
  throw new ConfigError(
    `Invalid configuration: ${name}${shown === 'is missing' ? ' is missing' : shown}: ${issue?.message}`,
  );
}

function withoutEmptyStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

/** Runs a process's main, turning a ConfigError into one line on stderr and exit code 2. */
export function runMain(main: () => Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
