import assert from 'node:assert/strict';
import { caseStatusQuery, caseWorkflowId, withdrawUpdate } from '../workflows/definitions';
import { newcomerCaseWorkflow } from '../workflows';
import { CaseStatus, Municipality } from '../workflows/search-attributes';
import { vvrBooking } from './fixtures/bookings';
import { caseWorker, temporal, uniqueTaskQueue } from './harness/temporal';
import { eventually } from './harness/eventually';

describe('foundation: a case workflow on a real Temporal server and worker', () => {
  it('starts a case, shows it to operators by search attribute, and ends it on withdrawal', async () => {
    const { client } = temporal();
    const taskQueue = uniqueTaskQueue('foundation');
    const worker = await caseWorker(taskQueue);
    const booking = vvrBooking();

    const result = await worker.runUntil(async () => {
      const handle = await client.workflow.start(newcomerCaseWorkflow, {
        taskQueue,
        workflowId: caseWorkflowId(booking.bookingReference),
        args: [booking],
      });
      const view = await handle.query(caseStatusQuery);
      assert.equal(view.status, 'open');
      assert.deepEqual(view.waitingOn, ['desk:check-in']);

      const found = await eventually(async () => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({
          query: `CaseStatus = 'open' AND Municipality = '0935' AND WorkflowId = '${handle.workflowId}'`,
        })) {
          ids.push(wf.workflowId);
        }
        return ids.length === 1 ? ids : undefined;
      });
      assert.deepEqual(found, [handle.workflowId]);

      const afterWithdraw = await handle.executeUpdate(withdrawUpdate, {
        args: [{ actor: { id: 'op-1', role: 'operator' }, reason: 'newcomer moved to Utrecht' }],
      });
      assert.equal(afterWithdraw.status, 'withdrawn');
      assert.equal(afterWithdraw.audit[0]?.actor.id, 'op-1');

      const description = await handle.describe();
      assert.equal(description.typedSearchAttributes.get(CaseStatus), 'withdrawn');
      assert.equal(description.typedSearchAttributes.get(Municipality), '0935');
      return handle.result();
    });

    assert.deepEqual(result, { caseId: caseWorkflowId(booking.bookingReference), status: 'withdrawn' });
  });
});
