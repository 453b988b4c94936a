import assert from 'node:assert/strict';
import request from 'supertest';
import type { Booking } from '../domain/booking';
import type { CaseView } from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { testApp, tokens } from './harness/api';
import { caseActions } from '../workflows/actions';
import { actors, overApi, waitForCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { eventually } from './harness/eventually';
import { runCases } from './harness/operator-cli';
import { temporal } from './harness/temporal';
import type { StuckReason } from '../operator/stuck';

/**
 * A booking that names an application IND holds for another case (a mistyped number) used to leave its case no
 * way on: IND refuses the link (409), a retry meets the same refusal, and a skip ends the permit without one.
 */
describe('an officer corrects the IND application number of a case IND would not link it to', () => {
  const stack = useCaseStack({ name: 'number-fix' });
  let api: ReturnType<typeof request>;
  beforeEach(() => {
    api = request(testApp({ taskQueue: stack.taskQueue }));
  });

  const book = async (booking: Booking): Promise<string> => {
    const res = await api.post('/v1/cases').set('authorization', tokens.bookingSite).send(booking);
    assert.equal(res.status, 201, res.text);
    return String(res.body.caseId);
  };
  const correct = (caseId: string, body: object, token: string = tokens.ind) =>
    api.post(`/v1/cases/${caseId}/actions/correct-application-number`).set('authorization', token).send(body);
  const until = (caseId: string, predicate: (view: CaseView) => boolean, what: string) =>
    waitForCase(overApi(api, tokens.ind)(caseId), predicate, `${caseId}: ${what}`);
  const stepOf = (view: CaseView, name: string) => view.steps.find((s) => s.name === name)!;
  const withdraw = (caseId: string) =>
    api
      .post(`/v1/cases/${caseId}/actions/withdraw`)
      .set('authorization', tokens.operator)
      .send({ reason: 'test done' })
      .expect(200);
  /**
   * The sponsor filed `theirs` and `ours` at IND; a first case links `theirs`, and a second case, booked with the
   * same number by mistake, waits on an operator after IND refused to link it.
   */
  async function secondCaseNamesTheFirstsNumber(theirs: string, ours: string) {
    await stack.admin.fileAsSponsor(theirs, 'highly-skilled-migrant');
    await stack.admin.fileAsSponsor(ours, 'highly-skilled-migrant');
    const first = await book(vvrBooking({ permit: { route: 'vvr', indApplicationNumber: theirs } }));
    await until(first, (v) => v.waitingOn.includes('ind:decision'), 'the application linked');
    const second = await book(vvrBooking({ permit: { route: 'vvr', indApplicationNumber: theirs } }));
    await until(second, (v) => v.waitingOn.includes('operator:permit'), 'the refused link on an operator');
    return { first, second };
  }
  const refusedWith = (res: request.Response, status: number, reason: RegExp): void => {
    assert.equal(res.status, status, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.match(status === 400 ? res.text : String(res.body.detail), reason);
  };

  it('links the corrected number at once; the refused one stays the other case’s, and nothing else may change it', async () => {
    await stack.runWorkers(async () => {
      const theirs = 'IND-SPONSOR-9301';
      const ours = 'IND-SPONSOR-9302';
      const { first, second } = await secondCaseNamesTheFirstsNumber(theirs, ours);

      // Who may not, what may not, and when not: each refused with the reason, and the case unchanged.
      refusedWith(
        await correct(second, { applicationNumber: ours, reason: 'typo' }, tokens.desk),
        403,
        /desk-officer may not correct-application-number/,
      );
      refusedWith(await correct(second, { applicationNumber: 'ind 9302', reason: 'typo' }), 400, /applicationNumber/);
      refusedWith(await correct(second, { applicationNumber: ours, reason: '  ' }), 422, /needs a reason/);
      refusedWith(await correct(second, { applicationNumber: theirs, reason: 'typo' }), 409, /already links/);
      refusedWith(
        await correct(first, { applicationNumber: ours, reason: 'typo' }),
        409,
        /not waiting on an operator after IND refused to link IND-SPONSOR-9301/,
      );
      // Straight through Temporal (the UI's "Send an Update"), past the API's body schema: the case checks it too.
      const update = caseActions['correct-application-number'].update;
      const direct = temporal().client.workflow.getHandle(second);
      await assert.rejects(
        direct.executeUpdate(update, { args: [{ actor: actors.ind, applicationNumber: 'ind 9302', reason: 'typo' }] }),
        (err: Error) =>
          /"ind 9302" is not an IND application number/.test(String((err.cause as Error | undefined)?.message)),
      );
      await assert.rejects(
        direct.executeUpdate(update, { args: [{ actor: actors.desk, applicationNumber: ours, reason: 'typo' }] }),
        (err: Error) =>
          /the role desk-officer may not correct-application-number/.test(
            String((err.cause as Error | undefined)?.message),
          ),
      );
      const unchanged = await until(second, (v) => v.waitingOn.includes('operator:permit'), 'still on an operator');
      assert.ok(!unchanged.audit.some((a) => a.action === 'correct-application-number'));

      const res = await correct(second, { applicationNumber: ours, reason: 'the booking site swapped two digits' });
      assert.equal(res.status, 200, res.text);
      const linked = await until(second, (v) => v.waitingOn.includes('ind:decision'), 'the corrected number linked');
      assert.equal(stepOf(linked, 'permit').state, 'waiting');
      assert.equal(linked.results.indApplicationNumber, ours);
      const entry = linked.audit.find((a) => a.action === 'correct-application-number');
      assert.equal(entry?.actor.role, 'ind-officer');
      assert.equal(entry?.detail, `${theirs} corrected to ${ours}`);
      assert.equal(entry?.reason, 'the booking site swapped two digits');
      assert.equal(stack.sandbox.state.applications.get(ours)?.caseRef, second);
      assert.equal(stack.sandbox.state.applications.get(theirs)?.caseRef, first, 'the other case keeps its own');

      refusedWith(
        await correct(second, { applicationNumber: 'IND-SPONSOR-9303', reason: 'again' }),
        409,
        /not waiting/,
      );
      await stack.admin.decide(ours, 'granted');
      const decided = await until(second, (v) => stepOf(v, 'permit').state === 'done', 'the corrected one decided');
      assert.equal(stepOf(decided, 'permit').outcome, 'granted');
      const firstCase = await until(first, (v) => v.waitingOn.includes('ind:decision'), 'the first case unmoved');
      assert.equal(stepOf(firstCase, 'permit').state, 'waiting', "the second case's decision is not the first's");
      await withdraw(first);
      await withdraw(second);
    });
  });

  it("an operator does it with `cases correct-number`, which `cases stuck` names for the permit's wait", async () => {
    await stack.runWorkers(async () => {
      const ours = 'IND-SPONSOR-9312';
      const { first, second } = await secondCaseNamesTheFirstsNumber('IND-SPONSOR-9311', ours);
      const operatorId = 'operator-on-call-7';
      const cases = (args: string[]) =>
        runCases(args, { TEMPORAL_TASK_QUEUE: stack.taskQueue, OPERATOR_ID: operatorId });

      const hint = await eventually(async () => {
        const run = await cases(['stuck', '--json']);
        assert.equal(run.code, 0, run.stderr);
        const listed = (JSON.parse(run.stdout) as { caseId: string; reasons: StuckReason[] }[]).find(
          (c) => c.caseId === second,
        );
        return listed?.reasons.find((r) => r.kind === 'waiting-on-operator');
        // Each probe starts a process: on a busy machine a few seconds each.
      }, 60_000);
      assert.ok(hint.next.includes(`\`cases correct-number ${second} <number> <reason>\``), hint.next);

      const malformed = await cases(['correct-number', second, 'ind 9312', 'typo']);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /^"ind 9312" is not an IND application number/);
      const corrected = await cases(['correct-number', second, ours, 'the', 'booking', 'site', 'swapped', 'digits']);
      assert.equal(corrected.code, 0, corrected.stderr);
      assert.match(corrected.stdout, new RegExp(`^${second}: now links ${ours}; it now waits on: `));
      const linked = await until(second, (v) => v.waitingOn.includes('ind:decision'), 'the corrected number linked');
      assert.equal(linked.results.indApplicationNumber, ours);
      const entry = linked.audit.find((a) => a.action === 'correct-application-number');
      assert.deepEqual(entry?.actor, { id: operatorId, role: 'operator' });
      assert.equal(entry?.reason, 'the booking site swapped digits');

      const again = await cases(['correct-number', second, 'IND-SPONSOR-9313', 'again']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /not waiting on an operator after IND refused to link IND-SPONSOR-9312/);
      await withdraw(first);
      await withdraw(second);
    });
  });

  it('a corrected number IND refuses too (409) puts the case back on the operator, and another correction may follow', async () => {
    await stack.runWorkers(async () => {
      const ours = 'IND-SPONSOR-9322';
      const { first, second } = await secondCaseNamesTheFirstsNumber('IND-SPONSOR-9321', ours);
      const held = 'IND-SPONSOR-9323';
      await stack.admin.fileAsSponsor(held, 'highly-skilled-migrant');
      const third = await book(vvrBooking({ permit: { route: 'vvr', indApplicationNumber: held } }));
      await until(third, (v) => v.waitingOn.includes('ind:decision'), 'the third case linked its own');

      assert.equal((await correct(second, { applicationNumber: held, reason: 'wrong guess' })).status, 200);
      const refusedAgain = await until(
        second,
        (v) => stepOf(v, 'permit').detail?.includes(`Application ${held} is linked to another case`) === true,
        'IND refused the corrected number as well',
      );
      assert.equal(stepOf(refusedAgain, 'permit').waitingOn, 'operator:permit');
      assert.equal(stack.sandbox.state.applications.get(held)?.caseRef, third, 'the third case keeps its own');

      assert.equal((await correct(second, { applicationNumber: ours, reason: 'the right one' })).status, 200);
      const linked = await until(second, (v) => v.waitingOn.includes('ind:decision'), 'the second correction linked');
      assert.equal(linked.results.indApplicationNumber, ours);
      assert.deepEqual(
        linked.audit.filter((a) => a.action === 'correct-application-number').map((a) => a.detail),
        [`IND-SPONSOR-9321 corrected to ${held}`, `${held} corrected to ${ours}`],
      );
      for (const caseId of [first, second, third]) await withdraw(caseId);
    });
  });

  it('a case that has IND file a new application has no number to correct', async () => {
    await stack.runWorkers(async () => {
      const caseId = await book(vvrBooking());
      await until(caseId, (v) => v.waitingOn.includes('ind:decision'), 'the application filed');
      refusedWith(
        await correct(caseId, { applicationNumber: 'IND-SPONSOR-9304', reason: 'typo' }, tokens.operator),
        409,
        /links no number that could be corrected/,
      );
      await withdraw(caseId);
    });
  });
});
