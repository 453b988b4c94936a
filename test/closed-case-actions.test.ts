import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { idempotencyOf } from '../api/idempotency';
import { actionUpdateId } from '../api/routes/actions';
import type { CaseView } from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { tokens } from './harness/api';
import { apiStackOfSuite } from './harness/api-stack';
import { startCase, waitForCase } from './harness/case-driver';
import { eventually } from './harness/eventually';
import { temporal, uniqueTaskQueue } from './harness/temporal';

/**
 * A 409 problem whose detail says how the case ended, never the 404 of a case that does not exist: the workflow's
 * own reason while it still runs ("the case is completed; …"), the API's once it has ended ("Case … is completed; …").
 */
function assertEnded(res: Response, how: string): void {
  assert.equal(res.status, 409, `expected 409, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(String(res.body.detail), new RegExp(`is ${how}; it takes no more actions`), res.text);
}

const isClosed = async (caseId: string): Promise<boolean> =>
  (await temporal().client.workflow.getHandle(caseId).describe()).status.name !== 'RUNNING';

describe('api: an action on a case that has just ended answers 409, not 404', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('closed-case-actions');
  const suite = apiStackOfSuite(taskQueue);
  const api = () => suite.api;
  const act = (caseId: string, action: string, token: string, key: string) =>
    api().post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token).set('idempotency-key', key);
  const view = async (caseId: string) =>
    (await api().get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200)).body as CaseView;
  const until = (caseId: string, predicate: (view: CaseView) => boolean, what: string) =>
    waitForCase(() => view(caseId), predicate, what);

  it('keeps answering 409 with the reason while a completed case closes its workflow, and after', async () => {
    const created = await api().post('/v1/cases').set('authorization', tokens.bookingSite).send(euBooking());
    assert.equal(created.status, 201, created.text);
    const caseId = String(created.body.caseId);
    await until(caseId, (v) => v.waitingOn.includes('desk:check-in'), 'waiting on check-in');
    await act(caseId, 'check-in', tokens.desk, 'in-1').send({ identity: 'verified' }).expect(200);
    await until(caseId, (v) => v.waitingOn.includes('expat:advice'), 'waiting on advice');
    await act(caseId, 'record-advice', tokens.expat, 'advice-1').send({ outcome: 'given' }).expect(200);
    // Read every 20 ms, not waitForCase's 200: the actions below must start while the workflow is still closing.
    await eventually(async () => ((await view(caseId)).status === 'completed' ? true : undefined), 30_000, 20);

    // From here the case sends its closing e-mail and ends its workflow; an action may reach it before, during
    // (Temporal then aborts the Update: NOT_FOUND) or after. Each must say the case is completed.
    let attempt = 0;
    let closed = false;
    const deadline = Date.now() + 30_000;
    while (!closed && Date.now() < deadline) {
      closed = await isClosed(caseId);
      attempt += 1;
      const res = await act(caseId, 'record-advice', tokens.expat, `again-${attempt}`).send({ outcome: 'given' });
      assertEnded(res, 'completed');
    }
    assert.ok(closed, 'the case closed its workflow');
  });

  it('answers 409 to an action that waited on a case an operator terminated meanwhile', async () => {
    // No worker polls this queue: the check-in is admitted and waits, until the case ends under it.
    const handle = await startCase(uniqueTaskQueue('closed-case-unrun'), vvrBooking());
    const caseId = handle.workflowId;
    const key = 'waits-on-terminated';
    const body = { identity: 'verified' };
    const pending = act(caseId, 'check-in', tokens.desk, key)
      .send(body)
      .then((res) => res);
    const { fingerprint } = idempotencyOf(key, 'check-in', body, { id: 'desk-officer-1', role: 'desk-officer' });
    const updateRef = {
      workflowExecution: { workflowId: caseId },
      updateId: actionUpdateId('check-in', key, fingerprint),
    };
    await eventually(async () => {
      await temporal().client.workflowService.pollWorkflowExecutionUpdate({
        namespace: temporal().namespace,
        updateRef,
      });
      return true;
    }, 30_000);
    await handle.terminate('an operator ends the case in the Temporal UI');

    assertEnded(await pending, 'terminated');
  });

  it('says how a case ended: withdrawn, and an action on a case that never existed stays 404', async () => {
    const created = await api().post('/v1/cases').set('authorization', tokens.bookingSite).send(vvrBooking());
    const caseId = String(created.body.caseId);
    await act(caseId, 'withdraw', tokens.operator, 'w-1').send({ reason: 'closing it for the test' }).expect(200);
    await eventually(async () => ((await isClosed(caseId)) ? true : undefined), 30_000);

    const res = await act(caseId, 'check-in', tokens.desk, 'late-1').send({ identity: 'verified' });
    assertEnded(res, 'withdrawn');
    assert.equal(res.body.detail, `Case ${caseId} is withdrawn; it takes no more actions.`);

    const missing = await act('case-NEVER-BOOKED-1', 'check-in', tokens.desk, 'nb-1').send({ identity: 'verified' });
    assert.equal(missing.status, 404, missing.text);
    assert.equal(missing.body.detail, 'There is no case case-NEVER-BOOKED-1.');
  });
});
