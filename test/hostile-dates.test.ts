import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import request from 'supertest';
import { caseActions } from '../workflows/actions';
import { caseStatusQuery, type CaseView } from '../workflows/definitions';
import { euBooking } from './fixtures/bookings';
import { testApp, tokens } from './harness/api';
import { actors, startCase, startCaseWithBiometrics, waitForCase, waitingOn } from './harness/case-driver';
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
      // A location that is an address would go into DeskLocation in clear text: the validator refuses it too.
      await assert.rejects(
        handle.executeUpdate(caseActions.reschedule.update, {
          args: [{ actor: actors.bookingSite, startsAt: nextWeek, location: 'Lena Hoffmann, Boschstraat 12' }],
        }),
        (err: unknown) =>
          err instanceof WorkflowUpdateFailedError &&
          err.cause?.message ===
            'the location is not a desk location such as MIC-Maastricht (words of letters and digits joined by a space, dot or dash)',
      );
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

/** Dates the caller sets on an officer action, sent through the API as a hostile client would. */
describe('schedule-visit with a date out of every range, through the API', () => {
  const stack = useCaseStack({ name: 'visit-dates' });

  it('answers 422 naming startsAt for the year 9999 and the year 1, and leaves the case as it was', async () => {
    await stack.runWorkers(async () => {
      const api = request(testApp({ taskQueue: stack.taskQueue }));
      const handle = await startCaseWithBiometrics(stack.taskQueue, 'CAP-BLURRY-7');
      const before = await waitForCase(handle, (v) => v.steps.some((s) => s.detail === 'retake needed'), 'a retake');
      const visit = (startsAt: string, token: string = tokens.desk) =>
        api
          .post(`/v1/cases/${handle.workflowId}/actions/schedule-visit`)
          .set('authorization', token)
          .send({ purpose: 'biometrics-retake', startsAt });

      for (const [startsAt, why] of [
        ['9999-12-31T09:00:00Z', /the visit \(9999-12-31T09:00:00Z\) is more than a year ahead/],
        ['0001-01-01T09:00:00Z', /the visit \(0001-01-01T09:00:00Z\) is in the past/],
        ['0001-01-01T09:00:00+14:00', /is in the past/],
      ] as const) {
        for (const token of [tokens.desk, tokens.bookingSite]) {
          const res = await visit(startsAt, token);
          assert.equal(res.status, 422, `${startsAt}: ${res.text}`);
          assert.equal(res.type, 'application/problem+json');
          assert.ok(res.body.requestId, 'the problem carries the request id');
          assert.match(String(res.body.detail), why);
          assert.deepEqual(
            (res.body.invalidParams as Array<{ name: string }>).map((p) => p.name),
            ['startsAt'],
          );
        }
      }
      const after = await handle.query(caseStatusQuery);
      assert.equal(after.returnVisit, undefined, 'no visit was booked');
      assert.deepEqual(after.audit, before.audit, 'nothing was audited');
      assert.deepEqual(after.deadlines, before.deadlines);
      const visitMails = stack.sandbox.state.emails.filter(
        (e) => e.reference === `${handle.workflowId}:visit-scheduled`,
      );
      assert.deepEqual(visitMails, [], 'no visit e-mail went out');

      // The same request with a sane date is taken: the 422 was about the date alone.
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
      const booked = await visit(inAnHour);
      assert.equal(booked.status, 200, booked.text);
      assert.equal((booked.body as CaseView).returnVisit?.startsAt, inAnHour);
      await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'done' }] });
    });
  });
});
