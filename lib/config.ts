import { z } from 'zod';
import { deskLocationMessage, deskLocationPattern } from '../domain/rules';
import { CaseSettingsEnvSchema, duration } from './case-settings-config';
import { parsePayloadKeys, type PayloadKeys } from './encryption';
import { emptyIsNone, envNumber, listenHost, milliseconds, port } from './env-values';

/** Thrown when an environment variable does not parse; the message names the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const nodeEnv = z.enum(['development', 'production', 'test']).default('development');

const tlsSwitch = z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' });

/**
 * Where Temporal is and how to reach it, in the variables of Temporal's own tools (`@temporalio/envconfig`, the
 * Temporal CLI): a variable overrides the profile of the config file, which overrides the default. Resolved into
 * connection options by `lib/temporal/connection.ts`.
 */
export const TemporalEnvSchema = z.object({
  /** host:port of the Temporal frontend; unset: the profile's address, else localhost:7233. */
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  /** Unset: the profile's namespace, else `default`. */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue of the case workflows. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('newcomer-cases'),
  /** API key (Temporal Cloud); sent as a bearer token, over TLS only. */
  TEMPORAL_API_KEY: emptyIsNone(z.string()),
  TEMPORAL_TLS: emptyIsNone(tlsSwitch),
  TEMPORAL_TLS_CLIENT_CERT_PATH: emptyIsNone(z.string()),
  TEMPORAL_TLS_CLIENT_KEY_PATH: emptyIsNone(z.string()),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: emptyIsNone(z.string()),
  TEMPORAL_TLS_CLIENT_CERT_DATA: emptyIsNone(z.string()),
  TEMPORAL_TLS_CLIENT_KEY_DATA: emptyIsNone(z.string()),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: emptyIsNone(z.string()),
  TEMPORAL_TLS_SERVER_NAME: emptyIsNone(z.string()),
  /** Profile of the config file; unset: `default`. */
  TEMPORAL_PROFILE: emptyIsNone(z.string()),
  /** TOML config file of Temporal's tools; unset: ~/.config/temporalio/temporal.toml when it exists. */
  TEMPORAL_CONFIG_FILE: emptyIsNone(z.string()),
});
export type TemporalEnv = z.infer<typeof TemporalEnvSchema>;

export const LogEnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const payloadKeysExpected = 'expected keyId:base64key of a 32-byte key (make dev generates one into .data/)';

/** The payload encryption keys every process that reads or writes cases needs (see lib/encryption.ts). */
export const EncryptionEnvSchema = z.object({
  /** `keyId:base64key,…` of 32-byte AES keys; `make dev` generates one into .data/payload-keys. */
  PAYLOAD_KEYS: z
    .string({ error: payloadKeysExpected })
    .min(1, payloadKeysExpected)
    .superRefine((value, ctx) => {
      try {
        parsePayloadKeys(value);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message:
            `expected keyId:base64key pairs of 32-byte keys, separated by commas; ${(err as Error).message} ` +
            '(make a key with `openssl rand -base64 32`)',
        });
      }
    }),
  /** The key that encrypts; the others only decrypt. Default: the last key of PAYLOAD_KEYS. */
  PAYLOAD_KEY_ID: emptyIsNone(z.string()),
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
    API_HOST: listenHost,
    API_PORT: port.default(3000),
    /**
     * The proxies in front of the API whose X-Forwarded-Proto and -Host it believes (express's `trust proxy`):
     * a number of hops, or addresses and subnets (`loopback`, `10.0.0.0/8`); unset: none.
     */
    API_TRUST_PROXY: emptyIsNone(z.string()),
    /** How long /readyz waits for Temporal before it answers 503, in milliseconds. */
    READINESS_TIMEOUT_MS: milliseconds(1).default(2000),
    /** How long an officer action or a case query may wait for a worker before the API answers 503. */
    ACTION_TIMEOUT_MS: milliseconds(1).default(5000),
    /** `production` refuses development tokens and requires JWTs of a named issuer and audience (api/config.ts). */
    NODE_ENV: nodeEnv,
    /**
     * Static bearer tokens, `token=actorId:role` separated by commas. The defaults are the development tokens
     * of the README; empty: none. Production refuses `dev-` tokens.
     */
    API_TOKENS: z
      .string()
      .default(
        'dev-booking-site=booking-site:booking-site,dev-desk-officer=desk-officer-1:desk-officer,' +
          'dev-ind-officer=ind-officer-1:ind-officer,dev-expat-advisor=expat-advisor-1:expat-advisor,' +
          'dev-agency=ind:agency,dev-operator=operator-1:operator',
      ),
    /** Verify signed JWTs (issuer, audience, `role` claim, `sub` as actor id) with a shared HS256 secret… */
    JWT_SECRET: emptyIsNone(z.string().min(32, 'expected at least 32 characters')),
    /** …or with the issuer's JSON Web Key Set (RS256, ES256, PS256 or EdDSA). */
    JWT_JWKS_URL: emptyIsNone(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
    JWT_ISSUER: emptyIsNone(z.string()),
    JWT_AUDIENCE: z.string().min(1, 'expected the audience of accepted JWTs').default('one-stop-shop'),
    /** Longest lifetime (`exp` minus `iat`, or minus now) of an accepted JWT, in milliseconds. */
    JWT_MAX_LIFETIME: duration.default(3_600_000),
    /** Browser origins (the Temporal UI) allowed to call the codec server at /codec; empty: none. */
    CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
    /** A secret that stands in for an operator token in the codec URL (/codec/t/<secret>), for a UI without login. */
    CODEC_URL_TOKEN: emptyIsNone(z.string().min(24, 'expected at least 24 characters')),
    /** The desk whose day list the console opens with. */
    DESK_LOCATION: z.string().regex(deskLocationPattern, `expected ${deskLocationMessage}`).default('MIC-Maastricht'),
    /** How long a console session lasts from sign-in. */
    DESK_SESSION_TTL: duration.default(8 * 3_600_000),
    /** How long a console session lasts without the officer doing anything. */
    DESK_SESSION_IDLE: duration.default(3_600_000),
    /** Seals the console's session cookies (AES-256-GCM); the same for every replica; required in production. */
    DESK_SESSION_SECRET: emptyIsNone(z.string().min(32, 'expected at least 32 random characters')),
    /** The file of signed-out console sessions, kept until they expire; shared by every replica; unset: memory. */
    DESK_SIGN_OUTS_FILE: emptyIsNone(z.string()),
    /** The console's OpenID Connect provider (its issuer URL); unset: no organisation sign-in. */
    DESK_OIDC_ISSUER: emptyIsNone(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
    DESK_OIDC_CLIENT_ID: emptyIsNone(z.string()),
    /** Unset: a public client, protected by PKCE alone. */
    DESK_OIDC_CLIENT_SECRET: emptyIsNone(z.string()),
    /** The console's callback as registered at the provider, `https://…/desk/oidc/callback`. */
    DESK_OIDC_REDIRECT_URL: emptyIsNone(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
    /** The ID token's claim that names the officer's role. */
    DESK_OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
  });
export type ApiConfig = z.infer<typeof ApiEnvSchema>;

const rate = envNumber(
  z.coerce.number({ error: 'expected a number of calls per second' }).positive('expected a positive number'),
);

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
  AGENCY_TIMEOUT_MS: milliseconds(1).default(10_000),
  /** Where IND calls back (the API's call-back endpoint). */
  IND_CALLBACK_URL: z.url().default('http://127.0.0.1:3000/v1/agency-callbacks/ind'),
  /** How often the polling fall-back asks IND for a decision or a card, in milliseconds. */
  IND_POLL_INTERVAL_MS: milliseconds(1).default(60_000),
  /** Calls per second across all workers, per agency (Temporal enforces it per task queue). */
  BRP_RATE_LIMIT: rate.default(20),
  IND_RATE_LIMIT: rate.default(20),
  NOTIFY_RATE_LIMIT: rate.default(50),
});
export type AgencyConfig = z.infer<typeof AgencyEnvSchema>;

/** `host:port`, or empty for "not served": the metrics and health endpoints bind loopback unless told otherwise. */
const metricsAddress = z
  .string()
  .regex(/^(.+:\d{1,5})?$/, 'expected host:port such as 127.0.0.1:9464, or empty to disable it')
  .refine((v) => v === '' || Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'expected a port up to 65535');

/**
 * Threads that run the case workflows' tasks (the SDK's `workflowThreadPoolSize`, one by default). Two let a short
 * officer's action run beside a long task of another case (a case's start) instead of queueing behind it: with 8
 * officers `npm run bench` measured check-in at 1.26x the bare update where one thread gave 1.45x. The bench's
 * baseline workers get the same number.
 */
export const workflowThreads = envNumber(
  z.coerce.number({ error: 'expected a number of threads' }).int('expected a whole number of threads').min(1).max(16),
).default(2);

export const WorkerEnvSchema = TemporalEnvSchema.extend(LogEnvSchema.shape)
  .extend(EncryptionEnvSchema.shape)
  .extend(AgencyEnvSchema.shape)
  .extend(CaseSettingsEnvSchema.shape)
  .extend({
    /** Prometheus scrape endpoint (host:port) of the worker's Temporal runtime; empty disables it. */
    WORKER_METRICS_ADDRESS: metricsAddress.default('127.0.0.1:9464'),
    /** Serves the daily stuck-cases report's gauge `stuck_cases{kind}` (host:port); empty disables it. */
    WORKER_REPORT_METRICS_ADDRESS: metricsAddress.default('127.0.0.1:9465'),
    /** `GET /healthz` of the worker process (host:port), for a container's healthcheck; empty disables it. */
    WORKER_HEALTH_ADDRESS: metricsAddress.default('127.0.0.1:9466'),
    /** A bundle made by `npm run bundle:workflows`; required outside development. */
    WORKFLOW_BUNDLE_PATH: emptyIsNone(z.string()),
    NODE_ENV: nodeEnv,
    /** How long in-flight activities may finish after SIGTERM before they are handed back. */
    WORKER_SHUTDOWN_GRACE_MS: milliseconds(0).default(10_000),
    /**
     * Cases kept in the worker's memory between their workflow tasks (about 1 MB each); a case not kept is
     * replayed from its history when it next moves. Bounds the worker's RSS however many cases are open.
     */
    WORKER_MAX_CACHED_WORKFLOWS: envNumber(
      z.coerce.number({ error: 'expected a number of cases' }).int('expected a whole number of cases').min(0),
    ).default(1000),
    WORKER_WORKFLOW_THREADS: workflowThreads,
  });
export type WorkerConfig = z.infer<typeof WorkerEnvSchema>;

const fixedPort = envNumber(
  z.coerce.number({ error: 'expected a port number from 1 to 65535' }).int().min(1).max(65535),
);

/** `make dev`'s supervisor: the ports it gives the embedded Temporal server and UI, the API and the sandbox. */
export const DevEnvSchema = z.object({
  TEMPORAL_PORT: fixedPort.default(7233),
  TEMPORAL_UI_PORT: fixedPort.default(8233),
  API_PORT: fixedPort.default(3000),
  SANDBOX_PORT: fixedPort.default(4000),
});

/**
 * Whether a variable holds a secret, by the last word of its name: a key (`PAYLOAD_KEYS`, `TEMPORAL_API_KEY`, and
 * `TEMPORAL_TLS_CLIENT_KEY_DATA`, the key itself), a token, a secret or a password. `PAYLOAD_KEY_ID` and
 * `…_KEY_PATH` name one and are not. A new secret follows the rule by its name alone.
 */
export function isSecretVariable(name: string): boolean {
  return /(^|_)(KEYS?|TOKENS?|SECRETS?|PASSWORDS?)(_DATA)?$/.test(name);
}

/**
 * Parses the environment once at start-up. The first bad variable becomes a one-line ConfigError such as
 * `API_PORT="abc": expected a port number`; a secret's value is never shown (`JWT_SECRET is set (secret, not
 * shown): …`), as the line lands in logs. An empty variable is empty, not unset: each schema says what empty
 * means (none, disabled, or an error such as `API_PORT is empty: expected a port number`).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const value = env[name];
  const shown =
    value === undefined
      ? ' is missing'
      : value === ''
        ? ' is empty'
        : isSecretVariable(name)
          ? ' is set (secret, not shown)'
          : `="${value}"`;
  const unset = schema instanceof z.ZodObject && value === '' && hasDefault(schema.shape[name] as z.ZodType);
  throw new ConfigError(
    `Invalid configuration: ${name}${shown}: ${issue?.message}${unset ? ' (unset it for the default)' : ''}`,
  );
}

function hasDefault(schema: z.ZodType | undefined): boolean {
  return schema?.safeParse(undefined).success ?? false;
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
