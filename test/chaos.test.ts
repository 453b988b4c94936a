import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import type * as d from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { act, actors, startCase, stepOutcome, waitForCase, type CaseHandle } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { testSettings } from './harness/temporal';
import { defaultCaseSettings } from '../workflows/settings';

const cases = 20;

/**
 * How long one step may take at most. Retries with back-off take a while under this much failure, and on a 2-core
 * machine beside other work (load 20) the 20 cases' workflow tasks queue behind each other: a run took 4 minutes.
 */
const stepWithin = 240_000;
/**
 * The tests' 2-minute budget for an agency's retries hands a step to an operator: on a machine at load 20 a BRP
 * registration used it up with 7 attempts (30 % errors, and calls timing out on the starved sandbox). Nobody
 * plays operator here, so the agencies get the default budget, and attempts at most 10 s apart: the default
 * back-off doubles to 10 minutes, which would outlast every window of this test after 8 failures in a row.
 */
const settings = testSettings({
  agencyRetryMaxMs: defaultCaseSettings.agencyRetryMaxMs,
  agencyRetryIntervalCapMs: 10_000,
});
const waitingOn = (handle: CaseHandle, wait: string) =>
  waitForCase(handle, (v) => v.waitingOn.includes(wait), `waiting on ${wait}`, stepWithin);

describe('under 30% injected errors and random latency on every agency', () => {
  const stack = useCaseStack({ name: 'chaos', sandbox: { seed: 2026 } });

  it(`${cases} cases still complete, and the ledger shows every side effect exactly once`, async function () {
    this.timeout(900_000);
    const { admin, sandbox, taskQueue } = stack;
    for (const agency of ['brp', 'ind', 'notify'] as const) {
      await admin.faults({ agency, errorRate: 0.3, latencyMs: [5, 80] });
    }
    const workers = await stack.workers();

    const drive = async (i: number): Promise<d.NewcomerCaseResult> => {
      const permit = i % 2 === 1;
      const handle: CaseHandle = await startCase(taskQueue, permit ? vvrBooking() : euBooking(), settings);
      await waitingOn(handle, 'desk:check-in');
      await act((updateId) =>
        handle.executeUpdate(caseActions['check-in'].update, {
          updateId,
          args: [{ actor: actors.desk, identity: 'verified' }],
        }),
      );
      if (permit) {
        await waitingOn(handle, 'ind:biometrics');
        await act((updateId) =>
          handle.executeUpdate(caseActions['capture-biometrics'].update, {
            updateId,
            args: [{ actor: actors.ind, captureReference: `CAP-${i}` }],
          }),
        );
        const view = await waitForCase(
          handle,
          (v) => stepOutcome(v, 'biometrics') === 'accepted',
          'biometrics',
          stepWithin,
        );
        await admin.decide(view.results.indApplicationNumber!, 'granted');
        await waitingOn(handle, 'ind:card');
        const card = [...sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
        await admin.cardReady(card!.orderId);
        await waitForCase(handle, (v) => v.waitingOn.includes('desk:card-hand-over'), 'card ready', stepWithin);
        await act((updateId) =>
          handle.executeUpdate(caseActions['hand-over-card'].update, { updateId, args: [{ actor: actors.desk }] }),
        );
      }
      await waitingOn(handle, 'expat:advice');
      await act((updateId) =>
        handle.executeUpdate(caseActions['record-advice'].update, {
          updateId,
          args: [{ actor: actors.expat, outcome: 'given' }],
        }),
      );
      await waitForCase(handle, (v) => v.status !== 'open', 'closed', stepWithin);
      return handle.result();
    };

    const results = await workers.runUntil(() => Promise.all(Array.from({ length: cases }, (_, i) => drive(i))));
    await admin.clearFaults();

    assert.deepEqual(
      results.map((r) => r.status),
      Array.from({ length: cases }, () => 'completed'),
    );
    for (const r of results) assert.match(r.outcome, /brp registered/);
    const ledger = await admin.ledger();
    const perKey = new Map<string, number>();
    for (const e of ledger)
      perKey.set(
        `${e.caseRef} ${e.operation} ${e.idempotencyKey}`,
        (perKey.get(`${e.caseRef} ${e.operation} ${e.idempotencyKey}`) ?? 0) + 1,
      );
    const duplicates = [...perKey].filter(([, n]) => n > 1);
    assert.deepEqual(duplicates, [], 'no side effect happened twice');
    for (const r of results) {
      const operations = ledger
        .filter((e) => e.caseRef === r.caseId && e.operation !== 'send-email')
        .map((e) => e.operation);
      const expected = r.outcome.includes('permit')
        ? ['file-application', 'order-card', 'register', 'submit-biometrics']
        : ['register'];
      assert.deepEqual(operations.sort(), expected, `side effects of ${r.caseId}`);
    }
  });
});
