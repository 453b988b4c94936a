import express, { Router } from 'express';
import { z } from 'zod';
import { purposes } from '../domain/booking';
import { adminGuard } from './admin-guard';
import { nowIso, type SandboxContext } from './context';
import { view } from './ind';
import { FaultRequestSchema } from './faults';
import { decideApplication, findApplication, findCard, markCardReady } from './ind-lifecycle';
import { AgencyProblem, parseOrReject } from './problem';
import { applicationNumber } from './schemas';
import { decisions, resetState, type Application } from './state';

const DecideRequestSchema = z.strictObject({
  applicationNumber,
  decision: z.enum(decisions),
  reason: z.string().min(1).max(2000).optional(),
});

const SponsorFilingSchema = z.strictObject({
  applicationNumber,
  purpose: z.enum(purposes),
  sponsorNumber: z.string().regex(/^[A-Z0-9-]{3,32}$/),
  /** When IND received it; now when absent. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});

const CardReadyRequestSchema = z.union(
  [z.strictObject({ orderId: z.string().min(1) }), z.strictObject({ applicationNumber })],
  { error: 'expected { orderId } or { applicationNumber }' },
);

/**
 * `/_admin`: what tests, `make dev` and benchmarks use to steer and inspect the agencies. It shows e-mail addresses
 * and can reset or break every agency, so it needs SANDBOX_ADMIN_TOKEN, or without one a caller on loopback.
 */
export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(adminGuard(ctx.options.adminToken));
  router.use(express.json({ limit: '64kb' }));

  router.get('/ledger', (req, res) => {
    const caseRef = typeof req.query.caseRef === 'string' ? req.query.caseRef : undefined;
    res.json({ entries: ctx.state.ledger.filter((e) => caseRef === undefined || e.caseRef === caseRef) });
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: ctx.state.faults });
  });
  router.put('/faults', async (req, res) => {
    const request = parseOrReject(FaultRequestSchema, req.body);
    const fault = ctx.faults.set(request);
    await ctx.store.save();
    res.json({ agency: request.agency, ...fault });
  });
  router.delete('/faults', async (_req, res) => {
    ctx.state.faults = {};
    await ctx.store.save();
    res.status(204).end();
  });

  router.post('/ind/decide', async (req, res) => {
    const request = parseOrReject(DecideRequestSchema, req.body);
    const application = findApplication(ctx, request.applicationNumber);
    decideApplication(ctx, application, request.decision, request.reason);
    await ctx.store.save();
    res.json({
      applicationNumber: application.applicationNumber,
      status: application.status,
      decidedAt: application.decidedAt,
    });
  });

  // A sponsor files an application itself (before the newcomer's appointment); the case links it later.
  router.post('/ind/applications', async (req, res) => {
    const request = parseOrReject(SponsorFilingSchema, req.body);
    if (ctx.state.applications.has(request.applicationNumber)) {
      throw new AgencyProblem(409, 'application-exists', `Application ${request.applicationNumber} exists already.`);
    }
    const application: Application = {
      applicationNumber: request.applicationNumber,
      caseRef: '',
      purpose: request.purpose,
      route: 'vvr',
      sponsorNumber: request.sponsorNumber,
      linked: true,
      status: 'pending',
      filedAt: request.receivedAt ?? nowIso(),
    };
    ctx.state.applications.set(application.applicationNumber, application);
    await ctx.store.save();
    res.status(201).json(view(application));
  });

  router.post('/ind/card-ready', async (req, res) => {
    const request = parseOrReject(CardReadyRequestSchema, req.body);
    const order =
      'orderId' in request
        ? findCard(ctx, request.orderId)
        : [...ctx.state.cards.values()].find(
            (o) => o.applicationNumber === request.applicationNumber && o.status === 'in-production',
          );
    if (!order) throw new AgencyProblem(404, 'card-order-not-found', 'No card in production for that application.');
    markCardReady(ctx, order);
    await ctx.store.save();
    res.json({ orderId: order.orderId, applicationNumber: order.applicationNumber, status: order.status });
  });

  router.get('/callbacks', (_req, res) => {
    res.json({ callbacks: ctx.state.callbacks });
  });

  router.get('/notify/emails', (req, res) => {
    const reference = typeof req.query.reference === 'string' ? req.query.reference : undefined;
    res.json({ emails: ctx.state.emails.filter((e) => reference === undefined || e.reference === reference) });
  });

  router.post('/reset', async (_req, res) => {
    ctx.scheduler.clear();
    ctx.callbacks.stop();
    resetState(ctx.state);
    ctx.faults.reseed();
    await ctx.store.save();
    res.status(204).end();
  });
  return router;
}
