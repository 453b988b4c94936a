import { z } from 'zod';
import { BookingSchema } from '../domain/booking';
import { deskDayOutOfBounds } from '../domain/dates';
import { deskLocationMessage, deskLocationPattern } from '../domain/rules';
import { CaptureReferenceSchema } from '../workflows/action-bodies';

const isoDateTime = z.iso.datetime({ offset: true });

export const CreateCaseRequestSchema = BookingSchema;
export type CreateCaseRequest = z.infer<typeof CreateCaseRequestSchema>;

/** The booking site's opaque household reference, as the booking schema takes it. */
export const householdReferencePattern = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;

export const ListCasesQuerySchema = z
  .strictObject({
    status: z.enum(['open', 'completed', 'rejected', 'withdrawn', 'closed-no-show']).optional(),
    waitingOn: z
      .string()
      .regex(/^[a-z-]+:[a-z-]+$/, 'such as desk:check-in')
      .optional(),
    municipality: z
      .string()
      .regex(/^\d{4}$/, 'a 4-digit municipality code')
      .optional(),
    location: z.string().regex(deskLocationPattern, deskLocationMessage).optional(),
    /** A day on the desk's clock (Europe/Amsterdam): the day list, in appointment order. */
    appointmentDate: z.iso
      .date('a date such as 2027-03-01')
      .refine((date) => deskDayOutOfBounds(date) === undefined, {
        error: (issue) => deskDayOutOfBounds(String(issue.input)) ?? 'out of bounds',
      })
      .optional(),
    householdReference: z.string().regex(householdReferencePattern, 'an opaque household reference').optional(),
    slaBreached: z.enum(['true', 'false']).optional(),
    agencyRetrying: z.enum(['brp', 'ind', 'notify']).optional(),
    /** `appointmentAt`: earliest appointment first; the default for a day list or a household. */
    sort: z.enum(['appointmentAt']).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    pageToken: z.string().max(2000).optional(),
  })
  .refine((q) => q.sort === undefined || q.appointmentDate !== undefined || q.householdReference !== undefined, {
    path: ['sort'],
    message: 'sort=appointmentAt needs appointmentDate or householdReference: only a day or a household is sorted',
  });
export type ListCasesQuery = z.infer<typeof ListCasesQuerySchema>;

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
