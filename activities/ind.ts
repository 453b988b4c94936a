import { z } from 'zod';
import type { Purpose } from '../domain/booking';
import { agencyPath, callAgency, type AgencyEndpoint } from './http';
import { pollUntil } from './polling';

export const permitStatuses = ['pending', 'granted', 'refused', 'inadmissible', 'withdrawn'] as const;

const ApplicationSchema = z.object({
  applicationNumber: z.string().min(1),
  status: z.enum(permitStatuses),
  decidedAt: z.string().optional(),
  /** When IND received the application (the sponsor's filing, or ours): its legal term runs from then. */
  receivedAt: z.iso.datetime({ offset: true }).optional().catch(undefined),
  /** IND's reason for a refusal or inadmissibility, when it gives one. */
  reason: z.string().max(2000).optional(),
});
export type PermitApplication = z.infer<typeof ApplicationSchema>;

const SponsorSchema = z.object({ recognisedSponsorNumber: z.string(), name: z.string(), recognised: z.literal(true) });

export interface IndDeps {
  ind: AgencyEndpoint;
  /** Where IND calls back with its decision. */
  callbackUrl: string;
  /** How often the polling fall-back asks for a decision, in milliseconds. */
  pollIntervalMs: number;
}

export interface LinkPermitApplicationInput {
  caseId: string;
  purpose: Purpose;
  route: 'tev' | 'vvr';
  sponsorNumber?: string;
  /** The application the sponsor already filed, if any; without it one is filed. */
  applicationNumber?: string;
  /** The MVV was issued: the application is the TEV application IND granted with it. */
  mvvIssued?: boolean;
}

export function createIndActivities({ ind, callbackUrl, pollIntervalMs }: IndDeps) {
  const lookUp = (applicationNumber: string): Promise<PermitApplication> =>
    callAgency(ind, {
      method: 'GET',
      path: agencyPath`/applications/${applicationNumber}`,
      response: ApplicationSchema,
    });

  return {
    /** Asks the IND's public register; an unknown sponsor fails with `SponsorNotRecognised`. */
    async checkSponsorRecognised(input: { recognisedSponsorNumber: string }): Promise<{ name: string }> {
      const sponsor = await callAgency(ind, {
        method: 'GET',
        path: agencyPath`/sponsors/${input.recognisedSponsorNumber}`,
        response: SponsorSchema,
      });
      return { name: sponsor.name };
    },

    /** Links the case to the sponsor's application (or files one) and asks IND to call back on its decision. */
    async linkPermitApplication(input: LinkPermitApplicationInput): Promise<PermitApplication> {
      return callAgency(ind, {
        method: 'POST',
        path: '/applications',
        idempotencyKey: `${input.caseId}:permit-application`,
        body: {
          caseRef: input.caseId,
          purpose: input.purpose,
          route: input.route,
          ...(input.sponsorNumber ? { sponsorNumber: input.sponsorNumber } : {}),
          ...(input.applicationNumber ? { applicationNumber: input.applicationNumber } : {}),
          ...(input.mvvIssued ? { mvvIssued: true } : {}),
          callbackUrl,
        },
        response: ApplicationSchema,
      });
    },

    async lookUpPermitApplication(input: { applicationNumber: string }): Promise<PermitApplication> {
      return lookUp(input.applicationNumber);
    },

    /**
     * The polling fall-back for IND's decision call-back: asks every `pollIntervalMs`, heartbeating in between,
     * until the application is no longer pending. Cancel it when the call-back arrives first.
     */
    async awaitPermitDecision(input: { applicationNumber: string }): Promise<PermitApplication> {
      return pollUntil(
        () => lookUp(input.applicationNumber),
        (a) => a.status !== 'pending',
        pollIntervalMs,
      );
    },

    /**
     * Tells IND that the documents it asked for did not arrive by `dueAt`: whether that makes the application
     * inadmissible is IND's decision (open to objection), which it reports like any other.
     */
    async reportDocumentsOverdue(input: {
      caseId: string;
      applicationNumber: string;
      dueAt: string;
    }): Promise<PermitApplication> {
      return callAgency(ind, {
        method: 'POST',
        path: agencyPath`/applications/${input.applicationNumber}/documents-overdue`,
        idempotencyKey: `${input.caseId}:documents-overdue:${input.dueAt}`,
        body: { caseRef: input.caseId, dueAt: input.dueAt },
        response: ApplicationSchema,
      });
    },

    /** The compensation of `linkPermitApplication`, used when the newcomer withdraws. */
    async withdrawPermitApplication(input: { caseId: string; applicationNumber: string }): Promise<PermitApplication> {
      return callAgency(ind, {
        method: 'POST',
        path: agencyPath`/applications/${input.applicationNumber}/withdrawal`,
        idempotencyKey: `${input.caseId}:permit-withdrawal`,
        body: { caseRef: input.caseId },
        response: ApplicationSchema,
      });
    },
  };
}
