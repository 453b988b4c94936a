import { z } from 'zod';
import { BookingSchema } from '../domain/booking';
import { CaptureReferenceSchema } from '../workflows/actions';

const isoDateTime = z.iso.datetime({ offset: true });

export const CreateCaseRequestSchema = BookingSchema;
export type CreateCaseRequest = z.infer<typeof CreateCaseRequestSchema>;

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
    reason: z.string().min(1).max(2000).optional(),
  }),
  'ind/card-ready': z.object({
    caseRef: z.string().min(1).max(100),
    orderId: z.string().min(1).max(64),
    applicationNumber: z.string().max(64).optional(),
    readyAt: isoDateTime.optional(),
  }),
  'ind/biometrics-quality': z.object({
    caseRef: z.string().min(1).max(100),
    captureReference: CaptureReferenceSchema,
    result: z.enum(['accepted', 'retake-needed']),
  }),
} as const;
export type CallbackKind = keyof typeof callbackSchemas;

export const caseIdPattern = /^case-[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;
