import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { renderEmail, templateOf } from '../domain/emails';
import { z } from 'zod';
import { agencyRouter, write } from './agency-route';
import { nowIso, type SandboxContext } from './context';
import { AgencyProblem } from './problem';
import type { SentEmail } from './state';

/** Personal data no template may carry (docs/agency-api.md); a key that names one is refused. */
const forbiddenPersonalisation = /bsn|burgerservicenummer|passport|birth|^dob$/i;

export const EmailRequestSchema = z.strictObject({
  email_address: z.email(),
  template_id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a template slug such as newcomer-case-opened-en'),
  personalisation: z
    .record(z.string().max(100), z.string().max(2000))
    .refine((p) => !Object.keys(p).some((key) => forbiddenPersonalisation.test(key)), {
      message: 'must not carry a BSN, passport number or date of birth',
    }),
  reference: z.string().min(1).max(200),
});

/** A Notify-shaped e-mail service, under `/notify`. */
export function notifyRouter(ctx: SandboxContext): Router {
  const router = agencyRouter(ctx, 'notify');

  router.post(
    '/v2/notifications/email',
    write(ctx, 'notify', EmailRequestSchema, (input) => {
      // Like Notify: the account's templates only, and every placeholder filled in.
      const template = templateOf(input.template_id);
      if (!template) throw new AgencyProblem(400, 'validation-error', `Template ${input.template_id} not found.`);
      const rendered = renderEmail(template, input.personalisation);
      if (rendered.missing.length > 0) {
        throw new AgencyProblem(400, 'validation-error', `Missing personalisation: ${rendered.missing.join(', ')}.`);
      }
      const email: SentEmail = {
        id: randomUUID(),
        emailAddress: input.email_address,
        templateId: input.template_id,
        personalisation: input.personalisation,
        reference: input.reference,
        subject: rendered.subject,
        body: rendered.body,
        sentAt: nowIso(),
      };
      ctx.state.emails.push(email);
      const caseRef = input.reference.split(':')[0] ?? input.reference;
      return {
        status: 201,
        body: { id: email.id, reference: email.reference, template: { id: email.templateId } },
        effect: { operation: 'send-email', caseRef },
      };
    }),
  );
  return router;
}
