import { z } from 'zod';
import { agencyPath, callAgency, type AgencyEndpoint } from './http';
import { pollUntil } from './polling';

const CardOrderSchema = z.object({
  orderId: z.string().min(1),
  applicationNumber: z.string().optional(),
  status: z.enum(['in-production', 'ready', 'cancelled']),
});
export type CardOrder = z.infer<typeof CardOrderSchema>;

export interface CardDeps {
  ind: AgencyEndpoint;
  callbackUrl: string;
  pollIntervalMs: number;
}

export function createCardActivities({ ind, callbackUrl, pollIntervalMs }: CardDeps) {
  const lookUp = (orderId: string): Promise<CardOrder> =>
    callAgency(ind, { method: 'GET', path: agencyPath`/cards/${orderId}`, response: CardOrderSchema });

  return {
    /** Orders the residence card once the permit is granted; IND calls back when it is ready for pick-up. */
    async orderResidenceCard(input: { caseId: string; applicationNumber: string }): Promise<CardOrder> {
      return callAgency(ind, {
        method: 'POST',
        path: '/cards',
        idempotencyKey: `${input.caseId}:card-order`,
        body: { caseRef: input.caseId, applicationNumber: input.applicationNumber, callbackUrl },
        response: CardOrderSchema,
      });
    },

    /** The polling fall-back for the card-ready call-back; heartbeats between polls. */
    async awaitResidenceCardReady(input: { orderId: string }): Promise<CardOrder> {
      return pollUntil(
        () => lookUp(input.orderId),
        (o) => o.status !== 'in-production',
        pollIntervalMs,
      );
    },

    /** The compensation of `orderResidenceCard`. */
    async cancelResidenceCard(input: { caseId: string; orderId: string }): Promise<CardOrder> {
      return callAgency(ind, {
        method: 'POST',
        path: agencyPath`/cards/${input.orderId}/cancellation`,
        idempotencyKey: `${input.caseId}:card-cancellation`,
        body: { caseRef: input.caseId },
        response: CardOrderSchema,
      });
    },
  };
}
