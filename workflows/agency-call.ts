import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  type CancellationScopeOptions,
  condition,
  isCancellation,
  patched,
} from '@temporalio/workflow';
import type { Agency } from '../domain/agency-failures';
import { sleepOn, type CaseClock } from './case-clock';
import type { CaseState } from './case-state';
import { withoutPersonalData } from './current-details';
import type { StepName } from './definitions';
import { lastAgencyError } from './agencies';
import { readableDuration } from './summaries';

const dayMs = 86_400_000;

export const skipped = Symbol('skipped');

/** The stable failure type of an agency refusal, or undefined when the call failed otherwise. */
export function refusalType(err: unknown): string | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) {
    return err.cause.type ?? undefined;
  }
  return undefined;
}

/**
 * Runs one agency call for a step. While Temporal retries it, the case shows `agency:<agency>`; once it has kept
 * failing for `agencyRetryVisibleAfterMs` the case carries `AgencyRetrying=<agency>` until the call succeeds.
 * When retries are exhausted, or the agency refuses in a way the step cannot act on, the step waits on an
 * operator, who retries it or skips it. Refusals of the types in `handles` are rethrown for the step to act on.
 */
export async function withAgency<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  handles: readonly string[] = [],
  options: CallOptions = {},
): Promise<T | typeof skipped> {
  const result = await agencyCall(state, step, agency, call, handles, () => false, options);
  return result === settledMeanwhile ? skipped : result;
}

export interface CallOptions {
  /**
   * The call goes on when its step is cancelled (a withdrawal): an effect the withdrawal must not cut short, such as
   * IND filing the application, whose undo needs its number. An operator's retry or skip still stops it.
   */
  survivesWithdrawal?: boolean;
}

export const settledMeanwhile = Symbol('settled meanwhile');

/**
 * `withAgency` for a call that only tells an agency something while the step waits for another answer (IND's
 * decision after overdue documents): when that answer comes (`settled`) while the call waits on an operator, the
 * step no longer waits for one. Without it, an IND officer's decision stood behind an operator, whose skip then
 * ended the permit `skipped` and the newcomer never heard of the decision.
 */
export function withAgencyUnlessSettled<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  settled: () => boolean,
): Promise<T | typeof skipped | typeof settledMeanwhile> {
  return agencyCall(state, step, agency, call, [], settled);
}

async function agencyCall<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  handles: readonly string[],
  settled: () => boolean,
  options: CallOptions = {},
): Promise<T | typeof skipped | typeof settledMeanwhile> {
  for (;;) {
    state.setStep(step, { state: 'running', waitingOn: `agency:${agency}` });
    try {
      const result = await visiblyRetrying(state, step, agency, call, options);
      if (result !== cutShort) return result;
      // An operator stopped the failing call: skip the step, or call again now, from the first attempt.
      if (state.operatorDecided(step) === 'skip') return skipped;
      continue;
    } catch (err) {
      if (isCancellation(err) || handles.includes(refusalType(err) ?? '')) throw err;
      state.setStep(step, {
        state: 'waiting',
        waitingOn: `operator:${step}`,
        detail: `${agency} call failed (${agencyText(state, err)}); an operator may retry or skip the step`,
      });
      const decided = state.handToOperator(step);
      await condition(() => decided() || settled());
      if (!decided()) {
        state.releaseFromOperator(step);
        return settledMeanwhile;
      }
      if (state.operatorDecided(step) === 'skip') return skipped;
    }
  }
}

/**
 * Runs the undo of an agency effect (a withdrawal's compensation) like any agency call. Resolves false when an
 * operator skipped it instead, after the agency kept refusing; the step then ends skipped, with the reason.
 */
export async function undoneAtAgency<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
): Promise<boolean> {
  if ((await withAgency(state, step, agency, call)) !== skipped) return true;
  state.finish(step, 'skipped', state.skipReason(step));
  return false;
}

/**
 * Runs a polling fall-back beside the call-back it stands in for, until it answers or `settled()` holds. The
 * poll itself polls on through transient errors; a definite refusal (the agency no longer knows the
 * application) must not fail the workflow task, so the step then waits on an operator with the reason, who
 * retries the poll or skips the step, while the call-back or an officer may still settle it. Resolves the
 * answer, or undefined when the step was settled or skipped without one.
 */
export async function pollBeside<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  poll: () => Promise<T>,
  settled: () => boolean,
): Promise<T | undefined> {
  for (;;) {
    try {
      return await poll();
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (settled()) return undefined;
      const waiting = state.step(step);
      state.setStep(step, {
        state: 'waiting',
        waitingOn: `operator:${step}`,
        detail: `${agency} poll failed (${agencyText(state, err)}); an operator may retry or skip the step`,
      });
      const decided = state.handToOperator(step);
      await condition(() => settled() || decided());
      if (!decided()) {
        state.releaseFromOperator(step);
        return undefined;
      }
      if (state.operatorDecided(step) === 'skip') return undefined;
      state.setStep(step, { ...waiting });
    }
  }
}

/**
 * A poll whose answer ends the wait, but not as the step waits for it (IND withdrew the application, or cancelled
 * the card order, which the case did not ask for), fails instead: `pollBeside` then hands the step to an operator
 * with the reason, where it would have waited for an answer that never comes. Cases started before
 * 'polled-end-to-operator' keep waiting, as their histories say.
 */
export function unusableAs<T>(poll: () => Promise<T>, why: (answer: T) => string | undefined): () => Promise<T> {
  return async () => {
    const answer = await poll();
    const reason = why(answer);
    if (reason !== undefined && patched('polled-end-to-operator')) throw new Error(reason);
    return answer;
  };
}

/**
 * Why the agency call failed, in the agency's words with the booking's personal data blanked: the step's detail is
 * shown to every officer and operator (the API, `npm run cases -- show`), and an agency may name the newcomer.
 */
function agencyText(state: CaseState, err: unknown): string {
  const reason =
    err instanceof ActivityFailure
      ? (err.cause?.message ?? err.message)
      : err instanceof Error
        ? err.message
        : String(err);
  return withoutPersonalData(reason, state.booking, state.results);
}

/** What `visiblyRetrying` resolves when an operator stopped the failing call to retry or skip its step. */
const cutShort = Symbol('cut short by an operator');

/**
 * The call, and a watch beside it: once the call has failed for `agencyRetryVisibleAfterMs`, the case flags
 * `AgencyRetrying` and reads the last error; from then on an operator's retry or skip of the step stops the call
 * (cases since 'operators-cut-failing-calls'). Temporal's back-off would otherwise keep a recovered agency waiting
 * for up to ten minutes, and a skip for a week.
 */
async function visiblyRetrying<T>(
  state: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  options: CallOptions,
): Promise<T | typeof cutShort> {
  if (state.clock) return watchedOnClock(state, state.clock, step, agency, call, options);
  let marked = false;
  let stopped = false;
  const since = Date.now();
  const shield = shieldOf(options);
  const watch = new CancellationScope(shield);
  // A scope of its own, for an operator to stop the call in. Cases started before the patch call directly: a scope
  // is more promises, whose continuations would interleave differently with the commands their histories recorded.
  const attempt = state.operatorsCutFailingCalls ? new CancellationScope(shield) : undefined;
  if (!attempt && shield) {
    const unshielded = call;
    call = () => CancellationScope.nonCancellable(unshielded);
  }
  const watching = watch
    .run(async () => {
      const after = state.settings.agencyRetryVisibleAfterMs;
      await sleepOn(
        state.clock,
        after,
        `${agency.toUpperCase()} still failing? Flag AgencyRetrying after ${readableDuration(after)}`,
      );
      marked = true;
      state.markAgencyRetrying(agency, true, since);
      if (!attempt) {
        if (state.readsAgencyErrors) await readLastErrors(state, agency, after);
        return;
      }
      state.stepCallFailing(step, true);
      const operatorAsked = condition(() => state.operatorAsked(step)).then(() => {
        stopped = true;
        attempt.cancel();
      });
      await Promise.all([state.readsAgencyErrors ? readLastErrors(state, agency, after) : undefined, operatorAsked]);
    })
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  try {
    return await (attempt ? attempt.run(call) : call());
  } catch (err) {
    if (stopped && isCancellation(err)) return cutShort;
    throw err;
  } finally {
    watch.cancel();
    await watching;
    if (marked) state.markAgencyRetrying(agency, false, since);
    if (marked && attempt) state.stepCallFailing(step, false);
  }
}

/**
 * `visiblyRetrying` in a case with one clock (`CaseClock`): the watch is a wait on the case's clock that the call's
 * end settles, and the scope that reads the last errors and listens for an operator exists only once the call has
 * kept failing. A call that succeeds in time, nearly every call, then costs one scope (the operator's) where it cost
 * two, and no timer of its own.
 */
async function watchedOnClock<T>(
  state: CaseState,
  clock: CaseClock,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  options: CallOptions,
): Promise<T | typeof cutShort> {
  let ended = false;
  let stopped = false;
  let failing: CancellationScope | undefined;
  const since = Date.now();
  const shield = shieldOf(options);
  const attempt = new CancellationScope(shield);
  const after = state.settings.agencyRetryVisibleAfterMs;
  const summary = `${agency.toUpperCase()} still failing? Flag AgencyRetrying after ${readableDuration(after)}`;
  // Not awaited when the call ends: a watch the call ended resolves in the next round of condition checks and
  // does nothing more; one that had marked the case is unmarked below. A call that survives a withdrawal is
  // watched beyond it too: an operator may still stop it.
  const watch = (): Promise<void> =>
    clock
      .within(() => ended, after, summary)
      .then((endedFirst) => {
        if (endedFirst) return;
        state.markAgencyRetrying(agency, true, since);
        state.stepCallFailing(step, true);
        failing = new CancellationScope();
        return failing.run(async () => {
          const operatorAsked = condition(() => state.operatorAsked(step)).then(() => {
            stopped = true;
            attempt.cancel();
          });
          await Promise.all([
            state.readsAgencyErrors ? readLastErrors(state, agency, after) : undefined,
            operatorAsked,
          ]);
        });
      })
      .catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      });
  void (shield ? new CancellationScope(shield).run(watch) : watch());
  try {
    return await attempt.run(call);
  } catch (err) {
    if (stopped && isCancellation(err)) return cutShort;
    throw err;
  } finally {
    ended = true;
    if (failing) {
      failing.cancel();
      state.markAgencyRetrying(agency, false, since);
      state.stepCallFailing(step, false);
    }
  }
}

/**
 * The options of the scopes a call that survives its step's cancellation runs and is watched in: children of a
 * scope that does not pass the step's cancellation on, so only the operator's `cancel()` of the call's own scope
 * reaches the activity. None for any other call.
 */
function shieldOf(options: CallOptions): CancellationScopeOptions | undefined {
  if (!options.survivesWithdrawal) return undefined;
  return { cancellable: true, parent: new CancellationScope({ cancellable: false }) };
}

/**
 * Reads what Temporal's retries of the call last saw, for the current details, and again after doubling waits (at
 * most a day apart), until the call succeeds or gives up and this scope is cancelled. A read that fails is skipped.
 */
async function readLastErrors(state: CaseState, agency: Agency, firstWait: number): Promise<void> {
  for (let wait = firstWait; ; wait = Math.min(wait * 2, dayMs)) {
    try {
      const last = await lastAgencyError({ agency });
      if (last) state.agencyLastError(agency, last);
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
    await sleepOn(state.clock, wait, `Read the last ${agency.toUpperCase()} error again in ${readableDuration(wait)}`);
  }
}
