import { z } from 'zod';
import { isValidBsn } from '../domain/bsn';
import type { Booking } from '../domain/booking';
import { callAgency, type AgencyEndpoint } from './http';

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

    async lookUpBrpRegistration(input: { municipalityCode: string; registrationId: string }): Promise<BrpRegistration> {
      const registration = await callAgency(brpEndpoint(input.municipalityCode), {
        method: 'GET',
        path: `/registrations/${encodeURIComponent(input.registrationId)}`,
        response: RegistrationSchema,
      });
      return toRegistration(registration);
    },
  };
}
