import { z } from 'zod';
import { CaseSettingsEnvSchema } from './case-settings-config';
import { parsePayloadKeys, type PayloadKeys } from './encryption';

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

/** The payload encryption keys every process that reads or writes cases needs (see lib/encryption.ts). */
export const EncryptionEnvSchema = z.object({
  /** `keyId:base64key,…` of 32-byte AES keys; `make dev` generates one into .data/payload-keys. */
  PAYLOAD_KEYS: z
    .string({ error: 'expected keyId:base64key of a 32-byte key (make dev generates one into .data/)' })
    .refine((v) => {
      try {
        parsePayloadKeys(v);
        return true;
      } catch {
        return false;
      }
    }, 'expected keyId:base64key pairs of 32-byte keys, separated by commas'),
  /** The key that encrypts; the others only decrypt. Default: the last key of PAYLOAD_KEYS. */
  PAYLOAD_KEY_ID: z.string().optional(),
});

/** The keys of a parsed configuration. */
export function payloadKeysOf(config: z.infer<typeof EncryptionEnvSchema>): PayloadKeys {
  try {
    return parsePayloadKeys(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration: PAYLOAD_KEY_ID="${config.PAYLOAD_KEY_ID}": ${(err as Error).message}`,
    );
  }
}

export const ApiEnvSchema = TemporalEnvSchema.extend(LogEnvSchema.shape)
  .extend(EncryptionEnvSchema.shape)
  .extend({
    API_PORT: port.default(3000),
    /** How long /readyz waits for Temporal before it answers 503, in milliseconds. */
    READINESS_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
    /** How long an officer action or a case query may wait for a worker before the API answers 503. */
    ACTION_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    /**
     * Static bearer tokens, `token=actorId:role` separated by commas. The defaults are the development tokens
     * of the README; set it empty in production and use JWTs.
     */
    API_TOKENS: z
      .string()
      .default(
        'dev-booking-site=booking-site:booking-site,dev-desk-officer=desk-officer-1:desk-officer,' +
          'dev-ind-officer=ind-officer-1:ind-officer,dev-expat-advisor=expat-advisor-1:expat-advisor,' +
          'dev-agency=ind:agency,dev-operator=operator-1:operator',
      ),
    /** Verify signed JWTs (issuer, audience, `role` claim, `sub` as actor id) with a shared HS256 secret… */
    JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
    /** …or with the issuer's JSON Web Key Set. */
    JWT_JWKS_URL: z.url().optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().default('one-stop-shop'),
    /** Browser origins (the Temporal UI) allowed to call the codec server at /codec. */
    CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
    /** A secret that stands in for an operator token in the codec URL (/codec/t/<secret>), for a UI without login. */
    CODEC_URL_TOKEN: z.string().min(24, 'expected at least 24 characters').optional(),
  });
export type ApiConfig = z.infer<typeof ApiEnvSchema>;

const rate = z.coerce.number({ error: 'expected a number of calls per second' }).positive('expected a positive number');

/** Where the agencies are and how hard we may call them; the sandbox is only the default. */
export const AgencyEnvSchema = z.object({
  /** One BRP endpoint per municipality: `{municipalityCode}` is replaced by the 4-digit code. */
  BRP_URL_TEMPLATE: z
    .url()
    .refine(
      (u) => u.includes('%7BmunicipalityCode%7D') || u.includes('{municipalityCode}'),
      'must contain {municipalityCode}',
    )
    .default('http://127.0.0.1:4000/brp/{municipalityCode}'),
  IND_URL: z.url().default('http://127.0.0.1:4000/ind'),
  NOTIFY_URL: z.url().default('http://127.0.0.1:4000/notify'),
  BRP_TOKEN: z.string().min(1).default('sandbox-dev-token'),
  IND_TOKEN: z.string().min(1).default('sandbox-dev-token'),
  NOTIFY_TOKEN: z.string().min(1).default('sandbox-dev-token'),
  /** Per-request timeout of an agency call, in milliseconds. */
  AGENCY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Where IND calls back (the API's call-back endpoint). */
  IND_CALLBACK_URL: z.url().default('http://127.0.0.1:3000/v1/agency-callbacks/ind'),
  /** How often the polling fall-back asks IND for a decision or a card, in milliseconds. */
  IND_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /** Calls per second across all workers, per agency (Temporal enforces it per task queue). */
  BRP_RATE_LIMIT: rate.default(20),
  IND_RATE_LIMIT: rate.default(20),
  NOTIFY_RATE_LIMIT: rate.default(50),
});
export type AgencyConfig = z.infer<typeof AgencyEnvSchema>;

export const WorkerEnvSchema = TemporalEnvSchema.extend(LogEnvSchema.shape)
  .extend(EncryptionEnvSchema.shape)
  .extend(AgencyEnvSchema.shape)
  .extend(CaseSettingsEnvSchema.shape)
  .extend({
    /** Prometheus scrape endpoint of the worker's Temporal runtime; empty disables it. */
    WORKER_METRICS_ADDRESS: z.string().default('0.0.0.0:9464'),
    /** Serves the daily stuck-cases report's gauge `stuck_cases{kind}`; empty disables it. */
    WORKER_REPORT_METRICS_ADDRESS: z.string().default('0.0.0.0:9465'),
    /** A bundle made by `npm run bundle:workflows`; required outside development. */
    WORKFLOW_BUNDLE_PATH: z.string().optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** How long in-flight activities may finish after SIGTERM before they are handed back. */
    WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  });
export type WorkerConfig = z.infer<typeof WorkerEnvSchema>;

/** `make dev`'s supervisor: the ports it gives the embedded Temporal server and UI, the API and the sandbox. */
export const DevEnvSchema = z.object({
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  API_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4000),
});

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
