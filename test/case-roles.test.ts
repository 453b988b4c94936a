import assert from 'node:assert/strict';
import { ApplicationFailure, WorkflowUpdateFailedError, type UpdateDefinition } from '@temporalio/client';
import { actionNames, caseActions, mayTake, roleNotAllowed } from '../workflows/actions';
import { caseStatusQuery, roles, type CaseView } from '../workflows/definitions';
import { euBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, waitingOn, type CaseHandle } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { testSettings } from './harness/temporal';

/** Any Update of the catalogue, sent as the Temporal UI or CLI would: whatever JSON the sender typed. */
const handSent = (handle: CaseHandle, wireName: string, input: unknown): Promise<CaseView> =>
  handle.executeUpdate(wireName as unknown as UpdateDefinition<CaseView, [unknown]>, { args: [input] });

async function refusedAsRole(send: Promise<unknown>): Promise<string> {
  const err = await send.then(
    () => assert.fail('the case accepted the Update'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.type, roleNotAllowed, err.cause.message);
  return err.cause.message;
}

describe('case: each Update refuses an actor whose role may not take the action, API or not', () => {
  const stack = useCaseStack({ name: 'case-roles' });

  it('a hand-sent retryStep from a desk officer is refused and changes nothing; the operator is accepted', async () => {
    await stack.admin.faults({ agency: 'brp', outage: true });
    await stack.runWorkers(
      async () => {
        const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
        await checkIn(handle);
        const before = await waitingOn(handle, 'operator:brp');

        for (const role of roles.filter((r) => r !== 'operator')) {
          const reason = await refusedAsRole(
            handSent(handle, 'retryStep', { actor: { id: 'someone-with-the-ui', role }, step: 'brp' }),
          );
          assert.equal(reason, `the role ${role} may not retry-step; only operator may`);
        }
        for (const forged of [
          {},
          { actor: { id: 'x' } },
          { actor: { id: 'x', role: 'admin' } },
          { actor: 'operator' },
        ]) {
          const reason = await refusedAsRole(handSent(handle, 'retryStep', { ...forged, step: 'brp' }));
          assert.equal(reason, 'retryStep needs "actor": { "id", "role" } of a known role');
        }
        const after = await handle.query(caseStatusQuery);
        assert.deepEqual(after.audit, before.audit);
        assert.deepEqual(after.waitingOn, before.waitingOn);

        await stack.admin.clearFaults();
        const retried = await handSent(handle, 'retryStep', { actor: actors.operator, step: 'brp' });
        const retries = retried.audit.filter((a) => a.action === 'retry-step');
        assert.deepEqual(
          retries.map((a) => [a.actor, a.detail]),
          [[actors.operator, 'brp']],
        );
      },
      { settings: testSettings({ agencyRetryMaxMs: 2_000 }) },
    );
  });

  it('every action refuses every role the catalogue does not name for it, before anything else is judged', async () => {
    await stack.runWorkers(async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['brp-registration', 'advice'] }));
      const before = await waitingOn(handle, 'desk:check-in');
      let refusals = 0;
      for (const action of actionNames) {
        for (const role of roles.filter((r) => !mayTake(action, r))) {
          const wire = caseActions[action].wireName;
          const reason = await refusedAsRole(handSent(handle, wire, { actor: { id: `forged-${role}`, role } }));
          assert.match(reason, new RegExp(`^the role ${role} may not ${action}; only `));
          refusals += 1;
        }
      }
      assert.ok(refusals >= actionNames.length * 3, `only ${refusals} refusals`);
      const after = await handle.query(caseStatusQuery);
      assert.deepEqual(after.audit, before.audit);
      assert.equal(after.status, 'open');
      assert.deepEqual(after.waitingOn, before.waitingOn);
    });
  });
});
