import { z } from 'zod';
import { defaultCaseSettings, type CaseSettings } from '../workflows/settings';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `90d`, `30m`, `5s` or `250ms`, in milliseconds. */
export const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 90d, 30m, 5s or 250ms')
  .transform((v) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(v)!;
    return Number(amount) * units[unit!]!;
  });

/** Each clock of docs/domain.md, configurable per deployment (and shortened in demos and tests). */
const variables: Record<keyof CaseSettings, keyof z.infer<typeof CaseSettingsEnvSchema>> = {
  indLegalTermMs: 'CASE_IND_LEGAL_TERM',
  indLegalTermShortMs: 'CASE_IND_LEGAL_TERM_SHORT',
  indSponsorTargetMs: 'CASE_IND_SPONSOR_TARGET',
  documentsTermMs: 'CASE_DOCUMENTS_TERM',
  checkInGraceMs: 'CASE_CHECK_IN_GRACE',
  rescheduleWindowMs: 'CASE_RESCHEDULE_WINDOW',
  bsnNormMs: 'CASE_BSN_NORM',
  cardReadyNormMs: 'CASE_CARD_READY_NORM',
  cardCollectionReminderMs: 'CASE_CARD_COLLECTION_REMINDER',
  cardCollectionEscalationMs: 'CASE_CARD_COLLECTION_ESCALATION',
  returnVisaMaxValidityMs: 'CASE_RETURN_VISA_MAX_VALIDITY',
  agencyRetryVisibleAfterMs: 'CASE_AGENCY_RETRY_VISIBLE_AFTER',
  agencyRetryMaxMs: 'CASE_AGENCY_RETRY_MAX',
  agencyRetryIntervalCapMs: 'CASE_AGENCY_RETRY_INTERVAL_CAP',
  pollHeartbeatTimeoutMs: 'CASE_POLL_HEARTBEAT_TIMEOUT',
  personNormMs: 'CASE_PERSON_NORM',
};

export const caseSettingsVariables = variables;

export const CaseSettingsEnvSchema = z.object({
  CASE_IND_LEGAL_TERM: duration.optional(),
  CASE_IND_LEGAL_TERM_SHORT: duration.optional(),
  CASE_IND_SPONSOR_TARGET: duration.optional(),
  CASE_DOCUMENTS_TERM: duration.optional(),
  CASE_CHECK_IN_GRACE: duration.optional(),
  CASE_RESCHEDULE_WINDOW: duration.optional(),
  CASE_BSN_NORM: duration.optional(),
  CASE_CARD_READY_NORM: duration.optional(),
  CASE_CARD_COLLECTION_REMINDER: duration.optional(),
  CASE_CARD_COLLECTION_ESCALATION: duration.optional(),
  // The law caps a return visa at 3 months (92 days at the longest); a longer setting would promise what IND refuses.
  CASE_RETURN_VISA_MAX_VALIDITY: duration.refine((ms) => ms <= 92 * 86_400_000, 'at most 92d (3 months)').optional(),
  CASE_AGENCY_RETRY_VISIBLE_AFTER: duration.optional(),
  CASE_AGENCY_RETRY_MAX: duration.optional(),
  // Temporal refuses a retry policy whose longest interval is shorter than its first (2 s for BRP and IND).
  CASE_AGENCY_RETRY_INTERVAL_CAP: duration.refine((ms) => ms >= 2000, 'at least 2s').optional(),
  CASE_POLL_HEARTBEAT_TIMEOUT: duration.optional(),
  CASE_PERSON_NORM: duration.optional(),
});

/** The case clocks from the parsed environment, defaults where a variable is unset. */
export function caseSettingsFrom(env: Record<string, unknown>): CaseSettings {
  const settings = { ...defaultCaseSettings };
  for (const [key, name] of Object.entries(variables) as [keyof CaseSettings, string][]) {
    const value = env[name];
    if (typeof value === 'number') settings[key] = value;
  }
  return settings;
}
