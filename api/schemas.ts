import { z } from 'zod';
import { BookingSchema } from '../domain/booking';
import { stepNames } from '../workflows/definitions';
import type { Action } from './roles';

const note = z.string().max(2000).optional();
const captureReference = z
  .string()
  .regex(/^[A-Za-z0-9-]{3,64}$/, 'a capture reference of 3-64 letters, digits and dashes');
const isoDateTime = z.iso.datetime({ offset: true });

export const CreateCaseRequestSchema = BookingSchema;
export type CreateCaseRequest = z.infer<typeof CreateCaseRequestSchema>;

/** The body of each officer action; the actor comes from the bearer token, never from the body. */
export const actionSchemas = {
  'check-in': z.strictObject({ identity: z.enum(['verified', 'in-doubt']), note }),
  'resolve-identity': z.strictObject({ identity: z.enum(['verified', 'not-verified']), note }),
  'resolve-address': z.strictObject({ decision: z.enum(['accept', 'refer-to-rni', 'refuse']), note }),
  'capture-biometrics': z.strictObject({ captureReference }),
  'record-biometrics-quality': z.strictObject({ captureReference, result: z.enum(['accepted', 'retake-needed']) }),
  'record-permit-decision': z.strictObject({ decision: z.enum(['granted', 'refused', 'inadmissible']), note }),
  'request-documents': z.strictObject({
    documents: z.array(z.string().min(1).max(200)).min(1).max(20),
    dueAt: isoDateTime.optional(),
  }),
  'documents-supplied': z.strictObject({}),
  'decide-return-visa': z.strictObject({ decision: z.enum(['issue', 'refuse']), note }),
  'hand-over-card': z.strictObject({}),
  'record-advice': z.strictObject({ outcome: z.enum(['given', 'declined']), note }),
  reschedule: z.strictObject({ startsAt: isoDateTime, location: z.string().min(1).max(64).optional() }),
  withdraw: z.strictObject({ reason: z.string().min(1).max(2000) }),
  'retry-step': z.strictObject({ step: z.enum(stepNames) }),
  'skip-step': z.strictObject({ step: z.enum(stepNames), reason: z.string().min(1).max(2000) }),
} satisfies Record<Action, z.ZodType>;

export const ListCasesQuerySchema = z.strictObject({
  status: z.enum(['open', 'completed', 'rejected', 'withdrawn', 'closed-no-show']).optional(),
  waitingOn: z
    .string()
    .regex(/^[a-z-]+:[a-z-]+$/, 'such as desk:check-in')
    .optional(),
  municipality: z
    .string()
    .regex(/^\d{4}$/, 'a 4-digit municipality code')
    .optional(),
  location: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,64}$/)
    .optional(),
  slaBreached: z.enum(['true', 'false']).optional(),
  agencyRetrying: z.enum(['brp', 'ind', 'notify']).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(2000).optional(),
});

const decision = z.enum(['granted', 'refused', 'inadmissible']);
/** What agencies post to `/v1/agency-callbacks/{agency}/{event}` (docs/agency-api.md). */
export const callbackSchemas = {
  'ind/decision': z.object({
    caseRef: z.string().min(1).max(100),
    applicationNumber: z.string().min(1).max(64),
    decision,
    decidedAt: isoDateTime.optional(),
  }),
  'ind/card-ready': z.object({
    caseRef: z.string().min(1).max(100),
    orderId: z.string().min(1).max(64),
    applicationNumber: z.string().max(64).optional(),
    readyAt: isoDateTime.optional(),
  }),
  'ind/biometrics-quality': z.object({
    caseRef: z.string().min(1).max(100),
    captureReference,
    result: z.enum(['accepted', 'retake-needed']),
  }),
} as const;
export type CallbackKind = keyof typeof callbackSchemas;

export const caseIdPattern = /^case-[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;
