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
  c: CaseState,
  step: StepName,
  agency: Agency,
  call: () => Promise<T>,
  handles: readonly string[] = [],
): Promise<T | typeof skipped> {
  for (;;) {
    c.setStep(step, { state: 'running', waitingOn: `agency:${agency}` });
    try {
      return await visiblyRetrying(c, agency, call);
    } catch (err) {
      if (isCancellation(err) || handles.includes(refusalType(err) ?? '')) throw err;
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      c.setStep(step, {
        state: 'waiting',
        waitingOn: `operator:${step}`,
        detail: `${agency} call failed (${reason}); an operator may retry or skip the step`,
      });
      c.retryRequests.delete(step);
      c.retryable.add(step);
      await condition(() => c.retryRequests.has(step) || c.skipRequests.has(step));
      c.retryable.delete(step);
      if (c.skipRequests.has(step)) return skipped;
      c.retryRequests.delete(step);
    }
  }
}

async function visiblyRetrying<T>(c: CaseState, agency: Agency, call: () => Promise<T>): Promise<T> {
  let marked = false;
  const watch = new CancellationScope();
  const watching = watch
    .run(async () => {
      await sleep(c.settings.agencyRetryVisibleAfterMs);
      marked = true;
      c.markAgencyRetrying(agency, true);
    })
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  try {
    return await call();
  } finally {
    watch.cancel();
    await watching;
    if (marked) c.markAgencyRetrying(agency, false);
  }
}
