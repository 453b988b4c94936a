import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import request from 'supertest';
import { deskToday } from '../api/desk/layout';
import { deskLocalTime } from '../domain/dates';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import { euBooking } from './fixtures/bookings';
import { testApp, tokens } from './harness/api';
import { eventually } from './harness/eventually';
import type { CaseWorkers } from '../worker/create-worker';
import { caseWorkers, temporal, testDataConverter, uniqueTaskQueue } from './harness/temporal';

/** A connection that counts each call to Temporal's WorkflowService by its method. */
async function countingConnection(): Promise<{ connection: Connection; calls: string[] }> {
  const calls: string[] = [];
  const connection = await Connection.connect({ address: temporal().connection.options.address });
  const service = connection.workflowService;
  const counted = new Proxy(service, {
    get(target, method, receiver) {
      const value = Reflect.get(target, method, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(method));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  Object.defineProperty(connection, 'workflowService', { value: counted });
  return { connection, calls };
}

describe('desk console: the day list asks Temporal once per case, plus the search', function () {
  this.timeout(180_000);
  const cases = 5;
  let sandbox: StartedSandbox;
  let workers: CaseWorkers;
  let running: Promise<void>;
  let connection: Connection;
  let calls: string[];
  let app: Express;
  // A day of its own: no other suite books it.
  const day = deskToday(new Date(Date.now() + 297 * 86_400_000));

  before(async () => {
    const taskQueue = uniqueTaskQueue('desk-day-calls');
    sandbox = await startSandbox({ callbackToken: 'dev-agency' });
    workers = await caseWorkers(taskQueue, { sandboxUrl: sandbox.url });
    running = workers.run();
    ({ connection, calls } = await countingConnection());
    const client = new Client({ connection, namespace: temporal().namespace, dataConverter: testDataConverter });
    app = testApp({ taskQueue, client, connection });
    for (let i = 0; i < cases; i += 1) {
      const booking = euBooking({
        bookingReference: `BK-DAYCALLS-${Date.now().toString(36)}-${i}`,
        appointment: { location: 'MIC-Maastricht', startsAt: deskLocalTime(`${day}T1${i}:00`)!.toISOString() },
      });
      const res = await request(app).post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => {
    workers?.shutdown();
    await running;
    await sandbox?.close();
    await connection?.close();
  });

  it(`shows a day of ${cases} cases with ${cases} case calls and one search`, async () => {
    const signIn = await request(app).post('/desk/sign-in').type('form').send({ token: 'dev-desk-officer' });
    const cookie = (signIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const dayList = () => request(app).get(`/desk?date=${day}`).set('cookie', cookie).expect(200);
    await eventually(
      async () => ((await dayList()).text.match(/href="\/desk\/cases\//g)?.length === cases ? true : undefined),
      60_000,
      500,
    );

    calls.length = 0;
    const page = await dayList();
    assert.equal(page.text.match(/href="\/desk\/cases\//g)?.length, cases);
    assert.match(page.text, /check-in|aanmelding/);
    const byMethod: Record<string, number> = {};
    for (const method of calls) byMethod[method] = (byMethod[method] ?? 0) + 1;
    // Reported in the test's title when it fails: how many calls the page cost, and which.
    assert.deepEqual(byMethod, { listWorkflowExecutions: 1, queryWorkflow: cases }, JSON.stringify(byMethod));
  });
});
