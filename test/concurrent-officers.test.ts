import assert from 'node:assert/strict';
import { caseActions } from '../workflows/actions';
import { caseStatusQuery, type Actor, type CaseView } from '../workflows/definitions';
import { euBooking, vvrBooking } from './fixtures/bookings';
import { actors, answerOf, checkIn, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';

const secondDesk: Actor = { id: 'desk-officer-9', role: 'desk-officer' };
const secondInd: Actor = { id: 'ind-officer-8', role: 'ind-officer' };
const inDays = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Two officers answer the same wait at the same moment. When both Updates reach the case in one workflow task,
 * the second is validated before the step has seen the first: it must be refused, not applied over the first
 * with both officers told it was applied.
 */
describe('two officers, one wait', () => {
  const stack = useCaseStack({ name: 'concurrent-officers' });

  /**
   * Sends both while no worker runs, so Temporal hands the case both Updates in one workflow task; then, with the
   * same workers (the calls the applied one starts must not lose theirs), reads the case once `settled` holds.
   */
  async function inOneTask(
    send: () => Promise<string>[],
    settled: () => Promise<CaseView>,
  ): Promise<{ answers: string[]; view: CaseView }> {
    const sent = send();
    // Both must have reached Temporal before a worker polls.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return stack.runWorkers(async () => ({ answers: await Promise.all(sent), view: await settled() }));
  }

  it('two check-ins, verified and in doubt: the first is applied, the second refused naming it', async () => {
    const handle = await startCase(stack.taskQueue, vvrBooking());
    await stack.runWorkers(() => waitingOn(handle, 'desk:check-in'));
    const { answers, view } = await inOneTask(
      () => [
        answerOf(
          handle.executeUpdate(caseActions['check-in'].update, {
            args: [{ actor: actors.desk, identity: 'verified' }],
          }),
        ),
        answerOf(
          handle.executeUpdate(caseActions['check-in'].update, { args: [{ actor: secondDesk, identity: 'in-doubt' }] }),
        ),
      ],
      () =>
        waitForCase(
          handle,
          (v) =>
            v.steps.find((s) => s.name === 'check-in')?.state !== 'waiting' || v.waitingOn.includes('desk:identity'),
          'check-in settled',
        ),
    );
    assert.equal(answers.filter((a) => a === 'applied').length, 1, JSON.stringify(answers));
    const refusal = answers.find((a) => a !== 'applied')!;
    assert.match(refusal, /check-in is not possible now: check-in by desk-officer-\d was just applied/);
    const audited = view.audit.filter((e) => e.action === 'check-in');
    assert.equal(audited.length, 1, JSON.stringify(audited));
    // The case follows the officer who was told it was applied.
    const applied = audited[0]!;
    assert.equal(view.waitingOn.includes('desk:identity'), applied.detail === 'in-doubt', JSON.stringify(view.steps));
  });

  it('issue and refuse of one return visa: one decision is applied and audited', async () => {
    const visa = { reason: 'father seriously ill', departureDate: inDays(10), returnDate: inDays(24) };
    const handle = await startCase(
      stack.taskQueue,
      vvrBooking({ services: ['residence-permit', 'return-visa'], returnVisa: visa }),
    );
    await stack.runWorkers(async () => {
      await checkIn(handle);
      await waitingOn(handle, 'ind:return-visa');
    });
    const { answers, view } = await inOneTask(
      () => [
        answerOf(
          handle.executeUpdate(caseActions['decide-return-visa'].update, {
            args: [{ actor: actors.ind, decision: 'issue' }],
          }),
        ),
        answerOf(
          handle.executeUpdate(caseActions['decide-return-visa'].update, {
            args: [{ actor: secondInd, decision: 'refuse', reason: 'no compelling reason' }],
          }),
        ),
      ],
      () => waitForCase(handle, (v) => v.steps.find((s) => s.name === 'return-visa')?.state === 'done', 'visa decided'),
    );
    assert.equal(answers.filter((a) => a === 'applied').length, 1, JSON.stringify(answers));
    const decisions = view.audit.filter((e) => e.action === 'decide-return-visa');
    assert.equal(decisions.length, 1, JSON.stringify(decisions));
    assert.equal(stepOutcome(view, 'return-visa'), decisions[0]!.detail === 'issue' ? 'issued' : 'refused');
  });

  for (const first of ['skip', 'advice'] as const) {
    it(`an operator's skip and the advisor's advice at once (${first} sent first): one applied, the other refused`, async () => {
      const handle = await startCase(stack.taskQueue, euBooking({ services: ['advice'] }));
      await stack.runWorkers(async () => {
        await checkIn(handle);
        await waitingOn(handle, 'expat:advice');
      });
      const skip = () =>
        answerOf(
          handle.executeUpdate(caseActions['skip-step'].update, {
            args: [{ actor: actors.operator, step: 'advice', reason: 'declined by phone' }],
          }),
        );
      const advice = () =>
        answerOf(
          handle.executeUpdate(caseActions['record-advice'].update, {
            args: [{ actor: actors.expat, outcome: 'given' }],
          }),
        );
      const { answers, view } = await inOneTask(
        () => (first === 'skip' ? [skip(), advice()] : [advice(), skip()]),
        () => waitForCase(handle, (v) => stepOutcome(v, 'advice') !== undefined, 'advice done'),
      );
      // Two calls sent at once reach Temporal in either order: whichever it admitted first is applied.
      const [skipAnswer, adviceAnswer] = first === 'skip' ? answers : [answers[1]!, answers[0]!];
      assert.equal([skipAnswer, adviceAnswer].filter((a) => a === 'applied').length, 1, JSON.stringify(answers));
      const skipped = skipAnswer === 'applied';
      assert.match(skipped ? adviceAnswer! : skipAnswer!, /^refused: .* is not possible now: /);
      // The step ends as the applied one said, and only it is audited.
      assert.equal(stepOutcome(view, 'advice'), skipped ? 'skipped' : 'given');
      const audited = view.audit.filter((e) => e.action === 'skip-step' || e.action === 'record-advice');
      assert.deepEqual(
        audited.map((e) => e.action),
        [skipped ? 'skip-step' : 'record-advice'],
      );
    });
  }

  it('with a worker running, two desk officers checking one newcomer in never both succeed', async () => {
    const doubles: string[] = [];
    await stack.runWorkers(async () => {
      for (let i = 0; i < 3; i += 1) {
        const handle = await startCase(stack.taskQueue, vvrBooking());
        await waitingOn(handle, 'desk:check-in');
        const answers = await Promise.all([
          answerOf(
            handle.executeUpdate(caseActions['check-in'].update, {
              args: [{ actor: actors.desk, identity: 'verified' }],
            }),
          ),
          answerOf(
            handle.executeUpdate(caseActions['check-in'].update, {
              args: [{ actor: secondDesk, identity: 'in-doubt' }],
            }),
          ),
        ]);
        const audit = (await handle.query(caseStatusQuery)).audit.filter((e) => e.action === 'check-in');
        if (answers.every((a) => a === 'applied') || audit.length !== 1) {
          doubles.push(
            `${handle.workflowId}: ${JSON.stringify(answers)}; audit ${audit.map((e) => e.detail).join(' + ')}`,
          );
        }
      }
    });
    assert.deepEqual(doubles, []);
  });
});
