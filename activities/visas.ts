import { z } from 'zod';
import { callAgency, type AgencyEndpoint } from './http';

const ReturnVisaSchema = z.object({ visaNumber: z.string().min(1), validUntil: z.iso.date() });
export type ReturnVisa = z.infer<typeof ReturnVisaSchema>;

export interface IssueReturnVisaInput {
  caseId: string;
  applicationNumber: string;
  reason: string;
  departureDate: string;
  returnDate: string;
}

export function createVisaActivities({ ind }: { ind: AgencyEndpoint }) {
  return {
    /** Issues the return visa an IND officer granted; valid at most 3 months. */
    async issueReturnVisa(input: IssueReturnVisaInput): Promise<ReturnVisa> {
      const { caseId, ...visa } = input;
      return callAgency(ind, {
        method: 'POST',
        path: '/return-visas',
        idempotencyKey: `${caseId}:return-visa`,
        body: { caseRef: caseId, ...visa },
        response: ReturnVisaSchema,
      });
    },
  };
}
