import { z } from 'zod';
import { CaseSettingsEnvSchema } from '../lib/case-settings-config';
import { EncryptionEnvSchema, TemporalEnvSchema } from '../lib/config';
import { milliseconds } from '../lib/env-values';

const day = 86_400_000;

/** The notation of the case clocks (`2d`, `12h`, `30m`): operators learn one. */
const duration = CaseSettingsEnvSchema.shape.CASE_AGENCY_RETRY_MAX.unwrap();

export const OperatorEnvSchema = TemporalEnvSchema.extend(EncryptionEnvSchema.shape).extend({
  /** Who the audit trail names for the operator's retries, skips and cancellations (role `operator`). */
  OPERATOR_ID: z
    .string()
    .regex(/^[\w.@-]{1,64}$/, 'expected an operator id of letters, digits, . _ @ or -')
    .default('operator-cli'),
  /** How long after the appointment a case may wait on a person at the desk before it counts as stuck. */
  STUCK_HUMAN_NORM: duration.default(2 * day),
  /** The Temporal Web UI the links of `cases stuck` open; unset beside `make dev`: `.data/temporal-ui-url`. */
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  /** How long a query or an update may wait for a worker, in milliseconds. */
  OPERATOR_TIMEOUT_MS: milliseconds(1).default(10_000),
});
export type OperatorConfig = z.infer<typeof OperatorEnvSchema>;

/** `2d`, `36h`, `90m`: the largest unit that divides the duration, in the notation of the environment. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', day],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
