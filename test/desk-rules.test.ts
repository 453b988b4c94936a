import assert from 'node:assert/strict';
import { caseActions } from '../workflows/actions';
import type { CaseSettings } from '../workflows/settings';
import { vvrBooking } from './fixtures/bookings';
import { actors, startCase, stepOutcome, waitForCase, waitingOn, type CaseHandle } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { testSettings } from './harness/temporal';

const checkIn = (h: CaseHandle) =>
  h.executeUpdate(caseActions['check-in'].update, { args: [{ actor: actors.desk, identity: 'verified' }] });
const stepOf = (v: { steps: Array<{ name: string; state: string; detail?: string }> }, name: string) =>
  v.steps.find((s) => s.name === name);
/** The sponsor register answers 500 until the faults are cleared: the eligibility step keeps retrying. */
const sponsorRegisterDown = { agency: 'ind' as const, answer: { status: 500 as const, call: '^GET /ind/sponsors/' } };

describe('desk rules: the sponsor check does not hold the desk', () => {
  const stack = useCaseStack({ name: 'desk-rules' });
  const withWorkers = <T>(fn: () => Promise<T>, settings?: CaseSettings): Promise<T> =>
    stack.runWorkers(fn, settings ? { settings } : {});

  it('while the sponsor register is down the desk checks in and advises; the permit and BRP wait for its answer', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, vvrBooking());
      await waitForCase(handle, (v) => v.agencyRetrying.includes('ind'), 'the sponsor check retrying');
      await checkIn(await waitingOn(handle, 'desk:check-in').then(() => handle));
      const advised = await waitingOn(handle, 'expat:advice');
      assert.equal(stepOutcome(advised, 'check-in'), 'verified');
      assert.notEqual(stepOf(advised, 'eligibility')?.state, 'done', 'the sponsor check is still under way');
      for (const step of ['permit', 'brp', 'biometrics']) {
        assert.equal(stepOf(advised, step)?.state, 'blocked', `${step} waits`);
      }
      assert.equal(stepOf(advised, 'permit')?.detail, 'waits for the sponsor check');
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'given' }],
      });
      assert.deepEqual(
        (await stack.admin.ledger(handle.workflowId)).filter((e) => e.agency !== 'notify'),
        [],
        'nothing was filed or registered before the sponsor was known',
      );

      await stack.admin.clearFaults();
      const going = await waitForCase(
        handle,
        (v) => v.waitingOn.includes('ind:biometrics') && stepOutcome(v, 'brp') === 'registered',
        'the permit filed and the newcomer registered once the sponsor is known',
      );
      assert.equal(stepOutcome(going, 'eligibility'), 'eligible');
      assert.equal(stepOutcome(going, 'advice'), 'given');
    });
  });

  it('an unrecognised sponsor known only after check-in: rejected, and no step is left waiting', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    const booking = vvrBooking({ sponsor: { name: 'Unknown BV', recognisedSponsorNumber: 'RS-UNKNOWN' } });
    const result = await withWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(await waitingOn(handle, 'desk:check-in').then(() => handle));
      await waitingOn(handle, 'expat:advice');
      await stack.admin.clearFaults();
      const closed = await handle.result();
      assert.deepEqual(
        (await stack.admin.ledger(handle.workflowId)).filter((e) => e.agency !== 'notify'),
        [],
        'no application filed, no BRP registration',
      );
      return closed;
    });
    assert.equal(result.status, 'rejected');
    assert.match(result.outcome, /RS-UNKNOWN is not in the IND register/);
    const outcome = (name: string) => result.steps.find((s) => s.name === name)?.outcome;
    assert.equal(outcome('check-in'), 'verified');
    for (const step of ['permit', 'brp', 'biometrics', 'card', 'advice']) {
      assert.equal(outcome(step), 'not-possible', step);
    }
  });

  it('the no-show clock runs from the appointment alone, also while the sponsor check is still under way', async () => {
    await stack.admin.faults(sponsorRegisterDown);
    const settings = testSettings({ checkInGraceMs: 1_000, rescheduleWindowMs: 60_000 });
    await withWorkers(async () => {
      const sponsored = await startCase(
        stack.taskQueue,
        vvrBooking({ appointment: { location: 'MIC', startsAt: new Date(Date.now() + 1_000).toISOString() } }),
      );
      const late = await waitingOn(sponsored, 'booking-site:reschedule');
      assert.notEqual(stepOf(late, 'eligibility')?.state, 'done', 'the sponsor check had not answered');
      const due = Date.parse(late.deadlines.find((d) => d.name === 'check-in')?.dueAt ?? '');
      assert.ok(Math.abs(due - (Date.parse(late.appointment.startsAt) + 1_000)) < 50, 'due at appointment + grace');
    }, settings);
  });
});
