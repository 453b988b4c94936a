import { z } from 'zod';
import { LogEnvSchema } from '../lib/config';
import { emptyIsNone, envNumber, listenHost, milliseconds, port } from '../lib/env-values';

const delayMs = milliseconds(0);
/** Comma-separated; empty: an empty list. */
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** The sandbox process's environment; the defaults match what the API and worker expect in development. */
export const SandboxEnvSchema = LogEnvSchema.extend({
  SANDBOX_HOST: listenHost,
  SANDBOX_PORT: port.default(4000),
  /** Bearer token the agencies expect. */
  SANDBOX_TOKEN: z.string().min(1).default('sandbox-dev-token'),
  /** Where IND call-backs go when a request carried no callbackUrl. */
  SANDBOX_CALLBACK_URL: emptyIsNone(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
  /** Bearer token sent on call-backs. */
  SANDBOX_CALLBACK_TOKEN: z.string().min(1).default('agency-dev-token'),
  /** Grant IND applications automatically after this many ms; 0: only on POST /_admin/ind/decide. */
  SANDBOX_DECISION_DELAY_MS: delayMs.default(0),
  /** Make cards ready automatically after this many ms; 0: only on POST /_admin/ind/card-ready. */
  SANDBOX_CARD_READY_DELAY_MS: delayMs.default(0),
  /** Comma-separated sponsor numbers the IND register does not know. */
  SANDBOX_UNRECOGNISED_SPONSORS: list.default(['RS-UNKNOWN']),
  /** Comma-separated postcodes every municipality rejects. */
  SANDBOX_REJECTED_POSTCODES: list.default(['9999ZZ']),
  /**
   * JSON file that keeps the sandbox's state across restarts: loaded at start (missing: empty), saved after each
   * change. Unset: memory only. `make dev` sets `.data/sandbox-state.json`.
   */
  SANDBOX_STATE_FILE: emptyIsNone(z.string()),
  /** Bearer token of `/_admin`; unset: `/_admin` answers callers on loopback only. */
  SANDBOX_ADMIN_TOKEN: emptyIsNone(z.string().min(16, 'expected at least 16 characters')),
  /** Seed of the fault randomness; random when unset (the process logs the one it drew). */
  SANDBOX_SEED: envNumber(z.coerce.number({ error: 'expected an integer' }).int('expected an integer').optional()),
});
export type SandboxConfig = z.infer<typeof SandboxEnvSchema>;
