import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Booking } from '../domain/booking';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import { newcomerCaseWorkflow } from '../workflows';
import * as d from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, stepOutcome, waitForCase, waitingOn, type CaseHandle } from './harness/case-driver';
import { uniqueTaskQueue } from './harness/temporal';
import { caseWorkersOn, endPermitPolling, resultWithin, skipTime, startTimeSkipping } from './harness/time-skipping';

const minute = 60_000;
const day = 24 * 60 * minute;

/** The deadline the case view shows under `name`; fails with the deadlines it does show. */
function deadline(view: d.CaseView, name: string): d.DeadlineView {
  const found = view.deadlines.find((x) => x.name === name);
  assert.ok(found, `the case shows no deadline ${name}; it shows ${JSON.stringify(view.deadlines)}`);
  return found;
}

const dueAt = (view: d.CaseView, name: string): number => Date.parse(deadline(view, name).dueAt);

/**
 * The case clocks at their real length (defaultCaseSettings: 30 minutes, 14, 30 and 90 days) on Temporal's
 * time-skipping test server: `env.sleep` moves the server's clock, and with it the workflow's, by days at once.
 */
describe('long clocks at their real length (time-skipping test server)', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let sandbox: StartedSandbox;
  let serial = 0;
  let taskQueue: string;

  before(async () => {
    env = await startTimeSkipping();
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox?.close();
    await env?.teardown();
  });
  beforeEach(() => {
    taskQueue = uniqueTaskQueue('long-clock');
  });

  async function withWorkers<T>(fn: () => Promise<T>): Promise<T> {
    const workers = await caseWorkersOn(env, taskQueue, sandbox.url);
    return workers.runUntil(fn);
  }

  /** Starts a case through the time-skipping client, so awaiting its result skips time. */
  function startCase(booking: Booking): Promise<CaseHandle> {
    return env.client.workflow.start(newcomerCaseWorkflow, {
      taskQueue,
      workflowId: d.caseWorkflowId(booking.bookingReference),
      args: [{ booking }],
    });
  }

  /**
   * Withdraws a case and waits for it to finish. Never terminate a case here: terminating a workflow with an
   * activity in flight leaves that activity's time-skipping lock held on the test server for good, and every later
   * `env.sleep` of the run then passes in real time.
   */
  async function closeCase(handle: CaseHandle): Promise<d.NewcomerCaseResult> {
    await handle.executeUpdate(caseActions.withdraw.update, {
      args: [{ actor: actors.operator, reason: 'test done' }],
    });
    const result = await resultWithin(env, handle);
    assert.equal(result.status, 'withdrawn');
    return result;
  }

  /** An appointment `offsetMs` from the server's clock, which runs ahead of the wall clock once time is skipped. */
  async function appointmentIn(offsetMs: number): Promise<Booking['appointment']> {
    return { location: 'MIC-Maastricht', startsAt: new Date((await env.currentTimeMs()) + offsetMs).toISOString() };
  }

  /**
   * A checked-in newcomer whose permit application is pending at IND, with the polling fall-back ended (see
   * `endPermitPolling`: while it runs the test server cannot skip time).
   */
  async function pendingPermit(
    // IND makes no card without biometrics: with them wanted and not yet taken, a granted case stays open.
    services: Booking['services'] = ['residence-permit', 'biometrics'],
  ): Promise<{ handle: CaseHandle; view: d.CaseView }> {
    // IND's receipt date starts the clocks: the sponsor files on the server's (skipped) calendar, not the wall's.
    const applicationNumber = `IND-LONG-${(serial += 1)}`;
    const filed = await fetch(`${sandbox.url}/_admin/ind/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        applicationNumber,
        purpose: 'highly-skilled-migrant',
        sponsorNumber: 'RS-100234',
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      }),
    });
    assert.equal(filed.status, 201, await filed.text());
    const handle = await startCase(
      vvrBooking({
        services,
        permit: { route: 'vvr', indApplicationNumber: applicationNumber },
        appointment: await appointmentIn(day),
      }),
    );
    await checkIn(handle);
    const view = await waitingOn(handle, 'ind:decision');
    assert.equal(view.status, 'open');
    assert.equal(view.slaBreached, false);
    assert.equal(deadline(view, 'ind-decision-legal-term').state, 'running');
    assert.equal(view.results.indApplicationNumber, applicationNumber, 'the case shows its IND application number');
    await endPermitPolling(env, handle, applicationNumber);
    return { handle, view };
  }

  it('a no-show may be rescheduled for 30 days after the 30-minute grace; then the case closes', async () => {
    const appointment = await appointmentIn(-10 * minute);
    const appointmentAt = Date.parse(appointment.startsAt);
    const { result, closedAt, windowEnds } = await withWorkers(async () => {
      const handle = await startCase(euBooking({ appointment }));
      const expected = await waitingOn(handle, 'desk:check-in');
      assert.equal(dueAt(expected, 'check-in'), appointmentAt + 30 * minute, 'check-in closes 30 minutes after');

      await skipTime(env, '21 minutes');
      const noShow = await waitingOn(handle, 'booking-site:reschedule');
      assert.equal(noShow.steps.find((s) => s.name === 'check-in')?.detail, 'no-show');
      assert.equal(deadline(noShow, 'check-in').state, 'breached');
      assert.equal(noShow.slaBreached, false, 'a no-show is not a missed service norm');
      const window = deadline(noShow, 'reschedule-after-no-show');
      assert.equal(window.state, 'running');
      const windowEnds = Date.parse(window.dueAt);
      const afterGrace = appointmentAt + 30 * minute;
      assert.ok(
        windowEnds >= afterGrace + 30 * day && windowEnds < afterGrace + 30 * day + 5 * minute,
        `the reschedule window ends 30 days after the grace: ${window.dueAt}`,
      );

      await skipTime(env, '29 days');
      const stillOpen = await handle.query(d.caseStatusQuery);
      assert.equal(stillOpen.status, 'open', 'the case is still open on day 29 of the window');
      assert.ok(stillOpen.waitingOn.includes('booking-site:reschedule'));

      const result = await resultWithin(env, handle); // skips the rest of the window
      return { result, closedAt: await env.currentTimeMs(), windowEnds };
    });
    assert.equal(result.status, 'closed-no-show');
    assert.equal(result.outcome, 'closed: no-show, not rescheduled in time');
    assert.equal(result.steps.find((s) => s.name === 'check-in')?.outcome, 'no-show');
    assert.ok(closedAt >= windowEnds, 'closed no earlier than the end of the window');
  });

  it('the 90-day IND legal term passes on a pending permit, after the 14-day sponsor target', async () => {
    await withWorkers(async () => {
      const { handle, view } = await pendingPermit();
      const legalTermEnds = dueAt(view, 'ind-decision-legal-term');
      const sponsorTargetEnds = dueAt(view, 'ind-decision-sponsor-target');
      assert.equal(legalTermEnds - sponsorTargetEnds, 76 * day, 'the legal term is 90 days, the target 14');

      await skipTime(env, '15 days');
      const late = await waitForCase(handle, (v) => v.slaBreached, 'sponsor target breached');
      assert.equal(deadline(late, 'ind-decision-sponsor-target').state, 'breached');
      assert.equal(deadline(late, 'ind-decision-legal-term').state, 'running');

      await skipTime(env, '76 days');
      const overdue = await waitForCase(
        handle,
        (v) => deadline(v, 'ind-decision-legal-term').state === 'breached',
        'legal term breached',
      );
      assert.equal(overdue.slaBreached, true);
      assert.equal(overdue.status, 'open');
      assert.ok(overdue.waitingOn.includes('ind:decision'), 'the case still waits on IND');
      assert.ok(
        overdue.audit.some((a) => a.action === 'escalated' && a.detail === 'the legal decision term has passed'),
        'the escalation is in the audit trail',
      );
      assert.ok((await env.currentTimeMs()) >= legalTermEnds);

      // IND's late decision is still taken; the breach stays on record.
      await handle.executeUpdate(caseActions['record-permit-decision'].update, {
        args: [{ actor: actors.ind, decision: 'granted' }],
      });
      const decided = await waitForCase(handle, (v) => stepOutcome(v, 'permit') === 'granted', 'permit granted');
      assert.equal(deadline(decided, 'ind-decision-legal-term').state, 'breached');
      assert.equal(decided.slaBreached, true);
      await closeCase(handle);
    });
  });

  it('a documents request pauses the legal term; it resumes 20 days later, due 20 days later', async () => {
    await withWorkers(async () => {
      const { handle, view } = await pendingPermit();
      const dueBefore = dueAt(view, 'ind-decision-legal-term');
      const documentsDue = new Date((await env.currentTimeMs()) + 30 * day).toISOString();
      await handle.executeUpdate(caseActions['request-documents'].update, {
        args: [{ actor: actors.ind, documents: ['employment contract'], dueAt: documentsDue }],
      });
      const paused = await waitingOn(handle, 'newcomer:documents');
      assert.equal(deadline(paused, 'ind-decision-legal-term').state, 'paused');

      await skipTime(env, '20 days');
      const waiting = await handle.query(d.caseStatusQuery);
      assert.ok(waiting.waitingOn.includes('newcomer:documents'), 'still waiting on the documents on day 20');
      assert.equal(deadline(waiting, 'ind-decision-legal-term').state, 'paused');

      await handle.executeUpdate(caseActions['documents-supplied'].update, { args: [{ actor: actors.desk }] });
      const resumed = await waitingOn(handle, 'ind:decision');
      assert.equal(deadline(resumed, 'ind-decision-legal-term').state, 'running');
      const moved = dueAt(resumed, 'ind-decision-legal-term') - dueBefore;
      assert.ok(
        moved >= 20 * day && moved < 20 * day + 5 * minute,
        `the legal term moved by the 20-day pause, not by ${moved / day} days`,
      );
      assert.equal(stepOutcome(resumed, 'permit'), undefined, 'the application is still pending');
      const withdrawn = await closeCase(handle);
      assert.match(withdrawn.outcome, /IND application withdrawn/);
    });
  });

  it("a documents due date before the sponsor target runs out on its own day, though the case's one timer ran to the target", async () => {
    await withWorkers(async () => {
      // No biometrics: its wait on a person would have a 2-day norm, a clock before the due date.
      const { handle, view } = await pendingPermit(['residence-permit']);
      assert.equal(deadline(view, 'ind-decision-sponsor-target').state, 'running');
      // The case keeps one timer (patch one-case-clock), at its earliest clock: here the 14-day target. A due date
      // three days out must move it earlier; a timer left at the target would see the documents overdue on day 14.
      const documentsDue = new Date((await env.currentTimeMs()) + 3 * day).toISOString();
      await handle.executeUpdate(caseActions['request-documents'].update, {
        args: [{ actor: actors.ind, documents: ['employment contract'], dueAt: documentsDue }],
      });
      await waitingOn(handle, 'newcomer:documents');

      await skipTime(env, '2 days');
      const before = await handle.query(d.caseStatusQuery);
      assert.ok(before.waitingOn.includes('newcomer:documents'), 'still waiting on the documents on day 2');

      await skipTime(env, '2 days');
      const after = await handle.query(d.caseStatusQuery);
      assert.ok(
        !after.waitingOn.includes('newcomer:documents'),
        `on day 4 the documents are overdue, not still awaited: ${after.waitingOn.join(', ')}`,
      );
      assert.match(after.steps.find((s) => s.name === 'permit')?.detail ?? '', /documents/);
      assert.equal(deadline(after, 'ind-decision-sponsor-target').state, 'running', 'the target is day 14');
      await closeCase(handle);
    });
  });
});
