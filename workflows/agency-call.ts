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
  for (;;) {
    state.setStep(step, { state: 'running', waitingOn: `agency:${agency}` });
    try {
      return await visiblyRetrying(state, agency, call);
    } catch (err) {
      if (isCancellation(err) || handles.includes(refusalType(err) ?? '')) throw err;
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      state.setStep(step, {
        state: 'waiting',
        waitingOn: `operator:${step}`,
        detail: `${agency} call failed (${reason}); an operator may retry or skip the step`,
      });
      await condition(state.handToOperator(step));
      if (state.operatorDecided(step) === 'skip') return skipped;
    }
  }
}

async function visiblyRetrying<T>(state: CaseState, agency: Agency, call: () => Promise<T>): Promise<T> {
  let marked = false;
  const watch = new CancellationScope();
  const watching = watch
    .run(async () => {
      await sleep(state.settings.agencyRetryVisibleAfterMs);
      marked = true;
      state.markAgencyRetrying(agency, true);
    })
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  try {
    return await call();
  } finally {
    watch.cancel();
    await watching;
    if (marked) state.markAgencyRetrying(agency, false);
  }
}
