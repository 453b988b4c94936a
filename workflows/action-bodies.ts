import { z } from 'zod';
import { applicationNumberPattern, deskLocationMessage, deskLocationPattern } from '../domain/rules';
import { freeText, lineOfText } from '../domain/text';
import type { ActionName } from './actions';
import { stepNames, visitPurposes } from './definitions';

const deskLocation = z.string().regex(deskLocationPattern, deskLocationMessage);

const note = freeText(0, 2000).optional();
const reason = freeText(1, 2000);
/** Why an officer refuses: required for a refusal (the validator says so with a 422), absent otherwise. */
const refusalReason = freeText(0, 2000).optional();
/** The capture device's reference; the images stay on the device. */
export const CaptureReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{3,64}$/, 'a capture reference of 3-64 letters, digits and dashes');
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * What the caller of each officer action sends, beside its entry in `caseActions` (`actions.ts`): the API parses
 * a body with it, the OpenAPI document and the console's forms are drawn from it, and the Update's argument is
 * typed by it. The actor comes from the bearer token, never from the body.
 *
 * A module of its own, which the workflow imports as types only: building these schemas, and evaluating zod's own
 * modules, took about 16 of the 19 ms in which the worker set up each new or replayed case (the workflow sandbox
 * evaluates a case's modules anew for every case).
 */
export const actionBodies = {
  'check-in': z.strictObject({ identity: z.enum(['verified', 'in-doubt']), note }),
  'resolve-identity': z.strictObject({ identity: z.enum(['verified', 'not-verified']), reason: refusalReason, note }),
  'resolve-address': z.strictObject({
    decision: z.enum(['accept', 'refer-to-rni', 'refuse']),
    reason: refusalReason,
    note,
  }),
  'capture-biometrics': z.strictObject({ captureReference: CaptureReferenceSchema }),
  'record-biometrics-quality': z.strictObject({
    captureReference: CaptureReferenceSchema,
    result: z.enum(['accepted', 'retake-needed']),
  }),
  'record-embassy-prints': z.strictObject({ quality: z.enum(['usable', 'unusable']), note }),
  'record-permit-decision': z.strictObject({
    decision: z.enum(['granted', 'refused', 'inadmissible']),
    reason: refusalReason,
    note,
  }),
  'extend-decision-term': z.strictObject({ days: z.number().int().min(1).max(90), reason }),
  'request-documents': z.strictObject({
    documents: z.array(lineOfText(1, 200)).min(1).max(20),
    /** Defaults to now + the configured documents term. */
    dueAt: isoDateTime.optional(),
  }),
  'documents-supplied': z.strictObject({}),
  'decide-return-visa': z.strictObject({ decision: z.enum(['issue', 'refuse']), reason: refusalReason, note }),
  'hand-over-card': z.strictObject({}),
  'record-advice': z.strictObject({ outcome: z.enum(['given', 'declined']), note }),
  reschedule: z.strictObject({ startsAt: isoDateTime, location: deskLocation.optional() }),
  'schedule-visit': z.strictObject({
    purpose: z.enum(visitPurposes),
    startsAt: isoDateTime,
    /** Defaults to the desk of the appointment. */
    location: deskLocation.optional(),
  }),
  withdraw: z.strictObject({ reason }),
  'correct-application-number': z.strictObject({
    applicationNumber: z
      .string()
      .regex(applicationNumberPattern, 'an IND application number of 3-32 capitals, digits and dashes'),
    reason,
  }),
  'retry-step': z.strictObject({ step: z.enum(stepNames) }),
  'skip-step': z.strictObject({ step: z.enum(stepNames), reason }),
} satisfies { [A in ActionName]: z.ZodObject };

export type ActionBodies = typeof actionBodies;
