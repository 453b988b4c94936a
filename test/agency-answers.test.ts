import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Agency } from '../domain/agency-failures';
import { caseActions } from '../workflows/actions';
import { caseStatusQuery, type CaseView, type StepName } from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { actors, startCase, waitForCase, type CaseHandle } from './harness/case-driver';
import { useCaseStack, type CaseStack } from './harness/case-fixture';

interface AgencyCall {
  /** `METHOD path` as the sandbox's scripted fault matches it. */
  call: string;
  agency: Agency;
  step: StepName;
  /** A polling fall-back: a 500 does not end it, so it shows nothing while it polls on. */
  poll?: true;
  /** The call comes only after IND granted the permit. */
  afterGrant?: true;
}

/** Every agency call a VVR case makes on its way, in order. */
const calls: AgencyCall[] = [
  { call: '^GET /ind/sponsors/', agency: 'ind', step: 'eligibility' },
  { call: '^POST /ind/applications$', agency: 'ind', step: 'permit' },
  { call: '^GET /ind/applications/', agency: 'ind', step: 'permit', poll: true },
  { call: '^POST /brp/0935/registrations$', agency: 'brp', step: 'brp' },
  { call: '^POST /ind/biometrics$', agency: 'ind', step: 'biometrics' },
  { call: '^POST /ind/cards$', agency: 'ind', step: 'card', afterGrant: true },
  { call: '^GET /ind/cards/', agency: 'ind', step: 'card', poll: true, afterGrant: true },
];

const stepOf = (view: CaseView, step: StepName) => view.steps.find((s) => s.name === step)!;

/** An update the case may refuse because it moved on between the query and the update: the next round retries. */
async function tryUpdate(update: Promise<unknown>): Promise<void> {
  await update.catch((err: unknown) => {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
  });
}

/** Withdraws the case unless it closed meanwhile (the withdrawal then finds it completed). */
async function withdrawIfOpen(handle: CaseHandle): Promise<void> {
  await handle
    .executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'test done' }] })
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError)) throw err;
    });
}

/**
 * Plays the desk and IND until `done` holds: checks the newcomer in, captures biometrics, and (when `grant`)
 * grants the permit. Every round reads the case: a case that stops answering fails here.
 */
async function playUntil(
  stack: CaseStack,
  handle: CaseHandle,
  grant: boolean,
  done: (view: CaseView) => boolean,
  what: string,
): Promise<CaseView> {
  let granted = false;
  let captured = false;
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(150)) {
    const view = await handle.query(caseStatusQuery);
    if (done(view)) return view;
    if (view.waitingOn.includes('desk:check-in')) {
      await tryUpdate(
        handle.executeUpdate(caseActions['check-in'].update, { args: [{ actor: actors.desk, identity: 'verified' }] }),
      );
    }
    if (view.waitingOn.includes('ind:biometrics') && !captured) {
      captured = true;
      await tryUpdate(
        handle.executeUpdate(caseActions['capture-biometrics'].update, {
          args: [{ actor: actors.ind, captureReference: `CAP-${handle.workflowId.slice(-8)}` }],
        }),
      );
    }
    if (grant && !granted && view.waitingOn.includes('ind:decision')) {
      granted = true;
      await stack.admin.decide(view.results.indApplicationNumber!, 'granted');
    }
  }
  const last = await handle.query(caseStatusQuery);
  throw new Error(
    `case never reached "${what}"; waits on [${last.waitingOn.join(', ')}]: ${JSON.stringify(last.steps)}`,
  );
}

/**
 * For each agency call of a case, each answer an agency can give that is not a plain success: the case never
 * stops answering; a refusal (404, 409, 422) waits on an operator with the reason, who can skip the step; a
 * 500 is retried, shown as `AgencyRetrying` while it lasts, and the case goes on once the agency recovers.
 */
describe('every agency call answering 404, 409, 422 or 500 mid-case', function () {
  this.timeout(120_000);
  const stack = useCaseStack({ name: 'answers' });
  const booking = () => vvrBooking({ services: ['brp-registration', 'residence-permit', 'biometrics'] });

  for (const target of calls) {
    for (const status of [404, 409, 422] as const) {
      it(`${target.call} answers ${status}: the ${target.step} step waits on an operator, who skips it`, async () => {
        await stack.runWorkers(async () => {
          await stack.admin.faults({ agency: target.agency, answer: { status, call: target.call } });
          const handle = await startCase(stack.taskQueue, booking());
          const stuck = await playUntil(
            stack,
            handle,
            target.afterGrant === true,
            (v) => v.waitingOn.includes(`operator:${target.step}`),
            `operator:${target.step}`,
          );
          assert.match(stepOf(stuck, target.step).detail ?? '', new RegExp(`answered ${status} .*scripted fault`));
          await handle.executeUpdate(caseActions['skip-step'].update, {
            args: [{ actor: actors.operator, step: target.step, reason: `the agency answered ${status}` }],
          });
          const after = await waitForCase(handle, (v) => stepOf(v, target.step).state === 'done', 'the step done');
          assert.ok(!after.waitingOn.includes(`operator:${target.step}`));
          await stack.admin.clearFaults();
          // Whether the other steps could finish without the skipped one depends on how far the desk got before
          // the skip; a case that completed by itself needs no withdrawal.
          await withdrawIfOpen(handle);
          const result = await handle.result();
          assert.ok(['completed', 'withdrawn'].includes(result.status), result.status);
          const outcome = result.steps.find((s) => s.name === target.step)?.outcome;
          // A skipped decision poll leaves the application pending at IND, so a withdrawal still withdraws it.
          const withdrawnAtInd = target.poll && target.step === 'permit' && result.status === 'withdrawn';
          assert.equal(outcome, target.step === 'eligibility' ? 'eligible' : withdrawnAtInd ? 'withdrawn' : 'skipped');
        });
      });
    }

    it(`${target.call} answers 500: retried${target.poll ? '' : ' and shown as AgencyRetrying'}, and the case goes on once it recovers`, async () => {
      await stack.runWorkers(async () => {
        await stack.admin.faults({ agency: target.agency, answer: { status: 500, call: target.call } });
        const handle = await startCase(stack.taskQueue, booking());
        const failing = (v: CaseView) =>
          target.poll
            ? stepOf(v, target.step).waitingOn === (target.step === 'permit' ? 'ind:decision' : 'ind:card')
            : v.agencyRetrying.includes(target.agency) &&
              stepOf(v, target.step).waitingOn === `agency:${target.agency}`;
        await playUntil(stack, handle, target.afterGrant === true, failing, `failing ${target.call}`);
        // A poll that answers 500 polls on: it must still be the same wait a moment later, not an operator's.
        if (target.poll) await sleep(1_000);
        const during = await handle.query(caseStatusQuery);
        assert.ok(!during.waitingOn.some((w) => w.startsWith('operator:')), JSON.stringify(during.waitingOn));
        await stack.admin.clearFaults();
        const recovered = (v: CaseView): boolean => {
          const step = stepOf(v, target.step);
          if (!target.poll)
            return !v.agencyRetrying.includes(target.agency) && step.waitingOn !== `agency:${target.agency}`;
          return target.step === 'permit' ? step.state === 'done' : step.waitingOn === 'ind:card';
        };
        const view = await playUntil(stack, handle, true, recovered, `${target.step} past the failure`);
        if (target.step === 'card' && target.poll) {
          const card = [...stack.sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
          await stack.admin.cardReady(card!.orderId);
          await waitForCase(handle, (v) => v.waitingOn.includes('desk:card-hand-over'), 'card ready after the outage');
        }
        assert.ok(!view.waitingOn.some((w) => w.startsWith('operator:')), JSON.stringify(view.waitingOn));
        await handle.executeUpdate(caseActions.withdraw.update, { args: [{ actor: actors.operator, reason: 'test' }] });
        assert.equal((await handle.result()).status, 'withdrawn');
      });
    });
  }
});
