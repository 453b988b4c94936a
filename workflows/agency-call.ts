import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  sleep,
} from '@temporalio/workflow';
import type { Agency } from '../domain/agency-failures';
import type { CaseState } from './case-state';
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
): Promise<T | typeof skipped> {
  const result = await agencyCall(state, step, agency, call, handles, () => false);
  return result === settledMeanwhile ? skipped : result;
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
): Promise<T | typeof skipped | typeof settledMeanwhile> {
  for (;;) {
    state.setStep(step, { state: 'running', waitingOn: `agency:${agency}` });
    try {
      return await visiblyRetrying(state, agency, call);
    } catch (err) {
      if (isCancellation(err) || handles.includes(refusalType(err) ?? '')) throw err;
      state.setStep(step, {
        state: 'waiting',
        waitingOn: `operator:${step}`,
        detail: `${agency} call failed (${failureReason(err)}); an operator may retry or skip the step`,
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
        detail: `${agency} poll failed (${failureReason(err)}); an operator may retry or skip the step`,
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

function failureReason(err: unknown): string {
  return err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
}

async function visiblyRetrying<T>(state: CaseState, agency: Agency, call: () => Promise<T>): Promise<T> {
  let marked = false;
  const since = Date.now();
  const watch = new CancellationScope();
  const watching = watch
    .run(async () => {
      const after = state.settings.agencyRetryVisibleAfterMs;
      await sleep(after, {
        summary: `${agency.toUpperCase()} still failing? Flag AgencyRetrying after ${readableDuration(after)}`,
      });
      marked = true;
      state.markAgencyRetrying(agency, true, since);
      if (state.readsAgencyErrors) await readLastErrors(state, agency, after);
    })
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  try {
    return await call();
  } finally {
    watch.cancel();
    await watching;
    if (marked) state.markAgencyRetrying(agency, false, since);
  }
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
    await sleep(wait, { summary: `Read the last ${agency.toUpperCase()} error again in ${readableDuration(wait)}` });
  }
}
