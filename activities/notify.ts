import { z } from 'zod';
import { callAgency, type AgencyEndpoint } from './http';

/** The milestones the newcomer hears about; each is one Notify template (`newcomer-<milestone>`). */
export const milestones = [
  'case-opened',
  'brp-registered',
  'documents-requested',
  'permit-decided',
  'card-ready',
  'return-visa-decided',
  'case-closed',
] as const;
export type Milestone = (typeof milestones)[number];

export interface NotifyNewcomerInput {
  caseId: string;
  milestone: Milestone;
  /** Tells two e-mails of the same milestone apart (e.g. a second documents request). */
  occurrence?: number;
  email: string;
  givenName: string;
  /** Template fields beyond the name: outcomes, dates, places. Never a BSN, passport number or birth date. */
  details?: Record<string, string>;
}

const NotificationSchema = z.object({ id: z.string().min(1), reference: z.string() });

export function createNotifyActivities({ notify }: { notify: AgencyEndpoint }) {
  return {
    /** E-mails the newcomer about a milestone through Notify, with only what the template needs. */
    async notifyNewcomer(input: NotifyNewcomerInput): Promise<{ notificationId: string }> {
      const reference = `${input.caseId}:${input.milestone}${input.occurrence ? `:${input.occurrence}` : ''}`;
      const sent = await callAgency(notify, {
        method: 'POST',
        path: '/v2/notifications/email',
        idempotencyKey: reference,
        body: {
          email_address: input.email,
          template_id: `newcomer-${input.milestone}`,
          personalisation: { ...input.details, given_name: input.givenName },
          reference,
        },
        response: NotificationSchema,
      });
      return { notificationId: sent.id };
    },
  };
}
