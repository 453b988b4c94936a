import { condition, patched } from '@temporalio/workflow';
import { runDeadline } from '../deadlines';
import type { StepContext } from './step-context';

/**
 * The appointment: a desk officer checks the newcomer in. Nobody by the start plus the grace time is a no-show;
 * the booking site may then reschedule within the window, after which the case closes as a no-show.
 */
export async function checkInStep({ state, notifier, compensations }: StepContext): Promise<void> {
  compensations.register({
    needed: () => !state.checkInSettled,
    undo: () => {
      state.finish('check-in', 'appointment-released');
      return Promise.resolve('appointment released');
    },
  });
  for (;;) {
    const version = state.appointmentVersion;
    const dueIn = Date.parse(state.appointment.startsAt) + state.settings.checkInGraceMs - Date.now();
    state.setStep('check-in', { state: 'waiting', waitingOn: 'desk:check-in' });
    const clock = await runDeadline(state, 'check-in', Math.max(dueIn, 1), {
      until: () =>
        state.checkInState !== 'pending' || state.appointmentVersion !== version || state.skipRequested('check-in'),
      sla: false,
    });
    if (state.skippedByOperator('check-in')) return;
    if (clock === 'met' && state.appointmentVersion !== version) continue;
    if (clock === 'breached') {
      state.markNoShow();
      state.setStep('check-in', { state: 'waiting', waitingOn: 'booking-site:reschedule', detail: 'no-show' });
      if (patched('milestone-emails')) {
        const rescheduleBy = new Date(Date.now() + state.settings.rescheduleWindowMs).toISOString();
        notifier.send('no-show', { rescheduleBy });
      }
      const rescheduled = await runDeadline(state, 'reschedule-after-no-show', state.settings.rescheduleWindowMs, {
        until: () => state.appointmentVersion !== version,
        sla: false,
      });
      if (rescheduled === 'breached') {
        state.closeAsNoShow();
        return state.finish('check-in', 'no-show');
      }
      state.reopenCheckIn();
      continue;
    }
    if (state.checkInState === 'in-doubt') {
      const resolved = await state.waitOn(
        'check-in',
        'desk:identity',
        () => state.checkInState !== 'in-doubt',
        'identity in doubt',
      );
      if (!resolved && state.skippedByOperator('check-in')) return;
    }
    await condition(() => state.checkInSettled);
    return state.finish('check-in', state.checkInState);
  }
}
