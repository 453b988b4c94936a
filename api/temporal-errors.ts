import type { CaseCallFailure } from '../lib/temporal/client';
import { taskFailureRepair } from '../lib/temporal/visibility';
import { HttpProblem } from './problem';

const unavailable = (detail: string): HttpProblem =>
  new HttpProblem(503, 'Service Unavailable', detail, { retryAfterSeconds: 5 });

/**
 * What a failed call to a case means to the API's caller. The workflow's validators speak for themselves: their
 * reason is the 409's detail, so the API holds no copy of the case's rules.
 */
export function toHttpProblem(failure: CaseCallFailure, caseId: string): HttpProblem {
  switch (failure.kind) {
    case 'rejected':
      return new HttpProblem(409, 'Conflict', failure.reason ?? 'The case cannot take this action now.');
    case 'key-reused':
      return new HttpProblem(422, 'Unprocessable Content', failure.reason ?? 'This idempotency key was already used.');
    case 'unprocessable':
      return new HttpProblem(422, 'Unprocessable Content', failure.reason ?? 'The request is incomplete.');
    case 'forbidden':
      return new HttpProblem(403, 'Forbidden', failure.reason ?? 'This role may not take this action.');
    case 'closed':
      return new HttpProblem(
        409,
        'Conflict',
        `Case ${caseId} is ${failure.status ?? 'closed'}; it takes no more actions.`,
      );
    case 'not-found':
      return new HttpProblem(404, 'Not Found', `There is no case ${caseId}.`);
    case 'timeout':
      return unavailable(
        'Temporal or its workers did not answer in time; an action may still be applied. Retry with the same Idempotency-Key (or x-request-id): it is applied at most once.',
      );
    case 'starting':
      return unavailable('The case is still starting; retry shortly.');
    case 'recovering':
      return unavailable(
        'The case is recovering: a worker died or failed on its last workflow task. Nothing was applied; retry shortly with the same Idempotency-Key (or x-request-id).',
      );
    case 'unavailable':
      return unavailable(
        failure.why === 'unreachable'
          ? 'Temporal is unreachable; retry shortly.'
          : failure.why === 'no-worker'
            ? 'No worker is running the cases right now (one is down or restarting); nothing was changed. Retry ' +
              'shortly; if it persists, an operator must start a worker (its /healthz says whether it polls).'
            : 'Temporal refused the call for now (busy or failed on its side). Retry shortly with the same Idempotency-Key (or x-request-id): it is applied at most once.',
      );
    case 'unreplayable':
      return new HttpProblem(
        503,
        'Service Unavailable',
        `Case ${caseId} cannot be run or shown: a worker could not replay its history (a nondeterminism error), ` +
          `so nothing was changed. It persists until an operator repairs it: ${taskFailureRepair(caseId)}. ` +
          `GET the case to see its state as last indexed.`,
        { retryAfterSeconds: 60 },
      );
    case 'task-failing':
      return new HttpProblem(
        503,
        'Service Unavailable',
        `Case ${caseId} cannot run now: its last workflow tasks failed, so it takes no actions and nothing was ` +
          `changed. Retry shortly with the same Idempotency-Key (or x-request-id): a case whose worker died recovers by itself. If it persists, ` +
          `an operator must repair it: ${taskFailureRepair(caseId)}. GET the case to see its state.`,
        { retryAfterSeconds: 10 },
      );
  }
}
