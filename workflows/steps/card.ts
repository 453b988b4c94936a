import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { AgencyProxies } from '../agencies';
import { skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';
import { runDeadline } from '../deadlines';
import type { Notifier } from '../notifications';

/**
 * The residence card: ordered once the permit is granted and biometrics are accepted (or were taken at the
 * embassy with the MVV); IND reports it ready; a desk officer hands it over. Uncollected cards get a reminder,
 * then wait on an operator.
 */
export async function cardStep(c: CaseState, agencies: AgencyProxies, notifier: Notifier): Promise<void> {
  if (!c.wants('residence-permit')) return c.finish('card', 'not-wanted');
  c.setStep('card', { state: 'blocked', detail: 'waits for the permit decision and biometrics' });
  await condition(() => c.permitDecided || c.done('permit'));
  if (c.permit.status !== 'granted') return c.finish('card', 'not-issued', `permit ${c.permit.status}`);
  const biometricsReady = (): boolean =>
    c.hasMvv ||
    !c.wants('biometrics') ||
    c.biometrics.result === 'accepted' ||
    c.step('biometrics').outcome === 'skipped';
  await condition(() => biometricsReady() || (c.done('biometrics') && c.step('biometrics').outcome !== 'accepted'));
  if (!biometricsReady()) return c.finish('card', 'not-issued', 'no accepted biometrics');

  const applicationNumber = c.permit.applicationNumber!;
  const order = await withAgency(c, 'card', 'ind', () =>
    agencies.ind.orderResidenceCard({ caseId: c.caseId, applicationNumber }),
  );
  if (order === skipped) return c.finish('card', 'skipped', c.skipRequests.get('card'));
  c.card.orderId = order.orderId;
  c.card.ready = order.status === 'ready';

  const readyNorm = runDeadline(c, 'card-ready-service-norm', c.settings.cardReadyNormMs, {
    until: () => c.card.ready || c.done('card'),
  });
  const poll = new CancellationScope();
  const polling = poll
    .run(() => agencies.indPoll.awaitResidenceCardReady({ orderId: order.orderId }))
    .then(
      (o) => {
        if (o.status === 'ready') c.card.ready = true;
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  const ready = await c.waitOn('card', 'ind:card', () => c.card.ready);
  poll.cancel();
  await Promise.all([polling, readyNorm]);
  if (!ready && c.skippedByOperator('card')) return;
  notifier.send('card-ready', { location: c.appointment.location });

  const collected = (): boolean => c.card.handedOver || c.skipRequests.has('card');
  const reminder = runDeadline(c, 'card-collection-reminder', c.settings.cardCollectionReminderMs, {
    until: collected,
    sla: false,
    onBreach: () => notifier.send('card-ready', { location: c.appointment.location, reminder: 'yes' }),
  });
  const escalation = runDeadline(c, 'card-collection', c.settings.cardCollectionEscalationMs, {
    until: collected,
    onBreach: () =>
      c.setStep('card', {
        state: 'waiting',
        waitingOn: 'operator:card',
        detail: 'card not collected; skip as not-collected',
      }),
  });
  await c.waitOn('card', 'desk:card-hand-over', () => c.card.handedOver);
  await Promise.all([reminder, escalation]);
  if (c.card.handedOver) c.finish('card', 'handed-over');
  else c.finish('card', 'not-collected', c.skipRequests.get('card'));
}
