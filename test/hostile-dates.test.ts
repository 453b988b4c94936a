import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { caseActions } from '../workflows/actions';
import { euBooking } from './fixtures/bookings';
import { actors, startCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';

/**
 * The API refuses such dates at intake, but a case can be started by hand (the Temporal CLI) or may predate the
 * bounds: a date out of every range must not stop its own case from running.
 */
describe('a case booked for the year 9999, started past the API', () => {
  const stack = useCaseStack({ name: 'dates' });

  it('still runs and answers, refuses a reschedule to 9999 with the reason, and takes a sane one', async () => {
    const booking = euBooking({ appointment: { location: 'MIC-Maastricht', startsAt: '9999-12-31T23:59:00Z' } });
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      const view = await waitingOn(handle, 'desk:check-in');
      assert.equal(view.appointment.startsAt, '9999-12-31T23:59:00Z', 'the view keeps the true date');

      await assert.rejects(
        handle.executeUpdate(caseActions.reschedule.update, {
          args: [{ actor: actors.bookingSite, startsAt: '9999-06-01T09:00:00Z' }],
        }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError && /more than a year ahead/.test(err.cause?.message ?? ''),
      );
      const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const moved = await handle.executeUpdate(caseActions.reschedule.update, {
        args: [{ actor: actors.bookingSite, startsAt: nextWeek }],
      });
      assert.equal(moved.appointment.startsAt, nextWeek);
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'booked the wrong year' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'withdrawn');
  });
});
