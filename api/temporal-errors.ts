import type { CaseCallFailure } from '../lib/temporal/client';
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
    case 'closed':
      return new HttpProblem(409, 'Conflict', `Case ${caseId} is closed; it takes no more actions.`);
    case 'not-found':
      return new HttpProblem(404, 'Not Found', `There is no case ${caseId}.`);
    case 'timeout':
      return unavailable(
        'Temporal or its workers did not answer in time; an action may still be applied. Retry with the same x-request-id.',
      );
    case 'starting':
      return unavailable('The case is still starting; retry shortly.');
    case 'recovering':
      return unavailable(
        'The case is recovering: a worker died or failed on its last workflow task. Nothing was applied; retry shortly with the same x-request-id.',
      );
    case 'unavailable':
      return unavailable('Temporal is unreachable; retry shortly.');
  }
}
