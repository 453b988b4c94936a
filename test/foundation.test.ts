import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';

import { CaseStatus, Municipality } from '../workflows/search-attributes';
import { temporal as proto } from '@temporalio/proto';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, checkIn, startCase, waitingOn } from './harness/case-driver';
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
      // Check-in waits for nobody; the application is filed once the sponsor check passed.
      await waitingOn(handle, 'ind:decision');

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

  it("writes a case's search attributes once per workflow task, however many steps an action moves", async () => {
    const { taskQueue } = stack;
    const EventType = proto.api.enums.v1.EventType;
    const history = await stack.runWorkers(async () => {
      const handle = await startCase(taskQueue, euBooking());
      // Check-in ends its step, starts BRP and advice and stops the no-show clock: four changes, one write.
      const view = await checkIn(handle);
      assert.deepEqual([...view.waitingOn].sort(), ['agency:brp', 'expat:advice']);
      await handle.executeUpdate(caseActions.withdraw.update, {
        args: [{ actor: actors.operator, reason: 'test done' }],
      });
      await handle.result();
      return handle.fetchHistory();
    });
    const events = history.events ?? [];
    // The SDK writes TemporalChangeVersion beside each patch marker; the case's own writes carry CaseStatus.
    const caseWrites = (from: number, to: number) =>
      events
        .slice(from, to)
        .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        .filter((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CaseStatus);
    const accepted = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    const checkInAt = events.findIndex(
      (e, i) => i > accepted && e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    );
    const nextTask = events.findIndex(
      (e, i) => i > checkInAt && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    );
    assert.ok(checkInAt > 0 && nextTask > checkInAt, 'the check-in and the task after it are in the history');
    assert.equal(caseWrites(checkInAt, nextTask).length, 1, 'one write for the check-in and what it moved');
    const last = caseWrites(0, events.length).at(-1);
    const status = last?.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CaseStatus;
    assert.equal(Buffer.from(status!.data!).toString(), '"withdrawn"', 'the last write is the closed case');
  });
});
