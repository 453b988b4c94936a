import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import { isValidBsn } from '../domain/bsn';
import * as d from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';

describe('case journeys on the real server, worker and agency sandbox', () => {
  const stack = useCaseStack({ name: 'journey' });

  it('EU citizen: BRP registration and advice, no permit steps', async () => {
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking());
      await checkIn(handle);
      await waitingOn(handle, 'expat:advice');
      const registered = await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'BRP registered');
      assert.ok(isValidBsn(registered.results.bsn ?? ''), `BSN ${registered.results.bsn} passes the 11-test`);
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'given' }],
      });
      return handle.result();
    });
    assert.equal(result.status, 'completed');
    const outcomes = Object.fromEntries(result.steps.map((s) => [s.name, s.outcome]));
    assert.deepEqual(outcomes, {
      eligibility: 'eligible',
      permit: 'not-wanted',
      'check-in': 'verified',
      brp: 'registered',
      biometrics: 'not-wanted',
      card: 'not-wanted',
      'return-visa': 'not-wanted',
      advice: 'given',
    });
  });

  it('highly skilled migrant via VVR: permit, biometrics, BRP, card handed over, advice', async () => {
    const booking = vvrBooking();
    const caseId = d.caseWorkflowId(booking.bookingReference);
    const result = await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, booking);
      await checkIn(handle);

      const capturing = await waitingOn(handle, 'ind:biometrics');
      assert.ok(capturing.waitingOn.includes('ind:decision'), 'the permit decision is pending in parallel');
      await handle.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-0001' }],
      });
      const registered = await waitForCase(handle, (v) => stepOutcome(v, 'brp') === 'registered', 'BRP registered');
      assert.ok(isValidBsn(registered.results.bsn ?? ''));
      await waitForCase(handle, (v) => stepOutcome(v, 'biometrics') === 'accepted', 'biometrics accepted');

      await stack.admin.decide(registered.results.indApplicationNumber!, 'granted');
      await waitingOn(handle, 'ind:card');
      const order = (await stack.admin.ledger(caseId)).find((e) => e.operation === 'order-card');
      assert.ok(order, 'the card was ordered after the grant');
      const card = [...stack.sandbox.state.cards.values()].find((c) => c.caseRef === caseId);
      await stack.admin.cardReady(card!.orderId);
      await waitingOn(handle, 'desk:card-hand-over');
      await handle.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'declined' }],
      });
      return handle.result();
    });

    assert.equal(result.status, 'completed');
    assert.match(result.outcome, /permit granted/);
    assert.match(result.outcome, /card handed-over/);
    const operations = (await stack.admin.ledger(caseId)).map((e) => e.operation).sort();
    assert.deepEqual(operations, [
      'file-application',
      'order-card',
      'register',
      'send-email',
      'send-email',
      'send-email',
      'send-email',
      'send-email',
      'submit-biometrics',
    ]);
  });
});
