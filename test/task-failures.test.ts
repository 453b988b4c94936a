import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { defaultStuckNorms, findStuckCases } from '../operator/stuck';
import type { UnrunnableCaseView } from '../lib/temporal/visibility';
import type { Booking } from '../domain/booking';
import type { CaseView } from '../workflows/definitions';
import { euBooking } from './fixtures/bookings';
import { apiTokensWithOtherSite, otherSiteToken, testApp, tokens } from './harness/api';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { runCases } from './harness/operator-cli';
import { readmeQuery } from './harness/readme-links';
import { temporal, testDataConverter } from './harness/temporal';

type Api = ReturnType<typeof request>;

const apiTokens = apiTokensWithOtherSite;
const otherSite = otherSiteToken;

/** Books a case through the API and waits until it waits on the desk's check-in; its id. */
async function bookedAwaitingCheckIn(api: Api, booking: Booking): Promise<string> {
  const created = await api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
  // 202 when the worker did not answer within this test's short action timeout: started all the same.
  assert.ok([201, 202].includes(created.status), created.text);
  const id = (created.body as { caseId: string }).caseId;
  await eventually(async () => {
    const res = await api.get(`/v1/cases/${id}`).set('authorization', tokens.desk);
    return (res.body as CaseView).waitingOn?.includes('desk:check-in') ? true : undefined;
  }, 60_000);
  return id;
}

describe('a case whose workflow cannot run (a bad deploy)', () => {
  const stack = useCaseStack({ name: 'task-failures' });

  it('still answers, says it needs an operator and how to repair it, changes nothing, and resumes once fixed', async function () {
    this.timeout(300_000);
    const api = request(
      testApp({ taskQueue: stack.taskQueue, actionTimeoutMs: 3_000, env: { API_TOKENS: apiTokens } }),
    );
    const booking = euBooking();
    const caseId = await stack.runWorkers(() => bookedAwaitingCheckIn(api, booking));
    const checkIn = () =>
      api.post(`/v1/cases/${caseId}/actions/check-in`).set('authorization', tokens.desk).send({ identity: 'verified' });

    // A build that throws on every workflow task takes over the queue.
    const broken = await Worker.create({
      connection: temporal().nativeConnection,
      taskQueue: stack.taskQueue,
      workflowsPath: path.resolve(__dirname, 'fixtures', 'broken-build', 'index.js'),
      dataConverter: testDataConverter,
    });
    await broken.runUntil(async () => {
      // The desk's check-in makes the broken build run the case; Temporal refuses Updates once its task failed.
      const refused = await eventually(async () => {
        const res = await checkIn();
        return res.status === 503 && /cannot run/.test((res.body as { detail: string }).detail) ? res : undefined;
      }, 60_000);
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.match((refused.body as { detail: string }).detail, /nothing was changed.*temporal workflow reset/s);

      const view = (await api.get(`/v1/cases/${caseId}`).set('authorization', tokens.bookingSite).expect(200))
        .body as UnrunnableCaseView;
      assert.equal(view.status, 'open');
      assert.equal(view.needsOperator.problem, 'workflow-task-failing');
      assert.equal(view.needsOperator.cause, 'WorkflowWorkerUnhandledFailure');
      assert.deepEqual(view.waitingOn, ['desk:check-in'], 'its state as last indexed');
      assert.equal(view.municipalityCode, booking.residence.municipalityCode);
      const text = JSON.stringify(view);
      for (const personal of [booking.person.familyName, booking.person.email, booking.person.passportNumber]) {
        assert.ok(!text.includes(personal), 'no personal data: it comes from visibility');
      }
      // What Temporal indexed does not say who booked the case; its start does: another site reads it as unknown.
      const byOther = await api.get(`/v1/cases/${caseId}`).set('authorization', otherSite).expect(404);
      assert.doesNotMatch(byOther.text, /desk:check-in|open/);

      const callback = await api
        .post('/v1/agency-callbacks/ind/card-ready')
        .set('authorization', tokens.agency)
        .send({ caseRef: caseId, orderId: 'ORD-1' });
      assert.equal(callback.status, 503, 'the agency retries once the case runs again');

      const stuck = await eventually(async () => {
        const { cases } = await findStuckCases(temporal().client, new Date(), defaultStuckNorms);
        return cases.find((c) => c.caseId === caseId);
      }, 60_000);
      assert.deepEqual(
        stuck.reasons.map((r) => r.kind),
        ['task-failing'],
      );
      // The README's saved query, as an operator opens its link, lists the case too.
      const saved = `${readmeQuery('`TemporalReportedProblems IS NOT NULL`')} AND WorkflowId = '${caseId}'`;
      await eventually(async () => ((await temporal().client.workflow.count(saved)).count === 1 ? true : undefined));
      const listed = await runCases(['stuck'], { TEMPORAL_TASK_QUEUE: stack.taskQueue });
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${caseId} .*task-failing .*WorkflowWorkerUnhandledFailure`));
      const shown = await runCases(['show', caseId], { TEMPORAL_TASK_QUEUE: stack.taskQueue });
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /NEEDS AN OPERATOR[\s\S]*waiting on: desk:check-in/);
      const retry = await runCases(['retry', caseId, 'check-in'], { TEMPORAL_TASK_QUEUE: stack.taskQueue });
      assert.equal(retry.code, 1);
      assert.match(retry.stderr, /last workflow tasks failed, so it takes no actions/);
    });

    // The fixed build is deployed: the case resumes at Temporal's next attempt and takes the check-in once.
    const after = await stack.runWorkers(async () => {
      const view = await eventually(
        async () => {
          const res = await api.get(`/v1/cases/${caseId}`).set('authorization', tokens.desk);
          return res.status === 200 && 'steps' in (res.body as object) ? (res.body as CaseView) : undefined;
        },
        120_000,
        1_000,
      );
      assert.deepEqual(view.waitingOn, ['desk:check-in']);
      const done = await checkIn().expect(200);
      return done.body as CaseView;
    });
    assert.equal(after.audit.filter((a) => a.action === 'check-in').length, 1);
  });

  it('a case that ended but no build replays still answers GET, from what Temporal indexed, and says why', async function () {
    this.timeout(300_000);
    const api = request(testApp({ taskQueue: stack.taskQueue, actionTimeoutMs: 3_000 }));
    const booking = euBooking();
    const caseId = await stack.runWorkers(async () => {
      const id = await bookedAwaitingCheckIn(api, booking);
      await api
        .post(`/v1/cases/${id}/actions/withdraw`)
        .set('authorization', tokens.bookingSite)
        .send({ reason: 'moved away' })
        .expect(200);
      await temporal().client.workflow.getHandle(id).result();
      return id;
    });

    // A build rewritten without patched() takes over the queue: a query of the ended case replays on it, and fails.
    const rewritten = await Worker.create({
      connection: temporal().nativeConnection,
      taskQueue: stack.taskQueue,
      workflowsPath: path.resolve(__dirname, 'fixtures', 'rewritten-build', 'index.js'),
      dataConverter: testDataConverter,
    });
    await rewritten.runUntil(async () => {
      const view = (await api.get(`/v1/cases/${caseId}`).set('authorization', tokens.desk).expect(200))
        .body as UnrunnableCaseView;
      assert.equal(view.status, 'withdrawn', 'its status as last indexed');
      assert.equal(view.needsOperator.problem, 'history-does-not-replay');
      assert.match(view.needsOperator.detail, /could not replay the case's history .*\(it has ended\)/);
      assert.match(view.needsOperator.next, /without patched\(\)/);
      const shown = await runCases(['show', caseId], { TEMPORAL_TASK_QUEUE: stack.taskQueue });
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`^${caseId}  withdrawn, NEEDS AN OPERATOR: a worker could not replay`));
      // An action is refused as before, with how the case ended.
      const late = await api
        .post(`/v1/cases/${caseId}/actions/check-in`)
        .set('authorization', tokens.desk)
        .send({ identity: 'verified' });
      assert.equal(late.status, 409, late.text);
    });
  });
});
