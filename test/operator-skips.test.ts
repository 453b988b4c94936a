import assert from 'node:assert/strict';
import { caseActions } from '../workflows/actions';
import { caseStatusQuery } from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { actors, answerOf, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { testSettings } from './harness/temporal';

/** IND's filing endpoint answers 500: the permit step's first call keeps failing. */
const indFilingDown = { agency: 'ind' as const, answer: { status: 500 as const, call: '^POST /ind/applications$' } };

/** Resolves what `promise` resolves, or 'no answer' after `ms`: a hang must fail the test, not time it out. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'no answer'> =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))]);

/**
 * An operator's skip must do what the operator is told it did. A step honours it while it waits or while its agency
 * call keeps failing; a skip it would ignore (the step not begun, its call under way, a no-show) is refused with the
 * reason, and a failing call the step must finish despite a withdrawal (IND filing the application) still stops.
 */
describe('operator skips', () => {
  const stack = useCaseStack({ name: 'operator-skips' });

  it('refuses to skip a step that has not begun, and the step then runs as booked', async () => {
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking());
      await waitingOn(handle, 'desk:check-in');
      const skip = await answerOf(
        handle.executeUpdate(caseActions['skip-step'].update, {
          args: [{ actor: actors.operator, step: 'brp', reason: 'registered by hand at the municipality' }],
        }),
      );
      assert.match(skip, /^refused: the brp step has not begun \(.+\); it can be skipped once it waits$/);
      await checkIn(handle);
      const view = await waitForCase(handle, (v) => stepOutcome(v, 'brp') !== undefined, 'the BRP step done');
      assert.equal(stepOutcome(view, 'brp'), 'registered');
      assert.deepEqual(
        view.audit.filter((e) => e.action === 'skip-step'),
        [],
      );
    });
  });

  it('refuses a skip or a withdrawal whose reason is blank, as a missing reason (422), changing nothing', async () => {
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking());
      await waitingOn(handle, 'desk:check-in');
      const skip = await answerOf(
        handle.executeUpdate(caseActions['skip-step'].update, {
          args: [{ actor: actors.operator, step: 'check-in', reason: '   ' }],
        }),
      );
      assert.equal(skip, 'refused: skipping a step needs a reason: say why in "reason"');
      const withdraw = await answerOf(
        handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.bookingSite, reason: ' \t ' }] }),
      );
      assert.equal(withdraw, 'refused: a withdrawal needs a reason: say why in "reason"');
      const view = await handle.query(caseStatusQuery);
      assert.equal(view.status, 'open');
      assert.deepEqual(view.audit, []);
    });
  });

  it('refuses to skip check-in while the newcomer is a no-show: the booking site reschedules', async () => {
    const settings = testSettings({ checkInGraceMs: 500, rescheduleWindowMs: 120_000 });
    const past = new Date(Date.now() - 60_000).toISOString();
    await stack.runWorkers(
      async () => {
        const handle = await startCase(
          stack.taskQueue,
          vvrBooking({ appointment: { location: 'MIC', startsAt: past } }),
        );
        await waitingOn(handle, 'booking-site:reschedule');
        const skip = await answerOf(
          handle.executeUpdate(caseActions['skip-step'].update, {
            args: [{ actor: actors.operator, step: 'check-in', reason: 'checked in by hand' }],
          }),
        );
        assert.match(skip, /^refused: the newcomer was a no-show: the booking site reschedules/);
        const view = await handle.query(caseStatusQuery);
        assert.ok(view.waitingOn.includes('booking-site:reschedule'), JSON.stringify(view.waitingOn));
        assert.deepEqual(
          view.audit.filter((e) => e.action === 'skip-step'),
          [],
        );
      },
      { settings },
    );
  });

  it('a skip of the IND filing that keeps failing stops the call, and the permit step ends skipped', async () => {
    await stack.admin.faults(indFilingDown);
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      await waitForCase(handle, (v) => v.agencyRetrying.includes('ind'), 'the IND filing flagged AgencyRetrying');
      const skip = await within(
        answerOf(
          handle.executeUpdate(caseActions['skip-step'].update, {
            args: [{ actor: actors.operator, step: 'permit', reason: 'filed by hand at IND' }],
          }),
        ),
        30_000,
      );
      assert.equal(skip, 'applied');
      const view = await waitForCase(handle, (v) => stepOutcome(v, 'permit') !== undefined, 'the permit step done');
      assert.equal(stepOutcome(view, 'permit'), 'skipped');
      assert.deepEqual(view.agencyRetrying, []);
    });
  });

  it('a withdrawal while the IND filing keeps failing closes once an operator skips the filing', async () => {
    await stack.admin.faults(indFilingDown);
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking({ services: ['residence-permit'] }));
      await waitForCase(handle, (v) => v.agencyRetrying.includes('ind'), 'the IND filing flagged AgencyRetrying');
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'the newcomer moves elsewhere' }],
      });
      // The filing survives the withdrawal (its undo would need the number), so the case still shows it failing.
      const withdrawing = await handle.query(caseStatusQuery);
      assert.deepEqual(withdrawing.agencyRetrying, ['ind']);
      const skip = await within(
        answerOf(
          handle.executeUpdate(caseActions['skip-step'].update, {
            args: [{ actor: actors.operator, step: 'permit', reason: 'IND is down; nothing was filed' }],
          }),
        ),
        30_000,
      );
      assert.equal(skip, 'applied');
      const result = await within(handle.result(), 30_000);
      assert.notEqual(result, 'no answer', 'the withdrawn case did not close after the skip');
      assert.equal(result === 'no answer' ? undefined : result.status, 'withdrawn');
    });
  });
});
