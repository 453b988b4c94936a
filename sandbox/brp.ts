import type { Request, RequestHandler, Router } from 'express';
import { z } from 'zod';
import { isServedMunicipality } from '../domain/municipalities';
import { agencyRouter, read, write } from './agency-route';
import { normalisePostcode, nowIso, type SandboxContext } from './context';
import { AgencyProblem } from './problem';
import { caseRef } from './schemas';
import type { Registration } from './state';

export const RegistrationRequestSchema = z.strictObject({
  caseRef,
  person: z.strictObject({
    givenNames: z.string().min(1).max(200),
    familyName: z.string().min(1).max(200),
    dateOfBirth: z.iso.date(),
    nationality: z.string().regex(/^[A-Z]{3}$/, 'an ISO 3166-1 alpha-3 code such as IND'),
  }),
  address: z.strictObject({
    street: z.string().min(1).max(200),
    houseNumber: z.number().int().min(1).max(99999),
    houseNumberAddition: z.string().min(1).max(10).optional(),
    postcode: z.string().regex(/^[1-9]\d{3} ?[A-Za-z]{2}$/, 'a Dutch postcode such as 6211AB'),
    city: z.string().min(1).max(100),
  }),
  expectedMonths: z.number().int().min(1).max(600),
  /** A desk officer checked an address the municipality rejected; the municipality then accepts it. */
  addressVerifiedByOfficer: z.boolean().optional(),
});

export const ResidenceDecisionRequestSchema = z.strictObject({
  caseRef,
  decision: z.enum(['refused', 'inadmissible']),
  decidedAt: z.iso.datetime({ offset: true }),
});

/** The BRP of every served municipality, under `/brp/:code`. */
export function brpRouter(ctx: SandboxContext): Router {
  const router = agencyRouter(ctx, 'brp', requireServedMunicipality);
  const rejected = new Set(ctx.options.rejectedPostcodes);

  router.post(
    '/registrations',
    write(ctx, 'brp', RegistrationRequestSchema, (input, req) => {
      const code = municipalityOf(req);
      if (rejected.has(normalisePostcode(input.address.postcode)) && !input.addressVerifiedByOfficer) {
        throw new AgencyProblem(422, 'address-rejected', `Municipality ${code} does not accept this address.`, {
          invalidParams: [{ name: 'address.postcode', reason: 'no residential address at this postcode' }],
        });
      }
      const registration: Registration = {
        registrationId: ctx.ids.registrationId(),
        burgerservicenummer: ctx.ids.bsn(),
        gemeenteVanInschrijving: code,
        registeredAt: nowIso(),
        caseRef: input.caseRef,
      };
      ctx.state.registrations.set(registration.registrationId, registration);
      return { status: 201, body: view(registration), effect: { operation: 'register', caseRef: input.caseRef } };
    }),
  );

  // IND's refusal of the permit that showed the lawful stay: the municipality records it and decides on the
  // registration itself (the sandbox keeps it as it is).
  router.post(
    '/registrations/:registrationId/residence-decisions',
    write(ctx, 'brp', ResidenceDecisionRequestSchema, (input, req) => {
      const registration = registrationIn(ctx, req);
      if (registration.caseRef !== input.caseRef) {
        throw new AgencyProblem(409, 'registration-of-another-case', 'This registration belongs to another case.');
      }
      registration.residenceDecision = { decision: input.decision, decidedAt: input.decidedAt };
      return {
        status: 200,
        body: { registrationId: registration.registrationId, residenceDecision: registration.residenceDecision },
        effect: { operation: 'report-residence-decision', caseRef: input.caseRef },
      };
    }),
  );

  router.get(
    '/registrations/:registrationId',
    read('brp', (req) => view(registrationIn(ctx, req))),
  );
  return router;
}

const requireServedMunicipality: RequestHandler = (req, _res, next) => {
  const code = municipalityOf(req);
  if (!isServedMunicipality(code)) {
    throw new AgencyProblem(404, 'municipality-unknown', `No BRP for municipality code "${code}" here.`);
  }
  next();
};

function registrationIn(ctx: SandboxContext, req: Request): Registration {
  const registration = ctx.state.registrations.get(String(req.params.registrationId));
  if (!registration || registration.gemeenteVanInschrijving !== municipalityOf(req)) {
    throw new AgencyProblem(404, 'registration-not-found', 'No such registration in this municipality.');
  }
  return registration;
}

function municipalityOf(req: Request): string {
  return String(req.params.code);
}

function view(r: Registration): object {
  return {
    registrationId: r.registrationId,
    burgerservicenummer: r.burgerservicenummer,
    gemeenteVanInschrijving: r.gemeenteVanInschrijving,
    registeredAt: r.registeredAt,
  };
}
