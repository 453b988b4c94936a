import { allHandlersFinished, CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import { agencyProxies, loadCaseSettings } from './agencies';
import { CaseState } from './case-state';
import { Compensations } from './compensations';
import { stepNames, type Actor, type NewcomerCaseInput, type NewcomerCaseResult, type StepName } from './definitions';
import { registerHandlers } from './handlers';
import { Notifier } from './notifications';
import { adviceStep, returnVisaStep } from './steps/desk-services';
import { biometricsStep } from './steps/biometrics';
import { brpStep } from './steps/brp';
import { cardStep } from './steps/card';
import { checkInStep } from './steps/check-in';
import { eligibilityStep } from './steps/eligibility';
import { permitStep } from './steps/permit';
import { returnVisits } from './steps/return-visits';
import type { CasePatches, StepContext } from './steps/step-context';
import { defaultCaseSettings } from './settings';

const system: Actor = { id: 'system', role: 'operator' };

/**
 * One newcomer's case at the one-stop desk, from booking to its outcome. Every step starts as soon as what it
 * waits for holds; independent steps run in parallel. Withdrawal or a no-show past the reschedule window stops
 * the steps, and a withdrawal undoes what can be undone.
 */
export async function newcomerCaseWorkflow(input: NewcomerCaseInput): Promise<NewcomerCaseResult> {
  // Patches are read in the first activation, before the settings' local activity: a patch marker recorded in
  // the activation that resolves a local activity does not replay reliably. Cases started before this waited
  // for the sponsor check before the desk could check them in.
  const checkInFirst = patched('check-in-before-eligibility');
  const patches: CasePatches = {
    municipalityTold: patched('municipality-told-of-refusal'),
    noShowWithdraws: patched('no-show-withdraws-application'),
    refusalEndsBiometrics: patched('refusal-ends-biometrics'),
    decisionEndsOverdueReport: patched('decision-ends-overdue-report'),
    tevGrantFromInd: patched('tev-grant-from-ind'),
  };
  // Handlers first: a query or an update may arrive while the settings are still being read.
  const state = new CaseState(input.booking, input.settings ?? defaultCaseSettings, input.bookedBy);
  const coalesced = patched('one-search-attribute-upsert');
  // The writer waits for one quiet round of the steps, not three (see `SearchAttributeSync`): an action's task is
  // about 1 ms shorter. Cases started before wrote their commands in the order three rounds gave.
  if (coalesced) state.coalesceSearchAttributes(patched('one-quiet-round') ? 'quick' : 'cautious');
  // An Update is answered once the search-attribute writer found the steps quiet; cases started before waited on
  // quiet microtasks of their own (see `handlers.ts`).
  const answerWhen = coalesced && patched('answer-when-settled') ? 'settled' : 'reacted';
  // A wait on a person past the norm is flagged by a timer of its own (PersonOverdue); cases started before had none.
  if (patched('person-norm')) state.watchPersonNorms();
  // The current details name a failing agency's last error, read by a local activity; cases started before did not.
  if (patched('agency-last-error')) state.readAgencyErrors();
  // An operator's retry or skip stops an agency call that keeps failing at once; before, a retry was refused and a
  // skip waited until Temporal's retries gave up (CASE_AGENCY_RETRY_MAX, a week).
  if (patched('operators-cut-failing-calls')) state.letOperatorsCutFailingCalls();
  // The case's clocks wait on one timer, at the earliest due date; cases started before ran a timer for each clock.
  if (patched('one-case-clock')) {
    void state
      .keepOneClock()
      .run()
      .catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      });
  }
  const late: { notifier?: Notifier } = {};
  registerHandlers(state, () => late.notifier!, answerWhen);
  if (!input.settings) state.useSettings(await loadCaseSettings());
  const agencies = agencyProxies(state.settings);
  const notifier = new Notifier(state, agencies);
  late.notifier = notifier;
  state.sync();
  notifier.send('case-opened', { location: state.appointment.location, startsAt: state.appointment.startsAt });

  const context: StepContext = { state, agencies, notifier, compensations: new Compensations(), patches };
  const started: Promise<void>[] = [];
  const steps = new CancellationScope();
  state.beginSteps();
  const running = steps.run(async () => {
    if (checkInFirst) return runSteps(context, started);
    if (!(await eligibilityStep(context))) return 'rejected' as const;
    started.push(
      permitStep(context),
      checkInStep(context),
      brpStep(context),
      biometricsStep(context),
      cardStep(context),
      returnVisaStep(context),
      adviceStep(context),
    );
    await Promise.all(started);
    return 'completed' as const;
  });
  const ending = condition(() => state.ending !== undefined).then(() => state.ending!);
  const status = await Promise.race([running, ending]);
  if (status === 'withdrawn' || status === 'closed-no-show' || (status === 'rejected' && checkInFirst)) {
    steps.cancel();
    await running.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
    // A step may still finish an effect that withdrawal must not cut short (IND filing the application); its
    // undo is registered once it has, so wait for every step before undoing.
    await Promise.allSettled(started);
  }

  if (status === 'withdrawn') state.close(status, await withdraw(context), system);
  else if (status === 'closed-no-show') state.close(status, await closeAsNoShow(context), system);
  else if (status === 'rejected') {
    const reason = `rejected: ${state.step('eligibility').detail}`;
    if (checkInFirst) {
      for (const step of state.view().steps) {
        if (step.state !== 'done' && step.state !== 'not-wanted') state.finish(step.name, 'not-possible', reason);
      }
    }
    state.close(status, reason, system);
  } else state.close(status, summary(state), system);
  notifier.send('case-closed', { status });
  await notifier.allSent();
  await condition(allHandlersFinished);
  await state.searchAttributesCurrent();
  return { caseId: state.caseId, status, outcome: state.outcome!, steps: state.view().steps };
}

/**
 * The steps: the appointment (check-in) and what needs only the newcomer at the desk (advice) start at once; the
 * steps that need the sponsor's answer (the permit and what depends on it, and the BRP registration, which must
 * not make a lawful-stay claim for a case about to be rejected) wait for eligibility.
 */
async function runSteps(context: StepContext, started: Promise<void>[]): Promise<'rejected' | 'completed'> {
  const { state } = context;
  const eligibility = eligibilityStep(context);
  const afterEligibility = (step: (c: StepContext) => Promise<void>, name: StepName): Promise<void> => {
    if (!state.done('eligibility')) state.setStep(name, { state: 'blocked', detail: 'waits for the sponsor check' });
    return eligibility.then((eligible) => (eligible ? step(context) : undefined));
  };
  started.push(
    checkInStep(context),
    adviceStep(context),
    afterEligibility(permitStep, 'permit'),
    afterEligibility(brpStep, 'brp'),
    afterEligibility(biometricsStep, 'biometrics'),
    afterEligibility(cardStep, 'card'),
    afterEligibility(returnVisaStep, 'return-visa'),
  );
  // Beside the steps, not among them: the case's end must not wait a round for the visits' clock to notice it.
  const stepsDone = (): boolean => stepNames.every((name) => state.done(name));
  void returnVisits(context, stepsDone).catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
  // Observed at once: after a rejection the steps are cancelled, and the case settles them one by one.
  const all = Promise.all(started);
  all.catch(() => undefined);
  if (!(await eligibility)) return 'rejected';
  await all;
  return 'completed';
}

/** Undoes, newest first, what a withdrawal can undo; a BRP registration is a legal fact and stays. */
async function withdraw({ state, compensations }: StepContext): Promise<string> {
  const undone = await compensations.undoAll();
  for (const step of state.view().steps) {
    if (step.state !== 'done' && step.state !== 'not-wanted') state.finish(step.name, 'withdrawn');
  }
  const stays = state.results.bsn ? '; the BRP registration stays (a legal fact)' : '';
  return `withdrawn${undone.length ? `: ${undone.join(', ')}` : ''}${stays}`;
}

/**
 * A no-show not rebooked in time: the application the desk filed for the newcomer is withdrawn as on a withdrawal
 * (one the sponsor filed stays the sponsor's). Cases started before this rule left it pending at IND.
 */
async function closeAsNoShow({ state, compensations, patches }: StepContext): Promise<string> {
  const closed = 'closed: no-show, not rescheduled in time';
  if (!patches.noShowWithdraws) return closed;
  const undone = await compensations.undoAll('closed-no-show');
  // Every step ends, as on a withdrawal or a rejection: a closed case shows none still blocked or waiting (a card
  // "waits for the permit decision" forever). Cases closed before this left them as they were.
  if (patched('no-show-ends-steps')) {
    for (const step of state.view().steps) {
      if (step.state !== 'done' && step.state !== 'not-wanted') state.finish(step.name, 'not-possible', closed);
    }
  }
  return `${closed}${undone.length ? `; ${undone.join(', ')}` : ''}`;
}

function summary(state: CaseState): string {
  const outcomes = state.view().steps.filter((s) => s.state === 'done' && s.outcome !== 'not-wanted');
  return `completed: ${outcomes.map((s) => `${s.name} ${s.outcome}`).join(', ')}`;
}
