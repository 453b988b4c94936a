import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import { vvrBooking } from './fixtures/bookings';
import { eventually } from './harness/eventually';
import { testApp, tokens } from './harness/api';
import { sandboxAdmin } from './harness/sandbox-admin';
import { caseWorkers, uniqueTaskQueue } from './harness/temporal';

describe('the VVR journey over HTTP only, with IND calling back', () => {
  let sandbox: StartedSandbox;
  let server: Server;
  let apiUrl: string;
  const taskQueue = uniqueTaskQueue('api-journey');

  before(async () => {
    server = testApp({ taskQueue }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sandbox = await startSandbox({ callbackToken: 'dev-agency' });
  });
  after(async () => {
    await sandbox.close();
    server.close();
  });

  it('books, checks in, captures biometrics, gets the decision and the card by call-back, and completes', async () => {
    const workers = await caseWorkers(taskQueue, {
      sandboxUrl: sandbox.url,
      // No polling in this test: decisions and cards reach the case only through the API's call-back endpoint.
      agencyOverrides: { IND_CALLBACK_URL: `${apiUrl}/v1/agency-callbacks/ind`, IND_POLL_INTERVAL_MS: '3600000' },
    });
    const admin = sandboxAdmin(sandbox.url);
    const api = request(apiUrl);
    const act = (caseId: string, action: string, token: string, body: object = {}) =>
      api.post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token).send(body);
    const viewUntil = (caseId: string, predicate: (view: { waitingOn: string[]; status: string }) => boolean) =>
      eventually(async () => {
        const res = await api.get(`/v1/cases/${caseId}`).set('authorization', tokens.desk).expect(200);
        const view = res.body as { waitingOn: string[]; status: string };
        return predicate(view) ? (res.body as { waitingOn: string[]; results: Record<string, string> }) : undefined;
      }, 30_000);

    await workers.runUntil(async () => {
      const created = await api
        .post('/v1/cases')
        .set('authorization', tokens.bookingSite)
        .send(vvrBooking())
        .expect(201);
      const { caseId } = created.body as { caseId: string };
      assert.equal(created.headers.location, `/v1/cases/${caseId}`);

      await viewUntil(caseId, (v) => v.waitingOn.includes('desk:check-in'));
      await act(caseId, 'check-in', tokens.desk, { identity: 'verified' }).expect(200);
      await viewUntil(caseId, (v) => v.waitingOn.includes('ind:biometrics'));
      const early = await act(caseId, 'hand-over-card', tokens.desk).expect(409);
      assert.match(String(early.body.detail), /not ready/);
      await act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-HTTP-1' }).expect(200);

      const pending = await viewUntil(caseId, (v) => v.waitingOn.includes('ind:decision'));
      await admin.decide(pending.results.indApplicationNumber!, 'granted');
      await viewUntil(caseId, (v) => v.waitingOn.includes('ind:card'));
      const card = [...sandbox.state.cards.values()].find((c) => c.caseRef === caseId);
      await admin.cardReady(card!.orderId);
      await viewUntil(caseId, (v) => v.waitingOn.includes('desk:card-hand-over'));
      await act(caseId, 'hand-over-card', tokens.desk).expect(200);
      await act(caseId, 'record-advice', tokens.expat, { outcome: 'given' }).expect(200);

      const done = await viewUntil(caseId, (v) => v.status === 'completed');
      assert.deepEqual(done.waitingOn, []);
      const delivered = sandbox.state.callbacks.filter((c) => c.body.caseRef === caseId).map((c) => c.status);
      assert.deepEqual(delivered, [202, 202]);
    });
  });
});
