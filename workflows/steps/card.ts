import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { pollBeside, skipped, undoneAtAgency, unusableAs, withAgency } from '../agency-call';
import { runDeadline } from '../deadlines';
import { cardNotCollected } from '../definitions';
import type { StepContext } from './step-context';

/**
 * The residence card: ordered once the permit is granted and biometrics are accepted (or were taken at the
 * embassy with the MVV and an IND officer found them usable); IND reports it ready; a desk officer hands it
 * over. Uncollected cards get a reminder, then wait on an operator.
 */
export async function cardStep({ state, agencies, notifier, compensations }: StepContext): Promise<void> {
  if (!state.wants('residence-permit')) return state.finish('card', 'not-wanted');
  state.setStep('card', { state: 'blocked', detail: 'waits for the permit decision and biometrics' });
  await condition(() => state.permitDecided || state.done('permit'));
  if (state.permit.status !== 'granted') return state.finish('card', 'not-issued', `permit ${state.permit.status}`);
  // IND makes no card without biometrics: accepted ones, or embassy prints an IND officer found usable. Cases
  // started before this rule took an MVV, or a booking without the biometrics service, as enough.
  const biometricsFirst = patched('biometrics-before-card');
  const biometricsReady = (): boolean =>
    (biometricsFirst ? state.embassyPrints === 'usable' : state.hasMvv || !state.wants('biometrics')) ||
    state.biometrics.result === 'accepted' ||
    state.step('biometrics').outcome === 'skipped';
  await condition(
    () => biometricsReady() || (state.done('biometrics') && state.step('biometrics').outcome !== 'accepted'),
  );
  if (!biometricsReady()) return state.finish('card', 'not-issued', 'no accepted biometrics');

  const { caseId } = state;
  const applicationNumber = state.permit.applicationNumber!;
  const order = await withAgency(state, 'card', 'ind', () =>
    agencies.ind.orderResidenceCard({ caseId, applicationNumber }),
  );
  if (order === skipped) return state.finish('card', 'skipped', state.skipReason('card'));
  const { orderId } = order;
  compensations.register({
    needed: () => !state.card.handedOver,
    undo: async () => {
      const cancel = () => agencies.ind.cancelResidenceCard({ caseId, orderId });
      if (!(await undoneAtAgency(state, 'card', 'ind', cancel))) {
        return 'card order not cancelled (skipped by an operator)';
      }
      state.finish('card', 'cancelled');
      return 'card order cancelled';
    },
  });
  state.cardOrdered(order);

  // Skipping the card while IND makes it used to leave the ready norm running until it breached, 14 days on;
  // cases that were skipped that way before this change keep waiting the old way, so their histories replay.
  const skipEndsNorm = patched('card-skip-ends-ready-norm');
  const readyNorm = runDeadline(state, 'card-ready-service-norm', state.settings.cardReadyNormMs, {
    until: () => state.card.ready || state.done('card') || (skipEndsNorm && state.skipRequested('card')),
  });
  const poll = new CancellationScope();
  const polling = poll
    .run(() =>
      pollBeside(
        state,
        'card',
        'ind',
        unusableAs(
          () => agencies.indPoll.awaitResidenceCardReady({ orderId }),
          (order) =>
            order.status === 'cancelled'
              ? `IND answered that card order ${orderId} is cancelled, which this case did not ask`
              : undefined,
        ),
        () => state.card.ready || state.skipRequested('card'),
      ),
    )
    .then(
      (polled) => {
        if (polled?.status === 'ready') state.cardReady();
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  const ready = await state.waitOn('card', 'ind:card', () => state.card.ready);
  poll.cancel();
  await Promise.all([polling, readyNorm]);
  if (!ready && state.skippedByOperator('card')) return;
  const location = state.appointment.location;
  notifier.send('card-ready', { location });

  const collected = (): boolean => state.card.handedOver || state.skipRequested('card');
  const reminder = runDeadline(state, 'card-collection-reminder', state.settings.cardCollectionReminderMs, {
    until: collected,
    sla: false,
    onBreach: () => notifier.send('card-collection-reminder', { location: state.appointment.location }),
  });
  const escalation = runDeadline(state, 'card-collection', state.settings.cardCollectionEscalationMs, {
    until: collected,
    onBreach: () =>
      state.setStep('card', {
        state: 'waiting',
        waitingOn: 'operator:card',
        detail: `${cardNotCollected}; skip as not-collected`,
      }),
  });
  await state.waitOn('card', 'desk:card-hand-over', () => state.card.handedOver);
  await Promise.all([reminder, escalation]);
  if (state.card.handedOver) state.finish('card', 'handed-over');
  else state.finish('card', 'not-collected', state.skipReason('card'));
}
