import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';

import { CaseStatus, Municipality } from '../workflows/search-attributes';
import { vvrBooking } from './fixtures/bookings';
import { actors, startCase, waitingOn } from './harness/case-driver';
import { eventually } from './harness/eventually';
import { useCaseStack } from './harness/case-fixture';
import { temporal } from './harness/temporal';

describe('foundation: a case workflow on a real Temporal server and worker', () => {
  const stack = useCaseStack({ name: 'foundation' });

  it('starts a case, shows it to operators by search attribute, and ends it on withdrawal', async () => {
    const { client } = temporal();
    const { taskQueue } = stack;

    const result = await stack.runWorkers(async () => {
      const handle = await startCase(taskQueue, vvrBooking());
      await waitingOn(handle, 'desk:check-in');

      const found = await eventually(async () => {
        const ids: string[] = [];
        const query = `CaseStatus = 'open' AND WaitingOn = 'desk:check-in' AND Municipality = '0935' AND WorkflowId = '${handle.workflowId}'`;
        for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
        return ids.length === 1 ? ids : undefined;
      });
      assert.deepEqual(found, [handle.workflowId]);

      const afterWithdraw = await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'newcomer moved to Utrecht' }],
      });
      assert.equal(afterWithdraw.audit.at(-1)?.actor.id, actors.operator.id);
      const outcome = await handle.result();
      const description = await handle.describe();
      assert.equal(description.typedSearchAttributes.get(CaseStatus), 'withdrawn');
      assert.equal(description.typedSearchAttributes.get(Municipality), '0935');
      return outcome;
    });

    assert.equal(result.status, 'withdrawn');
    assert.match(result.outcome, /IND application withdrawn/);
  });
});
