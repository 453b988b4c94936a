import assert from 'node:assert/strict';
import request from 'supertest';
import { bookingSiteFields } from '../api/case-views';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import type { CaseView } from '../workflows/definitions';
import type { CaseWorkers } from '../worker/create-worker';
import { euBooking } from './fixtures/bookings';
import { apiTokensWithOtherSite, otherSiteToken, testApp, tokens } from './harness/api';
import { eventually } from './harness/eventually';
import { caseWorkers, uniqueTaskQueue } from './harness/temporal';

const apiTokens = apiTokensWithOtherSite;
const otherSite = otherSiteToken;

describe('api: what each role sees of a case, and which cases a booking site may touch', function () {
  this.timeout(90_000);
  const taskQueue = uniqueTaskQueue('api-views');
  let sandbox: StartedSandbox;
  let workers: CaseWorkers;
  let running: Promise<void>;
  let api: ReturnType<typeof request>;
  const booking = euBooking({ services: ['brp-registration', 'advice'] });
  let caseId: string;
  let bsn: string;

  before(async () => {
    sandbox = await startSandbox({ callbackToken: 'dev-agency' });
    workers = await caseWorkers(taskQueue, { sandboxUrl: sandbox.url });
    running = workers.run();
    api = request(testApp({ taskQueue, env: { API_TOKENS: apiTokens } }));

    const created = await api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
    assert.equal(created.status, 201, created.text);
    caseId = String(created.body.caseId);
    assert.equal(created.body.case.results, undefined, 'the booking site is answered with its view');
    await api
      .post(`/v1/cases/${caseId}/actions/check-in`)
      .set('authorization', tokens.desk)
      .send({ identity: 'verified' })
      .expect(200);
    bsn = await eventually(async () => {
      const res = await api.get(`/v1/cases/${caseId}`).set('authorization', tokens.desk);
      return (res.body as CaseView).results?.bsn;
    }, 60_000);
  });
  after(async () => {
    workers.shutdown();
    await running;
    await sandbox.close();
  });

  const read = (token: string) => api.get(`/v1/cases/${caseId}`).set('authorization', token);

  for (const [role, token] of [
    ['desk-officer', tokens.desk],
    ['ind-officer', tokens.ind],
  ] as const) {
    it(`${role}: the whole case, the BSN included`, async () => {
      const view = (await read(token).expect(200)).body as CaseView;
      assert.equal(view.results.bsn, bsn);
      assert.ok(view.audit.length > 0);
    });
  }

  for (const [role, token] of [
    ['expat-advisor', tokens.expat],
    ['operator', tokens.operator],
  ] as const) {
    it(`${role}: the whole case but the BSN`, async () => {
      const res = await read(token).expect(200);
      const view = res.body as CaseView;
      assert.ok(view.audit.length > 0 && view.steps.length > 0);
      assert.equal(view.results.bsn, undefined);
      assert.ok(!res.text.includes(bsn), 'the BSN appears nowhere in the answer');
    });
  }

  it('the booking site that booked it sees where it stands, and no results, references or audit trail', async () => {
    const res = await read(tokens.bookingSite).expect(200);
    assert.deepEqual(
      Object.keys(res.body as object).filter((k) => !(bookingSiteFields as readonly string[]).includes(k)),
      [],
    );
    assert.ok((res.body as CaseView).waitingOn.includes('expat:advice'));
    for (const secret of [bsn, booking.person.passportNumber, booking.person.familyName, booking.person.email]) {
      assert.ok(!res.text.includes(secret), 'no personal data');
    }
  });

  it('an agency reads no case', async () => {
    assert.equal((await read(tokens.agency)).status, 403);
  });

  it('another booking site cannot read, reschedule, withdraw or re-book the case, and changes nothing', async () => {
    const before = ((await read(tokens.operator).expect(200)).body as CaseView).audit.length;
    const readByOther = await read(otherSite);
    assert.equal(readByOther.status, 404, 'as if there were no such case');
    const withdraw = await api
      .post(`/v1/cases/${caseId}/actions/withdraw`)
      .set('authorization', otherSite)
      .send({ reason: 'not ours' });
    assert.equal(withdraw.status, 404, withdraw.text);
    assert.equal(withdraw.body.detail, `There is no case ${caseId}.`);
    const reschedule = await api
      .post(`/v1/cases/${caseId}/actions/reschedule`)
      .set('authorization', otherSite)
      .send({ startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    assert.equal(reschedule.status, 404, reschedule.text);
    const rebook = await api.post('/v1/cases').set('authorization', otherSite).send(booking);
    assert.equal(rebook.status, 409, 'the same booking from another site does not reveal the case');
    assert.equal(rebook.body.caseId, undefined, rebook.text);
    assert.match(String(rebook.body.detail), /is taken; use a new one/);
    assert.equal(((await read(tokens.operator).expect(200)).body as CaseView).audit.length, before);
  });

  it('the booking site that booked it may withdraw it, and is answered with its own view', async () => {
    const res = await api
      .post(`/v1/cases/${caseId}/actions/withdraw`)
      .set('authorization', tokens.bookingSite)
      .send({ reason: 'the newcomer cancelled' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.audit, undefined);
    assert.equal(res.body.results, undefined);
  });
});
