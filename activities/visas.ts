import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { agencyFailure } from '../domain/agency-failures';
import { addMonths, returnVisaMaxMonths } from '../domain/dates';
import { callAgency, type AgencyEndpoint } from './http';

const ReturnVisaSchema = z.object({ visaNumber: z.string().min(1), validUntil: z.iso.date() });
export type ReturnVisa = z.infer<typeof ReturnVisaSchema>;

export interface IssueReturnVisaInput {
  caseId: string;
  applicationNumber: string;
  reason: string;
  departureDate: string;
  returnDate: string;
  /** The validity the case asks for (the return date, capped by the case's setting); at most 3 months. */
  validUntil?: string;
}

export function createVisaActivities({ ind }: { ind: AgencyEndpoint }) {
  return {
    /** Issues the return visa an IND officer granted; valid at most 3 months: a longer one is refused here. */
    async issueReturnVisa(input: IssueReturnVisaInput): Promise<ReturnVisa> {
      const { caseId, ...visa } = input;
      const latest = addMonths(new Date().toISOString().slice(0, 10), returnVisaMaxMonths);
      if (visa.validUntil !== undefined && visa.validUntil > latest) {
        throw ApplicationFailure.nonRetryable(
          `a return visa is valid at most ${returnVisaMaxMonths} months: until ${latest}, not ${visa.validUntil}`,
          agencyFailure.returnVisaTooLong,
        );
      }
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
