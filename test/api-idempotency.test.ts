import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { apiStackOfSuite } from './harness/api-stack';
import { type Response } from 'supertest';
import type { Booking } from '../domain/booking';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { bookingFingerprint } from '../api/booking-fingerprint';
import { parsePayloadKeys } from '../lib/encryption';
import { newcomerCaseWorkflow } from '../workflows';
import { caseStatusQueryDescription, type CaseView, type NewcomerCaseInput } from '../workflows/definitions';
import { tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { temporal, testPayloadKeysSpec, uniqueTaskQueue } from './harness/temporal';

const keys = parsePayloadKeys(testPayloadKeysSpec);

/** Every run of a workflow id the visibility store knows, once it knows at least one. */
async function runsOf(workflowId: string): Promise<string[]> {
  return eventually(async () => {
    const runs: string[] = [];
    for await (const run of temporal().client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs.push(run.runId);
    }
    return runs.length > 0 ? runs : undefined;
  });
}

describe('api: a booking starts its case once', function () {
  this.timeout(180_000);
  const taskQueue = uniqueTaskQueue('api-idempotency');
  const suite = apiStackOfSuite(taskQueue);

  const book = (booking: unknown): Promise<Response> =>
    suite.api
      .post('/v1/cases')
      .set('authorization', tokens.bookingSite)
      .send(booking as object);

  it('answers the same booking twice with 201, then 200 and the same case', async () => {
    const booking = vvrBooking();
    const first = await book(booking);
    assert.equal(first.status, 201, first.text);
    const second = await book(booking);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.caseId, first.body.caseId);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(second.body.case.bookingReference, booking.bookingReference);
    const caseId = String(first.body.caseId);
    assert.deepEqual(await runsOf(caseId), [await runIdOf(caseId)], 'one booking, one workflow run');
  });

  it('answers a repeat that differs only in JSON spelling (key order, whitespace) as the same booking', async () => {
    const booking = vvrBooking();
    await book(booking).then((res) => assert.equal(res.status, 201, res.text));
    const reordered = Object.fromEntries(Object.entries(booking).reverse());
    const res = await suite.api
      .post('/v1/cases')
      .set('authorization', tokens.bookingSite)
      .set('content-type', 'application/json')
      .send(JSON.stringify(reordered, null, 2));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.caseId, `case-${booking.bookingReference}`);
  });

  it('answers ten identical bookings at once with one 201 and nine 200, all for one workflow run', async () => {
    const booking = vvrBooking();
    const answers = await Promise.all(Array.from({ length: 10 }, () => book(booking)));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(
      statuses,
      [200, 200, 200, 200, 200, 200, 200, 200, 200, 201],
      answers.map((r) => r.text).join('\n'),
    );
    const caseIds = new Set(answers.map((r) => r.body.caseId as string));
    assert.deepEqual([...caseIds], [`case-${booking.bookingReference}`]);
    const runs = await runsOf(`case-${booking.bookingReference}`);
    assert.equal(runs.length, 1, `one booking, one workflow run; found ${runs.join(', ')}`);
  });

  it('answers the same reference with other content with 409 naming the reference, and keeps the first case', async () => {
    const booking = vvrBooking();
    const first = await book(booking);
    assert.equal(first.status, 201, first.text);
    const other: Booking = { ...booking, person: { ...booking.person, givenNames: 'Priyanka' } };
    const res = await book(other);
    assert.equal(res.status, 409, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.body.status, 409);
    assert.equal(res.body.requestId, res.headers['x-request-id']);
    assert.ok(String(res.body.detail).includes(booking.bookingReference), `409 detail: ${res.body.detail}`);
    assert.equal((await runsOf(`case-${booking.bookingReference}`)).length, 1);
    const again = await book(booking);
    assert.equal(again.status, 200, 'the original booking still finds its case');
  });

  it('keeps a keyed fingerprint of the booking; the case answers one query, caseStatus, and not the booking', async () => {
    const booking = euBooking();
    const first = await book(booking);
    assert.equal(first.status, 201, first.text);
    const handle = temporal().client.workflow.getHandle(String(first.body.caseId));
    const input = await startedInput(String(first.body.caseId));
    assert.match(String(input.bookingFingerprint), /^hmac-sha256:fixtures:[A-Za-z0-9_-]{43}$/);
    const metadata = await handle.query<{
      definition: { queryDefinitions: { name: string; description?: string }[] };
    }>('__temporal_workflow_metadata');
    assert.deepEqual(
      metadata.definition.queryDefinitions.filter((q) => !q.name.startsWith('__')),
      [{ name: 'caseStatus', description: caseStatusQueryDescription }],
    );
    // By type, not by text: a refused query's reason is a failure message, which the failure converter encrypts, and
    // Temporal hands a client only that message ("Encoded failure"), not the encrypted failure.
    await assert.rejects(handle.query('caseBooking'), (err: Error) => err.name === 'QueryNotRegisteredError');
  });

  it('compares a repeat with the fingerprint the case keeps, not with the booking in its input', async () => {
    const booking = euBooking();
    const other: Booking = { ...booking, person: { ...booking.person, givenNames: 'Priyanka' } };
    const caseId = `case-${booking.bookingReference}`;
    await temporal().client.workflow.start(newcomerCaseWorkflow, {
      taskQueue,
      workflowId: caseId,
      args: [
        { booking, bookedBy: 'booking-site', bookingFingerprint: bookingFingerprint(other, 'booking-site', keys) },
      ],
    });
    assert.equal((await book(other)).status, 200, 'the fingerprint is what the case keeps of its booking');
    const res = await book(booking);
    assert.equal(res.status, 409, res.text);
  });

  it('still matches repeats of a case started before cases kept a fingerprint: the same 200, other content 409', async () => {
    const booking = euBooking();
    const caseId = `case-${booking.bookingReference}`;
    await temporal().client.workflow.start(newcomerCaseWorkflow, {
      taskQueue,
      workflowId: caseId,
      args: [{ booking, bookedBy: 'booking-site' }],
    });
    const same = await book(booking);
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.caseId, caseId);
    const other = await book({ ...booking, person: { ...booking.person, familyName: 'Jansen' } });
    assert.equal(other.status, 409, other.text);
  });

  it('answers the same booking after its case closed with 200 and the closed case, not a new one', async () => {
    const booking = vvrBooking();
    const first = await book(booking);
    assert.equal(first.status, 201, first.text);
    const caseId = String(first.body.caseId);
    await suite.api
      .post(`/v1/cases/${caseId}/actions/withdraw`)
      .set('authorization', tokens.bookingSite)
      .send({ reason: 'the job offer fell through' })
      .expect(200);
    const result = (await temporal().client.workflow.getHandle(caseId).result()) as { status: string };
    assert.equal(result.status, 'withdrawn');

    const res = await book(booking);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.caseId, caseId);
    assert.equal(res.body.status, 'withdrawn');
    assert.equal((await runsOf(caseId)).length, 1, 'no second run of the case');
  });
});

/** The input the case was started with, as the API reads it for a repeated booking. */
async function startedInput(workflowId: string): Promise<NewcomerCaseInput> {
  const history = await temporal().client.workflow.getHandle(workflowId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [input] = await decodeArrayFromPayloads(temporal().client.options.loadedDataConverter, payloads);
  return input as NewcomerCaseInput;
}

async function runIdOf(workflowId: string): Promise<string> {
  const description = await temporal().client.workflow.getHandle(workflowId).describe();
  return description.runId;
}

describe('api: an officer action under an idempotency key', function () {
  this.timeout(180_000);
  const suite = apiStackOfSuite(uniqueTaskQueue('api-idempotency-key'));

  /** A new EU case, waiting on the desk's check-in. */
  async function waitingCase(): Promise<string> {
    const created = await suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(euBooking());
    assert.equal(created.status, 201, created.text);
    const caseId = String(created.body.caseId);
    await eventually(async () => {
      const res = await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.desk);
      return (res.body as CaseView).waitingOn?.includes('desk:check-in') ? true : undefined;
    }, 30_000);
    return caseId;
  }
  const checkIn = (caseId: string, identity: string) =>
    suite.api.post(`/v1/cases/${caseId}/actions/check-in`).set('authorization', tokens.desk).send({ identity });
  const auditOf = async (caseId: string): Promise<CaseView['audit']> =>
    ((await suite.api.get(`/v1/cases/${caseId}`).set('authorization', tokens.operator).expect(200)).body as CaseView)
      .audit;

  for (const header of ['Idempotency-Key', 'x-request-id'] as const) {
    it(`applies a retry under the same ${header} once and answers it alike; another body under it is 422`, async () => {
      const caseId = await waitingCase();
      const key = `desk-7-${randomUUID()}`;
      const sent = header === 'Idempotency-Key' ? `"${key}"` : key;
      const first = await checkIn(caseId, 'verified').set(header, sent);
      assert.equal(first.status, 200, first.text);
      const retry = await checkIn(caseId, 'verified').set(header, sent);
      assert.equal(retry.status, 200, retry.text);
      assert.deepEqual(retry.body, first.body, 'the retry is answered with the first answer');

      const before = await auditOf(caseId);
      const other = await checkIn(caseId, 'in-doubt').set(header, sent);
      assert.equal(other.status, 422, other.text);
      assert.match(String(other.headers['content-type']), /^application\/problem\+json/);
      assert.match(String(other.body.detail), /already used for another request.*nothing was changed/);
      assert.equal(other.body.requestId, other.headers['x-request-id']);
      const otherAction = await suite.api
        .post(`/v1/cases/${caseId}/actions/withdraw`)
        .set('authorization', tokens.bookingSite)
        .set(header, sent)
        .send({ reason: 'changed plans' });
      assert.equal(otherAction.status, 422, 'the same key for another action, by another caller, too');
      assert.deepEqual(await auditOf(caseId), before, 'neither changed the case');
      assert.equal(before.filter((a) => a.action === 'check-in').length, 1);
    });
  }

  it('refuses a malformed Idempotency-Key with 400 before touching the case', async () => {
    const caseId = await waitingCase();
    for (const bad of ['', 'a key with spaces', 'x'.repeat(300)]) {
      const res = await checkIn(caseId, 'verified').set('Idempotency-Key', bad);
      assert.equal(res.status, 400, `${JSON.stringify(bad.slice(0, 20))}: ${res.text}`);
      assert.match(String(res.body.detail), /Idempotency-Key/);
    }
    assert.equal((await auditOf(caseId)).filter((a) => a.action === 'check-in').length, 0);
  });
});
