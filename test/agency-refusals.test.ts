import assert from 'node:assert/strict';
import { caseActions } from '../workflows/actions';
import { vvrBooking } from './fixtures/bookings';
import {
  actors,
  checkIn,
  startCase,
  startCaseWithBiometrics,
  stepOutcome,
  waitForCase,
  waitingOn,
} from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';

const permitOnly = () => vvrBooking({ services: ['residence-permit'] });

/**
 * An agency that answers a poll with "not found" (it lost the application, or a restarted sandbox forgot it)
 * must not wedge the case: the step waits on an operator with the reason, and the case keeps answering.
 */
describe('an agency that no longer knows what the case polls for', () => {
  const stack = useCaseStack({ name: 'refusals' });

  it('IND forgets the application: the permit step waits on an operator, and an officer settles it', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, permitOnly());
      const linked = await waitingOn(handle, 'ind:decision');
      const applicationNumber = linked.results.indApplicationNumber!;
      assert.ok(stack.sandbox.state.applications.delete(applicationNumber), 'the sandbox had the application');

      const stuck = await waitingOn(handle, 'operator:permit');
      const permit = stuck.steps.find((s) => s.name === 'permit');
      assert.match(permit?.detail ?? '', /ind poll failed .*404.*No application/);
      await handle.executeUpdate(caseActions['record-permit-decision'].update, {
        args: [{ actor: actors.ind, decision: 'refused', reason: 'IND lost the file; refused on the paper record' }],
      });
      await waitForCase(handle, (v) => stepOutcome(v, 'permit') === 'refused', 'permit refused');
      await checkIn(handle);
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'refused');
    assert.equal(result.steps.find((s) => s.name === 'card')?.outcome, 'not-issued');
  });

  it('IND forgets the card order: a retry meets the same answer, then an operator skips the card', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCaseWithBiometrics(stack.taskQueue, 'CAP-FORGOTTEN-CARD');
      const linked = await waitingOn(handle, 'ind:decision');
      await stack.admin.decide(linked.results.indApplicationNumber!, 'granted');
      await waitingOn(handle, 'ind:card');
      const card = [...stack.sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
      assert.ok(card && stack.sandbox.state.cards.delete(card.orderId), 'the sandbox had the card order');

      await waitingOn(handle, 'operator:card');
      await handle.executeUpdate(caseActions['retry-step'].update, {
        args: [{ actor: actors.operator, step: 'card' }],
      });
      const again = await waitingOn(handle, 'operator:card');
      assert.match(again.steps.find((s) => s.name === 'card')?.detail ?? '', /ind poll failed .*404/);
      await handle.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'card', reason: 'card re-ordered by phone with IND' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'card')?.outcome, 'skipped');
  });

  it('IND withdraws the application (the sponsor did, not the case): the permit step waits on an operator, who skips it', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, permitOnly());
      const linked = await waitingOn(handle, 'ind:decision');
      const application = stack.sandbox.state.applications.get(linked.results.indApplicationNumber!);
      assert.ok(application, 'the sandbox has the application');
      application.status = 'withdrawn';

      const stuck = await waitingOn(handle, 'operator:permit');
      assert.match(
        stuck.steps.find((s) => s.name === 'permit')?.detail ?? '',
        /ind poll failed \(IND answered that application IND-\S+ is withdrawn, which this case did not ask\); an operator may retry or skip/,
      );
      await handle.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'permit', reason: 'the sponsor withdrew the application' }],
      });
      await checkIn(handle);
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'skipped');
  });

  it('IND cancels the card order the case did not cancel: the card step waits on an operator', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCaseWithBiometrics(stack.taskQueue, 'CAP-CANCELLED-CARD');
      const linked = await waitingOn(handle, 'ind:decision');
      await stack.admin.decide(linked.results.indApplicationNumber!, 'granted');
      await waitingOn(handle, 'ind:card');
      const card = [...stack.sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
      assert.ok(card, 'the sandbox has the card order');
      card.status = 'cancelled';

      const stuck = await waitingOn(handle, 'operator:card');
      assert.match(
        stuck.steps.find((s) => s.name === 'card')?.detail ?? '',
        /card order \S+ is cancelled, which this case did not ask/,
      );
      await handle.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'card', reason: 'card re-ordered by phone with IND' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.steps.find((s) => s.name === 'card')?.outcome, 'skipped');
  });

  it('a withdrawal whose undo IND refuses waits on an operator, who may skip that undo', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, permitOnly());
      const linked = await waitingOn(handle, 'ind:decision');
      // IND is down while it loses the application, so only the withdrawal's undo meets the "not found".
      await stack.admin.faults({ agency: 'ind', outage: true });
      stack.sandbox.state.applications.delete(linked.results.indApplicationNumber!);
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.bookingSite, reason: 'moved to Utrecht' }],
      });
      await waitingOn(handle, 'agency:ind');
      await stack.admin.clearFaults();
      const stuck = await waitingOn(handle, 'operator:permit');
      assert.match(stuck.steps.find((s) => s.name === 'permit')?.detail ?? '', /ind call failed .*404/);
      await handle.executeUpdate(caseActions['skip-step'].update, {
        args: [{ actor: actors.operator, step: 'permit', reason: 'IND has no record left to withdraw' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'withdrawn');
    assert.match(result.outcome, /IND application not withdrawn \(skipped by an operator\)/);
    assert.equal(result.steps.find((s) => s.name === 'permit')?.outcome, 'skipped');
  });

  it('a withdrawal whose undo keeps failing: once IND shows failing, an operator skips the undo and it ends', async () => {
    try {
      const result = await stack.runWorkers(async () => {
        const handle = await startCase(stack.taskQueue, permitOnly());
        await waitingOn(handle, 'ind:decision');
        await stack.admin.faults({ agency: 'ind', outage: true });
        await handle.executeUpdate(caseActions.withdraw.update, {
          args: [{ actor: actors.bookingSite, reason: 'moved to Utrecht' }],
        });
        // Temporal would retry the undo for CASE_AGENCY_RETRY_MAX; the operator need not wait for that.
        await waitForCase(handle, (v) => v.agencyRetrying.includes('ind'), 'AgencyRetrying=ind');
        const answer = await handle.executeUpdate(caseActions['skip-step'].update, {
          args: [{ actor: actors.operator, step: 'permit', reason: 'IND is told by phone' }],
        });
        assert.equal(stepOutcome(answer, 'permit'), 'skipped', 'the answer shows the undo stopped');
        assert.deepEqual(answer.agencyRetrying, []);
        return handle.result();
      });
      assert.equal(result.status, 'withdrawn');
      assert.match(result.outcome, /IND application not withdrawn \(skipped by an operator\)/);
    } finally {
      await stack.admin.clearFaults();
    }
  });
});
