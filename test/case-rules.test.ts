import assert from 'node:assert/strict';
import request from 'supertest';
import type { Booking } from '../domain/booking';
import type { CaseView } from '../workflows/definitions';
import type { CaseSettings } from '../workflows/settings';
import { vvrBooking } from './fixtures/bookings';
import { testApp, tokens } from './harness/api';
import { startCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';

/**
 * The desk's rules of issue 12 (items 1 to 5), each as the people at the desk meet them: over the API, with the
 * real server, workers and agency sandbox.
 */
describe('case rules: biometrics, reasons, TEV, IND terms and inadmissibility', () => {
  const stack = useCaseStack({ name: 'rules' });

  /** The API and workers of the current test; `fn` drives the desk through `desk`. */
  async function atTheDesk<T>(fn: (desk: Desk) => Promise<T>, settings?: CaseSettings): Promise<T> {
    const api = request(testApp({ taskQueue: stack.taskQueue }));
    return stack.runWorkers(() => fn(new Desk(api, stack)), settings ? { settings } : {});
  }

  describe('1. biometrics before a card', () => {
    it('refuses a VVR booking without the biometrics service at intake, and starts no case', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({ services: ['brp-registration', 'residence-permit'] });
        const res = await desk.book(booking);
        assert.equal(res.status, 422, res.text);
        assert.match(String(res.body.detail), /without an MVV needs the biometrics service/);
        await desk.api.get(`/v1/cases/case-${booking.bookingReference}`).set('authorization', tokens.desk).expect(404);
        const tevWithoutMvv = vvrBooking({
          permit: { route: 'tev', mvvIssued: false },
          services: ['residence-permit'],
        });
        assert.equal((await desk.book(tevWithoutMvv)).status, 422);
      });
    });

    it('an MVV holder whose embassy prints are unusable gets the card only after accepted biometrics', async () => {
      await atTheDesk(async (desk) => {
        const booking = tevWithMvv('IND-TEV-2001');
        const caseId = await desk.bookOk(booking);
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:embassy-prints'));
        await desk.act(caseId, 'record-embassy-prints', tokens.desk, { quality: 'unusable' }).expect(403);
        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-EARLY' }).expect(409);
        const judged = await desk.act(caseId, 'record-embassy-prints', tokens.ind, {
          quality: 'unusable',
          note: 'fingerprints smudged',
        });
        assert.equal(judged.status, 200, judged.text);
        await desk.grantIfPending(caseId);
        const retake = await desk.until(caseId, (v) => v.waitingOn.includes('ind:biometrics'));
        assert.equal(stepOf(retake, 'biometrics').detail, 'the embassy prints are unusable');
        // Granted, but no card is ordered without biometrics: IND could not make it.
        await new Promise((r) => setTimeout(r, 1_500));
        const waiting = await desk.view(caseId);
        assert.equal(waiting.references.cardOrder, undefined);
        assert.ok(!cardsOf(stack, caseId).length, 'no card order reached IND');
        await desk.act(caseId, 'hand-over-card', tokens.desk).expect(409);

        await desk.act(caseId, 'capture-biometrics', tokens.ind, { captureReference: 'CAP-RETAKE-1' }).expect(200);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:card'));
        assert.equal(stepOf(await desk.view(caseId), 'biometrics').outcome, 'accepted');
        await desk.cardReadyAndHandOver(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'card').outcome, 'handed-over');
      });
    });

    it('an MVV holder whose embassy prints are usable gets the card without a capture', async () => {
      await atTheDesk(async (desk) => {
        const caseId = await desk.bookOk(tevWithMvv('IND-TEV-2002'));
        await desk.grantIfPending(caseId);
        await desk.checkIn(caseId);
        await desk.until(caseId, (v) => v.waitingOn.includes('ind:embassy-prints'));
        assert.ok(!cardsOf(stack, caseId).length, 'no card before the prints are judged');
        await desk.act(caseId, 'record-embassy-prints', tokens.ind, { quality: 'usable' }).expect(200);
        const ordered = await desk.until(caseId, (v) => v.waitingOn.includes('ind:card'));
        assert.equal(stepOf(ordered, 'biometrics').outcome, 'embassy-prints');
        await desk.act(caseId, 'record-embassy-prints', tokens.ind, { quality: 'unusable' }).expect(409);
        await desk.cardReadyAndHandOver(caseId);
        await desk.until(caseId, (v) => v.status === 'completed');
      });
    });

    it('a permit case started by hand without biometrics gets no card', async () => {
      await atTheDesk(async (desk) => {
        const booking = vvrBooking({ services: ['residence-permit'] });
        const handle = await startCase(stack.taskQueue, booking);
        const caseId = handle.workflowId;
        await desk.checkIn(caseId);
        await desk.grantIfPending(caseId);
        const done = await desk.until(caseId, (v) => v.status === 'completed');
        assert.equal(stepOf(done, 'permit').outcome, 'granted');
        assert.equal(stepOf(done, 'card').outcome, 'not-issued');
        assert.match(stepOf(done, 'card').detail ?? '', /no accepted biometrics/);
        assert.ok(!cardsOf(stack, caseId).length, 'no card order reached IND');
      });
    });
  });
});

type Api = ReturnType<typeof request>;
type Stack = ReturnType<typeof useCaseStack>;

const tevWithMvv = (applicationNumber: string): Booking =>
  vvrBooking({
    permit: { route: 'tev', mvvIssued: true, indApplicationNumber: applicationNumber },
    services: ['brp-registration', 'residence-permit'],
  });

const stepOf = (view: CaseView, name: string) => {
  const step = view.steps.find((s) => s.name === name);
  assert.ok(step, `the case has no ${name} step`);
  return step;
};

const cardsOf = (stack: Stack, caseId: string) =>
  [...stack.sandbox.state.cards.values()].filter((c) => c.caseRef === caseId);

/** The booking site, the officers and IND, as the API and the sandbox let them act on a case. */
class Desk {
  constructor(
    readonly api: Api,
    private readonly stack: Stack,
  ) {}

  book(booking: Booking) {
    return this.api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
  }
  async bookOk(booking: Booking): Promise<string> {
    const res = await this.book(booking);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  }
  act(caseId: string, action: string, token: string, body: object = {}) {
    return this.api.post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token).send(body);
  }
  async view(caseId: string, token: string = tokens.desk): Promise<CaseView> {
    const res = await this.api.get(`/v1/cases/${caseId}`).set('authorization', token);
    assert.equal(res.status, 200, res.text);
    return res.body as CaseView;
  }
  /** Reads the case until `predicate` holds; fails with what it was doing instead. */
  async until(caseId: string, predicate: (view: CaseView) => boolean, timeoutMs = 30_000): Promise<CaseView> {
    let last: CaseView | undefined;
    try {
      return await eventually(async () => {
        last = await this.view(caseId);
        return predicate(last) ? last : undefined;
      }, timeoutMs);
    } catch {
      throw new Error(`case ${caseId} waits on [${last?.waitingOn.join(', ')}]; steps ${JSON.stringify(last?.steps)}`);
    }
  }
  async checkIn(caseId: string, identity: 'verified' | 'in-doubt' = 'verified', note?: string): Promise<CaseView> {
    await this.until(caseId, (v) => v.waitingOn.includes('desk:check-in'));
    const res = await this.act(caseId, 'check-in', tokens.desk, { identity, ...(note ? { note } : {}) });
    assert.equal(res.status, 200, res.text);
    return res.body as CaseView;
  }
  /** IND grants the case's application, once the case knows its number and it is still pending. */
  async grantIfPending(caseId: string): Promise<void> {
    const view = await this.until(caseId, (v) => v.results.indApplicationNumber !== undefined);
    const number = view.results.indApplicationNumber!;
    const res = await fetch(`${this.stack.sandbox.url}/_admin/ind/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ applicationNumber: number, decision: 'granted' }),
    });
    assert.ok(res.ok || res.status === 409, `deciding ${number} answered ${res.status}`);
  }
  async cardReadyAndHandOver(caseId: string): Promise<void> {
    const [card] = cardsOf(this.stack, caseId);
    assert.ok(card, 'a card was ordered');
    await this.stack.admin.cardReady(card.orderId);
    await this.until(caseId, (v) => v.waitingOn.includes('desk:card-hand-over'));
    await this.act(caseId, 'hand-over-card', tokens.desk).expect(200);
  }
}
