import assert from 'node:assert/strict';
import request from 'supertest';
import type { Booking } from '../domain/booking';
import type { CaseView } from '../workflows/definitions';
import type { CaseSettings } from '../workflows/settings';
import { vvrBooking } from './fixtures/bookings';
import { testApp, tokens } from './harness/api';
import { overApi, waitForCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { testSettings } from './harness/temporal';

/** IND's `documents-overdue` call (issue 12, item 2) and the municipality's `residence-decisions` call (item 9). */
const overdueCall = '^POST /ind/applications/[^/]+/documents-overdue$';
const residenceDecisionCall = '^POST /brp/\\d{4}/registrations/[^/]+/residence-decisions$';

/**
 * The desk's rules of issue 12 while the agency they tell answers 404 or 500: the case still never records a
 * decision IND did not make, an IND officer's decision is taken at once, and the newcomer still hears of it.
 */
describe('case rules while an agency refuses or breaks: overdue documents, the municipality told', () => {
  const stack = useCaseStack({ name: 'rules-faults' });
  let api: ReturnType<typeof request>;
  beforeEach(() => {
    api = request(testApp({ taskQueue: stack.taskQueue }));
  });
  const atTheDesk = <T>(fn: () => Promise<T>, settings?: CaseSettings): Promise<T> =>
    stack.runWorkers(fn, settings ? { settings } : {});

  const book = async (booking: Booking): Promise<string> => {
    const res = await api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  };
  const act = (caseId: string, action: string, token: string, body: object = {}) =>
    api.post(`/v1/cases/${caseId}/actions/${action}`).set('authorization', token).send(body);
  const until = (caseId: string, predicate: (view: CaseView) => boolean, what: string) =>
    waitForCase(overApi(api, tokens.ind)(caseId), predicate, `${caseId}: ${what}`);
  const stepOf = (view: CaseView, name: string) => view.steps.find((s) => s.name === name)!;
  const operations = async (caseId: string) => (await stack.admin.ledger(caseId)).map((e) => e.operation);
  const emailOf = (caseId: string, milestone: string) =>
    stack.sandbox.state.emails.find((e) => e.reference === `${caseId}:${milestone}`);

  /** A permit case whose requested documents are overdue while IND's `documents-overdue` answers `status`. */
  async function overdueWhileIndAnswers(status: 404 | 500): Promise<{ caseId: string; view: CaseView }> {
    const caseId = await book(vvrBooking({ services: ['residence-permit', 'biometrics'] }));
    await until(caseId, (v) => v.waitingOn.includes('ind:decision'), 'the application linked');
    await stack.admin.faults({ agency: 'ind', answer: { status, call: overdueCall } });
    const dueAt = new Date(Date.now() + 1_500).toISOString();
    await act(caseId, 'request-documents', tokens.ind, { documents: ['diploma'], dueAt }).expect(200);
    const wait = status === 404 ? 'operator:permit' : 'agency:ind';
    const view = await until(caseId, (v) => v.waitingOn.includes(wait), `the report of overdue documents on ${wait}`);
    assert.ok(!view.audit.some((a) => a.action === 'permit-decision'), 'the case decided nothing itself');
    assert.equal(stepOf(view, 'permit').outcome, undefined);
    assert.ok(!(await operations(caseId)).includes('report-documents-overdue'));
    return { caseId, view };
  }

  it('IND refuses to hear of overdue documents (404): an operator retries once it listens; IND then decides', async () => {
    await atTheDesk(async () => {
      const { caseId, view } = await overdueWhileIndAnswers(404);
      assert.match(stepOf(view, 'permit').detail ?? '', /ind call failed .*404/);
      await act(caseId, 'retry-step', tokens.desk, { step: 'permit' }).expect(403);
      await stack.admin.clearFaults();
      await act(caseId, 'retry-step', tokens.operator, { step: 'permit' }).expect(200);
      const told = await until(caseId, (v) => stepOf(v, 'permit').detail === 'documents overdue', 'IND told');
      assert.ok(told.waitingOn.includes('ind:decision'));
      assert.deepEqual(
        (await operations(caseId)).filter((o) => o === 'report-documents-overdue'),
        ['report-documents-overdue'],
      );
      await stack.admin.decide(told.results.indApplicationNumber!, 'inadmissible', 'no diploma');
      const decided = await until(caseId, (v) => stepOf(v, 'permit').state === 'done', 'the permit decided');
      assert.equal(stepOf(decided, 'permit').outcome, 'inadmissible');
      await act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
    });
  });

  it('an IND officer decides while the report waits on an operator: the decision stands and the newcomer is told', async () => {
    await atTheDesk(async () => {
      const { caseId } = await overdueWhileIndAnswers(404);
      const inadmissible = { decision: 'inadmissible', reason: 'no diploma by the due date' };
      await act(caseId, 'record-permit-decision', tokens.ind, inadmissible).expect(200);
      const decided = await until(caseId, (v) => stepOf(v, 'permit').state === 'done', 'the permit decided');
      assert.equal(stepOf(decided, 'permit').outcome, 'inadmissible');
      assert.ok(!decided.waitingOn.includes('operator:permit'), 'nothing left for an operator');
      const mail = await eventually(() => Promise.resolve(emailOf(caseId, 'permit-decided')?.personalisation));
      assert.equal(mail.reason, inadmissible.reason);
      assert.match(mail.objectionLastDay ?? '', /^\d{4}-\d{2}-\d{2}$/);
      // Nobody can skip a decided permit away any more.
      const skip = await act(caseId, 'skip-step', tokens.operator, { step: 'permit', reason: 'IND does not know it' });
      assert.equal(skip.status, 409, skip.text);
      await act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
    });
  });

  it('IND down when told of overdue documents (500): shown retrying, then told once; the case decides nothing', async () => {
    await atTheDesk(
      async () => {
        const { caseId } = await overdueWhileIndAnswers(500);
        const retrying = await until(caseId, (v) => v.agencyRetrying.includes('ind'), 'AgencyRetrying=ind');
        assert.equal(stepOf(retrying, 'permit').state, 'running');
        await stack.admin.clearFaults();
        const told = await until(caseId, (v) => stepOf(v, 'permit').detail === 'documents overdue', 'IND told');
        assert.deepEqual(told.agencyRetrying, []);
        assert.ok(told.waitingOn.includes('ind:decision'));
        assert.ok(!told.audit.some((a) => a.action === 'permit-decision'), 'the case decided nothing itself');
        await act(caseId, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
      },
      testSettings({ agencyRetryVisibleAfterMs: 500 }),
    );
  });

  it("a second case links the first case's application: IND refuses (409), an operator decides, the first keeps it", async () => {
    await atTheDesk(async () => {
      const applicationNumber = 'IND-SPONSOR-9001';
      await stack.admin.fileAsSponsor(applicationNumber, 'highly-skilled-migrant');
      const first = await book(
        vvrBooking({
          permit: { route: 'vvr', indApplicationNumber: applicationNumber },
          services: ['residence-permit', 'biometrics'],
        }),
      );
      await until(first, (v) => v.waitingOn.includes('ind:decision'), 'the application linked');
      // The same number again, as a mistyped booking would give it, with an MVV that would grant the application.
      const second = await book(
        vvrBooking({
          permit: { route: 'tev', mvvIssued: true, indApplicationNumber: applicationNumber },
          services: ['brp-registration', 'residence-permit'],
        }),
      );
      const stuck = await until(second, (v) => v.waitingOn.includes('operator:permit'), 'the link on an operator');
      assert.equal(stepOf(stuck, 'permit').state, 'waiting');
      assert.equal(
        stepOf(stuck, 'permit').detail,
        `ind call failed (ind answered 409 to POST /applications: Application ${applicationNumber} is linked to another case.); an operator may retry or skip the step`,
      );
      assert.equal(stuck.results.indApplicationNumber, undefined);
      assert.ok(!stuck.audit.some((a) => a.action === 'permit-decision'), 'the second case recorded no grant');
      assert.deepEqual(
        (await stack.admin.ledger(second)).filter((e) => e.agency === 'ind'),
        [],
      );

      const application = stack.sandbox.state.applications.get(applicationNumber);
      assert.equal(application?.caseRef, first);
      assert.equal(application?.status, 'pending', 'the MVV of the second case granted nothing');
      await stack.admin.decide(applicationNumber, 'refused', 'the salary is below the criterion');
      const decided = await until(first, (v) => stepOf(v, 'permit').state === 'done', 'the first case decided');
      assert.equal(stepOf(decided, 'permit').outcome, 'refused');
      assert.equal(decided.results.indApplicationNumber, applicationNumber);
      assert.deepEqual(
        (await stack.admin.ledger(first)).filter((e) => e.agency === 'ind').map((e) => e.operation),
        ['link-application'],
      );
      const still = await until(second, (v) => v.waitingOn.includes('operator:permit'), 'still on an operator');
      assert.ok(
        !still.audit.some((a) => a.action === 'permit-decision'),
        "the first case's decision is not the second's",
      );
      await act(first, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
      await act(second, 'withdraw', tokens.operator, { reason: 'test done' }).expect(200);
    });
  });

  it('the municipality refuses to hear of a refusal (404): an operator skips it, and the case says it was not told', async () => {
    await atTheDesk(async () => {
      const caseId = await book(vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] }));
      await until(caseId, (v) => v.waitingOn.includes('desk:check-in'), 'the appointment');
      await act(caseId, 'check-in', tokens.desk, { identity: 'verified' }).expect(200);
      await until(caseId, (v) => stepOf(v, 'brp').outcome === 'registered', 'registered in the BRP');
      await stack.admin.faults({ agency: 'brp', answer: { status: 404, call: residenceDecisionCall } });
      const refusal = { decision: 'refused', reason: 'the salary is below the criterion' };
      await act(caseId, 'record-permit-decision', tokens.ind, refusal).expect(200);
      const stuck = await until(caseId, (v) => v.waitingOn.includes('operator:brp'), 'the report on an operator');
      assert.match(stepOf(stuck, 'brp').detail ?? '', /brp call failed .*404/);
      const mail = await eventually(() => Promise.resolve(emailOf(caseId, 'permit-decided')?.personalisation));
      assert.equal(mail.reason, refusal.reason, 'the refusal e-mail does not wait for the municipality');

      const reason = 'the municipality has no such registration; told by phone';
      await act(caseId, 'skip-step', tokens.operator, { step: 'brp', reason }).expect(200);
      const done = await until(caseId, (v) => v.status === 'completed', 'the case completed');
      assert.equal(stepOf(done, 'brp').outcome, 'registered', 'the registration is a legal fact and stays');
      assert.equal(
        stepOf(done, 'brp').detail,
        `the municipality was not told of the permit refused (skipped by operator-1: ${reason})`,
      );
      assert.equal(emailOf(caseId, 'municipality-informed'), undefined, 'no e-mail saying the municipality knows');
      assert.ok(!(await operations(caseId)).includes('report-residence-decision'));
    });
  });
});
