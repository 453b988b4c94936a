import { condition } from '@temporalio/workflow';
import type { CaseState } from '../case-state';
import { runDeadline } from '../deadlines';

/**
 * The appointment: a desk officer checks the newcomer in. Nobody by the start plus the grace time is a no-show;
 * the booking site may then reschedule within the window, after which the case closes as a no-show.
 */
export async function checkInStep(c: CaseState): Promise<void> {
  for (;;) {
    const version = c.appointmentVersion;
    const dueIn = Date.parse(c.appointment.startsAt) + c.settings.checkInGraceMs - Date.now();
    c.setStep('check-in', { state: 'waiting', waitingOn: 'desk:check-in' });
    const clock = await runDeadline(c, 'check-in', Math.max(dueIn, 1), {
      until: () => c.checkIn !== 'pending' || c.appointmentVersion !== version || c.skipRequests.has('check-in'),
      sla: false,
    });
    if (c.skippedByOperator('check-in')) return;
    if (clock === 'met' && c.appointmentVersion !== version) continue;
    if (clock === 'breached') {
      c.checkIn = 'no-show';
      c.setStep('check-in', { state: 'waiting', waitingOn: 'booking-site:reschedule', detail: 'no-show' });
      const rescheduled = await runDeadline(c, 'reschedule-after-no-show', c.settings.rescheduleWindowMs, {
        until: () => c.appointmentVersion !== version,
        sla: false,
      });
      if (rescheduled === 'breached') {
        c.ending = 'closed-no-show';
        return c.finish('check-in', 'no-show');
      }
      c.checkIn = 'pending';
      continue;
    }
    if (c.checkIn === 'in-doubt') {
      const resolved = await c.waitOn('check-in', 'desk:identity', () => c.checkIn !== 'in-doubt', 'identity in doubt');
      if (!resolved && c.skippedByOperator('check-in')) return;
    }
    await condition(() => c.checkInSettled);
    return c.finish('check-in', c.checkIn);
  }
}
