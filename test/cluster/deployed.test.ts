import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Role } from '../../workflows/definitions';
import { euBooking } from '../fixtures/bookings';
import { eventually } from '../harness/eventually';
import { externalTemporal } from '../harness/temporal';

const root = path.resolve(__dirname, '..', '..', '..');
const clusterData = path.join(root, '.data', 'cluster');
const apiUrl = process.env.CLUSTER_API_URL ?? 'http://127.0.0.1:13000';
const issuer = process.env.CLUSTER_JWT_ISSUER ?? 'https://login.cluster.test';

/** A JWT as the cluster's issuer would sign it (the API runs with NODE_ENV=production: no development tokens). */
async function bearer(role: Role, sub: string): Promise<string> {
  const secret = new TextEncoder().encode(readFileSync(path.join(clusterData, 'jwt-secret'), 'utf8').trim());
  const jwt = await new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience('one-stop-shop')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(secret);
  return `Bearer ${jwt}`;
}

/** SIGKILL to one of the cluster's worker processes; resolves once it is gone. */
async function killWorker(name: string): Promise<void> {
  const pid = Number(readFileSync(path.join(clusterData, 'run', `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
  await eventually(async () => {
    const stat = await new Promise<string>((resolve) =>
      execFile('ps', ['-o', 'stat=', '-p', String(pid)], (_e, out) => resolve(out.trim())),
    );
    return stat === '' || stat.startsWith('Z') ? true : undefined;
  }, 10_000);
}

describe('the deployed stack of make cluster: the API and two workers over mTLS', () => {
  before(() => assert.ok(externalTemporal, 'test/cluster/ runs against make cluster only: use make test-cluster'));
  // The killed worker comes back, so a cluster left running stays whole.
  after(function () {
    this.timeout(90_000);
    execFileSync(path.join(root, 'scripts', 'cluster', 'services.sh'), ['start'], { stdio: 'ignore' });
  });

  it('is ready: the production API reaches Temporal and refuses development tokens', async () => {
    await request(apiUrl).get('/readyz').expect(200);
    await request(apiUrl).get('/v1/cases').set('authorization', 'Bearer dev-operator').expect(401);
  });

  it('takes a case from booking to completion over HTTP while one of its two workers is killed', async () => {
    const api = request(apiUrl);
    const [bookingSite, desk, expat] = await Promise.all([
      bearer('booking-site', 'booking-site'),
      bearer('desk-officer', 'desk-officer-7'),
      bearer('expat-advisor', 'expat-advisor-3'),
    ]);
    const viewUntil = (caseId: string, predicate: (view: { waitingOn: string[]; status: string }) => boolean) =>
      eventually(async () => {
        const res = await api.get(`/v1/cases/${caseId}`).set('authorization', desk);
        const view = res.body as { waitingOn: string[]; status: string };
        return res.status === 200 && predicate(view) ? view : undefined;
      }, 60_000);

    const created = await api.post('/v1/cases').set('authorization', bookingSite).send(euBooking()).expect(201);
    const { caseId } = created.body as { caseId: string };
    await viewUntil(caseId, (v) => v.waitingOn.includes('desk:check-in'));

    await killWorker('worker-1');
    // 503 while Temporal hands the dead worker's tasks to the other one. An officer's client retries under the same
    // Idempotency-Key: an attempt may have landed before its answer was lost, and its retry is then answered alike.
    const act = (action: string, token: string, body: object) => {
      const key = `${action}-${caseId}`;
      return eventually(async () => {
        const res = await api
          .post(`/v1/cases/${caseId}/actions/${action}`)
          .set('authorization', token)
          .set('idempotency-key', key)
          .send(body);
        return res.status === 503 ? undefined : res;
      }, 60_000);
    };
    const checkedIn = await act('check-in', desk, { identity: 'verified' });
    assert.equal(checkedIn.status, 200, JSON.stringify(checkedIn.body));
    await viewUntil(caseId, (v) => v.waitingOn.includes('expat:advice'));
    assert.equal((await act('record-advice', expat, { outcome: 'given' })).status, 200);
    const done = await viewUntil(caseId, (v) => v.status === 'completed');
    assert.deepEqual(done.waitingOn, []);
  });
});
