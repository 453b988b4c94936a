import { z } from 'zod';
import { isValidBsn } from '../domain/bsn';
import type { Booking } from '../domain/booking';
import { agencyPath, callAgency, type AgencyEndpoint } from './http';

export interface RegisterInBrpInput {
  caseId: string;
  municipalityCode: string;
  person: Pick<Booking['person'], 'givenNames' | 'familyName' | 'dateOfBirth' | 'nationality'>;
  address: Booking['residence']['address'];
  expectedMonths: number;
  /** A desk officer checked an address the municipality rejected and vouches for it. */
  addressVerifiedByOfficer?: boolean;
}

const RegistrationSchema = z.object({
  registrationId: z.string().min(1),
  burgerservicenummer: z.string().refine(isValidBsn, 'a BSN that passes the 11-test'),
  gemeenteVanInschrijving: z.string().regex(/^\d{4}$/),
  registeredAt: z.string(),
});

export interface BrpRegistration {
  registrationId: string;
  bsn: string;
  municipalityCode: string;
  registeredAt: string;
}

/** IND's refusal or inadmissibility of the permit that showed the lawful stay of a person the BRP registered. */
export interface ReportResidenceDecisionInput {
  caseId: string;
  municipalityCode: string;
  registrationId: string;
  decision: 'refused' | 'inadmissible';
  /** ISO date-time of IND's decision. */
  decidedAt: string;
}

const ResidenceDecisionSchema = z.object({
  registrationId: z.string().min(1),
  residenceDecision: z.object({ decision: z.enum(['refused', 'inadmissible']), decidedAt: z.string() }),
});

export interface BrpDeps {
  /** The municipality's BRP endpoint; one per municipality code. */
  brpEndpoint: (municipalityCode: string) => AgencyEndpoint;
}

export function createBrpActivities({ brpEndpoint }: BrpDeps) {
  const toRegistration = (r: z.infer<typeof RegistrationSchema>): BrpRegistration => ({
    registrationId: r.registrationId,
    bsn: r.burgerservicenummer,
    municipalityCode: r.gemeenteVanInschrijving,
    registeredAt: r.registeredAt,
  });

  return {
    /** First registration (eerste inschrijving) in the municipality of residence; answers the new BSN. */
    async registerInBrp(input: RegisterInBrpInput): Promise<BrpRegistration> {
      const registration = await callAgency(brpEndpoint(input.municipalityCode), {
        method: 'POST',
        path: '/registrations',
        idempotencyKey: `${input.caseId}:brp-registration${input.addressVerifiedByOfficer ? ':address-verified' : ''}`,
        body: {
          caseRef: input.caseId,
          // Only what the BRP needs, even when the caller hands over more of the person.
          person: {
            givenNames: input.person.givenNames,
            familyName: input.person.familyName,
            dateOfBirth: input.person.dateOfBirth,
            nationality: input.person.nationality,
          },
          address: input.address,
          expectedMonths: input.expectedMonths,
          ...(input.addressVerifiedByOfficer ? { addressVerifiedByOfficer: true } : {}),
        },
        response: RegistrationSchema,
      });
      return toRegistration(registration);
    },

    /**
     * Tells the municipality that IND refused (or did not consider) the permit its registration rested on; the
     * municipality decides what that means for the registration. One report per case.
     */
    async reportResidenceDecisionToBrp(input: ReportResidenceDecisionInput): Promise<{ decision: string }> {
      const answer = await callAgency(brpEndpoint(input.municipalityCode), {
        method: 'POST',
        path: agencyPath`/registrations/${input.registrationId}/residence-decisions`,
        idempotencyKey: `${input.caseId}:brp-residence-decision`,
        body: { caseRef: input.caseId, decision: input.decision, decidedAt: input.decidedAt },
        response: ResidenceDecisionSchema,
      });
      return { decision: answer.residenceDecision.decision };
    },

    async lookUpBrpRegistration(input: { municipalityCode: string; registrationId: string }): Promise<BrpRegistration> {
      const registration = await callAgency(brpEndpoint(input.municipalityCode), {
        method: 'GET',
        path: agencyPath`/registrations/${input.registrationId}`,
        response: RegistrationSchema,
      });
      return toRegistration(registration);
    },
  };
}
