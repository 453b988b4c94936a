import { z } from 'zod';
import { defaultLanguage, templateId, type Language, type Milestone } from '../domain/emails';
import { callAgency, type AgencyEndpoint } from './http';

export { milestones, type Milestone } from '../domain/emails';

export interface NotifyNewcomerInput {
  caseId: string;
  milestone: Milestone;
  /** Tells two e-mails of the same milestone apart (e.g. a second documents request). */
  occurrence?: number;
  email: string;
  givenName: string;
  /** The booking's language; cases started before e-mails had one get English. */
  language?: Language;
  /** Template fields beyond the name: outcomes, dates, places. Never a BSN, passport number or birth date. */
  details?: Record<string, string>;
}

const NotificationSchema = z.object({ id: z.string().min(1), reference: z.string() });

export function createNotifyActivities({ notify }: { notify: AgencyEndpoint }) {
  return {
    /**
     * E-mails the newcomer about a milestone through Notify, in the booking's language, with only what the
     * template needs: one template per milestone, outcome and language (`domain/emails.ts`).
     */
    async notifyNewcomer(input: NotifyNewcomerInput): Promise<{ notificationId: string }> {
      const reference = `${input.caseId}:${input.milestone}${input.occurrence ? `:${input.occurrence}` : ''}`;
      const sent = await callAgency(notify, {
        method: 'POST',
        path: '/v2/notifications/email',
        idempotencyKey: reference,
        body: {
          email_address: input.email,
          template_id: templateId(input.milestone, input.details ?? {}, input.language ?? defaultLanguage),
          personalisation: { ...input.details, given_name: input.givenName },
          reference,
        },
        response: NotificationSchema,
      });
      return { notificationId: sent.id };
    },
  };
}
