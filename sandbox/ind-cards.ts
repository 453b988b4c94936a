import type { Router } from 'express';
import { z } from 'zod';
import { addMonths } from '../domain/dates';
import { read, write } from './agency-route';
import { nowIso, type SandboxContext } from './context';
import { findApplication, findCard, scheduleCardReady } from './ind-lifecycle';
import { AgencyProblem } from './problem';
import { applicationNumber, callbackUrl, caseRef } from './schemas';
import type { CardOrder } from './state';

const CardOrderRequestSchema = z.strictObject({ caseRef, applicationNumber, callbackUrl: callbackUrl.optional() });

const CardCancellationRequestSchema = z.strictObject({ caseRef });

const ReturnVisaRequestSchema = z
  .strictObject({
    caseRef,
    applicationNumber,
    reason: z.string().min(1).max(1000),
    departureDate: z.iso.date(),
    returnDate: z.iso.date(),
    /** The validity the case asks for, at most 3 months; absent: until the return date, capped alike. */
    validUntil: z.iso.date().optional(),
  })
  .refine((v) => v.returnDate > v.departureDate, {
    path: ['returnDate'],
    message: 'the return date must come after the departure date',
  });

/** Residence cards and return visas, on the IND router. */
export function cardRoutes(ctx: SandboxContext, router: Router): void {
  router.post(
    '/cards',
    write(ctx, 'ind', CardOrderRequestSchema, (input) => {
      const application = findApplication(ctx, input.applicationNumber);
      if (application.status !== 'granted') {
        throw new AgencyProblem(
          409,
          'permit-not-granted',
          `Application is ${application.status}; no card before a grant.`,
        );
      }
      const order: CardOrder = {
        orderId: ctx.ids.orderId(),
        applicationNumber: application.applicationNumber,
        caseRef: input.caseRef,
        callbackUrl: input.callbackUrl ?? application.callbackUrl,
        status: 'in-production',
        orderedAt: nowIso(),
      };
      ctx.state.cards.set(order.orderId, order);
      scheduleCardReady(ctx, order);
      return { status: 201, body: cardView(order), effect: { operation: 'order-card', caseRef: input.caseRef } };
    }),
  );

  router.get(
    '/cards/:orderId',
    read('ind', (req) => cardView(findCard(ctx, String(req.params.orderId)))),
  );

  router.post(
    '/cards/:orderId/cancellation',
    write(ctx, 'ind', CardCancellationRequestSchema, (input, req) => {
      const order = findCard(ctx, String(req.params.orderId));
      if (order.status === 'cancelled') return { status: 200, body: cardView(order) };
      order.status = 'cancelled';
      return { status: 200, body: cardView(order), effect: { operation: 'cancel-card', caseRef: input.caseRef } };
    }),
  );

  router.post(
    '/return-visas',
    write(ctx, 'ind', ReturnVisaRequestSchema, (input) => {
      findApplication(ctx, input.applicationNumber);
      const issuedAt = nowIso();
      const latest = addMonths(issuedAt.slice(0, 10), 3);
      const visa = {
        visaNumber: ctx.ids.visaNumber(),
        applicationNumber: input.applicationNumber,
        caseRef: input.caseRef,
        issuedAt,
        validUntil: [input.returnDate, input.validUntil ?? input.returnDate, latest].sort()[0] ?? latest,
      };
      ctx.state.returnVisas.set(visa.visaNumber, visa);
      const body = { visaNumber: visa.visaNumber, validUntil: visa.validUntil };
      return { status: 201, body, effect: { operation: 'issue-return-visa', caseRef: input.caseRef } };
    }),
  );
}

function cardView(o: CardOrder): object {
  return { orderId: o.orderId, applicationNumber: o.applicationNumber, status: o.status };
}
