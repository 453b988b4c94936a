import assert from 'node:assert/strict';
import type { CaseView } from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { tokens } from './harness/api';
import { apiStackOfSuite } from './harness/api-stack';
import { uniqueTaskQueue } from './harness/temporal';

const stepOf = (view: CaseView, name: string) => view.steps.find((s) => s.name === name);

/**
 * The first round answered a booking with every step blocked and a check-in with `desk:check-in` still waited
 * on: each answer was read before the case had acted on the request.
 */
describe('fresh answers: the API answers with the case after the request took effect', function () {
  this.timeout(180_000);
  const suite = apiStackOfSuite(uniqueTaskQueue('fresh'));

  const book = (booking: object) => suite.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);

  it('a new booking is answered 201 with its steps begun and what the case waits on', async () => {
    const eu = await book(euBooking());
    assert.equal(eu.status, 201, eu.text);
    const euCase = eu.body.case as CaseView;
    assert.equal(stepOf(euCase, 'eligibility')?.state, 'done');
    assert.deepEqual(euCase.waitingOn, ['desk:check-in']);

    const vvr = await book(vvrBooking());
    assert.equal(vvr.status, 201, vvr.text);
    const vvrCase = vvr.body.case as CaseView;
    assert.notEqual(stepOf(vvrCase, 'eligibility')?.state, 'blocked', 'the sponsor check has begun');
    assert.ok(vvrCase.waitingOn.length > 0, `waits on nothing: ${JSON.stringify(vvrCase.steps)}`);
  });

  it('the same booking again is 200 with the same case, read from Temporal', async () => {
    const booking = euBooking();
    const first = await book(booking);
    const again = await book(booking);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.caseId, first.body.caseId);
    assert.deepEqual(again.body.case.waitingOn, ['desk:check-in']);
  });

  it("an officer's action is answered with its immediate effects: the step done, the next one running", async () => {
    const created = await book(euBooking());
    const caseId = String(created.body.caseId);
    const res = await suite.api
      .post(`/v1/cases/${caseId}/actions/check-in`)
      .set('authorization', tokens.desk)
      .send({ identity: 'verified' });
    assert.equal(res.status, 200, res.text);
    const view = res.body as CaseView;
    assert.deepEqual(stepOf(view, 'check-in'), { name: 'check-in', state: 'done', outcome: 'verified' });
    assert.ok(!view.waitingOn.includes('desk:check-in'), `still waits on the check-in: ${view.waitingOn.join(', ')}`);
    assert.equal(stepOf(view, 'advice')?.waitingOn, 'expat:advice', 'advice waits for the check-in only');
    assert.ok(view.waitingOn.includes('expat:advice'));
  });
});
