import { createHash } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { purposes } from '../domain/booking';
import { agencyRouter, read, write } from './agency-route';
import { nowIso, type SandboxContext } from './context';
import { cardRoutes } from './ind-cards';
import { findApplication, scheduleDecision, scheduleInadmissibility } from './ind-lifecycle';
import { AgencyProblem } from './problem';
import { applicationNumber, callbackUrl, caseRef } from './schemas';
import type { Application } from './state';

export const ApplicationRequestSchema = z.strictObject({
  caseRef,
  purpose: z.enum(purposes),
  route: z.enum(['tev', 'vvr']),
  sponsorNumber: z
    .string()
    .regex(/^[A-Z0-9-]{3,32}$/)
    .optional(),
  applicationNumber: applicationNumber.optional(),
  /** A TEV application whose MVV was issued: IND granted it then. Only with its number. */
  mvvIssued: z.literal(true).optional(),
  callbackUrl: callbackUrl.optional(),
});

const CaseRefRequestSchema = z.strictObject({ caseRef });
const DocumentsOverdueSchema = z.strictObject({ caseRef, dueAt: z.iso.datetime({ offset: true }) });

const BiometricsRequestSchema = z.strictObject({
  caseRef,
  applicationNumber,
  captureReference: z.string().min(1).max(200),
});

const sponsorNames = ['Maastricht Instruments B.V.', 'Zuyd Research Institute', 'Brightlands Chemelot B.V.'];

/** The IND: sponsor register, permit applications, biometrics, cards and return visas, under `/ind`. */
export function indRouter(ctx: SandboxContext): Router {
  const router = agencyRouter(ctx, 'ind');
  const unrecognised = new Set(ctx.options.unrecognisedSponsors);

  router.get(
    '/sponsors/:number',
    read('ind', (req) => {
      const number = String(req.params.number);
      if (!/^RS-[A-Z0-9-]{1,29}$/.test(number) || unrecognised.has(number)) {
        throw new AgencyProblem(
          404,
          'sponsor-not-recognised',
          `${number} is not in the register of recognised sponsors.`,
        );
      }
      const name = sponsorNames[createHash('sha256').update(number).digest().readUInt8(0) % sponsorNames.length];
      return { recognisedSponsorNumber: number, name: name ?? 'Recognised Sponsor B.V.', recognised: true };
    }),
  );

  router.post(
    '/applications',
    write(ctx, 'ind', ApplicationRequestSchema, (input) => {
      if (input.mvvIssued && (input.route !== 'tev' || !input.applicationNumber)) {
        throw new AgencyProblem(
          422,
          'validation-error',
          'An issued MVV belongs to a TEV application: give its number.',
        );
      }
      const existing = input.applicationNumber ? ctx.state.applications.get(input.applicationNumber) : undefined;
      const filing = {
        caseRef: input.caseRef,
        purpose: input.purpose,
        route: input.route,
        sponsorNumber: input.sponsorNumber,
        callbackUrl: input.callbackUrl,
      };
      if (existing) {
        // An application belongs to one case, as at IND: another case's link is refused and changes nothing (a
        // mistyped number must not take the application, nor its decision call-back, away from its case). One the
        // sponsor filed belongs to no case until the first links it; linking it again to that case changes nothing.
        if (existing.caseRef !== '' && existing.caseRef !== input.caseRef) {
          throw new AgencyProblem(
            409,
            'application-of-another-case',
            `Application ${existing.applicationNumber} is linked to another case.`,
          );
        }
        const unchanged = existing.caseRef === input.caseRef;
        Object.assign(existing, filing);
        if (input.mvvIssued && existing.status === 'pending') grantedWithMvv(existing);
        if (unchanged) return { status: 201, body: view(existing) };
        return { status: 201, body: view(existing), effect: { operation: 'link-application', caseRef: input.caseRef } };
      }
      const application: Application = {
        ...filing,
        applicationNumber: input.applicationNumber ?? ctx.ids.applicationNumber(),
        linked: input.applicationNumber !== undefined,
        status: 'pending',
        filedAt: nowIso(),
      };
      if (input.mvvIssued) grantedWithMvv(application);
      ctx.state.applications.set(application.applicationNumber, application);
      scheduleDecision(ctx, application);
      const operation = application.linked ? 'link-application' : 'file-application';
      return { status: 201, body: view(application), effect: { operation, caseRef: input.caseRef } };
    }),
  );

  router.get(
    '/applications/:applicationNumber',
    read('ind', (req) => view(findApplication(ctx, String(req.params.applicationNumber)))),
  );

  router.post(
    '/applications/:applicationNumber/withdrawal',
    write(ctx, 'ind', CaseRefRequestSchema, (input, req) => {
      const application = findApplication(ctx, String(req.params.applicationNumber));
      if (application.status === 'withdrawn') return { status: 200, body: view(application) };
      if (application.status !== 'pending') {
        throw new AgencyProblem(409, 'already-decided', `Application is already ${application.status}.`);
      }
      application.status = 'withdrawn';
      return {
        status: 200,
        body: view(application),
        effect: { operation: 'withdraw-application', caseRef: input.caseRef },
      };
    }),
  );

  router.post(
    '/applications/:applicationNumber/documents-overdue',
    write(ctx, 'ind', DocumentsOverdueSchema, (input, req) => {
      const application = findApplication(ctx, String(req.params.applicationNumber));
      if (application.status !== 'pending') return { status: 200, body: view(application) };
      application.documentsOverdue = true;
      scheduleInadmissibility(ctx, application);
      return {
        status: 200,
        body: view(application),
        effect: { operation: 'report-documents-overdue', caseRef: input.caseRef },
      };
    }),
  );

  router.post(
    '/biometrics',
    write(ctx, 'ind', BiometricsRequestSchema, (input) => {
      findApplication(ctx, input.applicationNumber);
      const result = input.captureReference.includes('BLURRY') ? 'retake-needed' : 'accepted';
      const body = { captureReference: input.captureReference, result };
      return { status: 200, body, effect: { operation: 'submit-biometrics', caseRef: input.caseRef } };
    }),
  );

  cardRoutes(ctx, router);
  return router;
}

/** IND granted a TEV application when its embassy issued the MVV. */
function grantedWithMvv(application: Application): void {
  application.status = 'granted';
  application.decidedAt = nowIso();
}

export function view(a: Application): object {
  return {
    applicationNumber: a.applicationNumber,
    status: a.status,
    receivedAt: a.filedAt,
    ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
  };
}
