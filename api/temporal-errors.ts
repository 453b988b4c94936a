import {
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { HttpProblem } from './problem';

const unavailable = (detail: string): HttpProblem =>
  new HttpProblem(503, 'Service Unavailable', detail, { retryAfterSeconds: 5 });

/**
 * What a Temporal error means to the caller. The workflow's validators speak for themselves: their message is
 * the 409's detail, so the API holds no copy of the case's rules.
 */
export function toHttpProblem(err: unknown, caseId: string): HttpProblem | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    return new HttpProblem(409, 'Conflict', err.cause?.message ?? 'The case cannot take this action now.');
  }
  if (err instanceof WorkflowNotFoundError) {
    return /already completed/.test(err.message)
      ? new HttpProblem(409, 'Conflict', `Case ${caseId} is closed; it takes no more actions.`)
      : new HttpProblem(404, 'Not Found', `There is no case ${caseId}.`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadline(err)) {
    return unavailable(
      'Temporal or its workers did not answer in time; an action may still be applied. Retry with the same x-request-id.',
    );
  }
  if (err instanceof Error && err.name === 'QueryNotRegisteredError') {
    return unavailable('The case is still starting; retry shortly.');
  }
  if (
    err instanceof ServiceError &&
    isGrpcServiceError(err.cause) &&
    err.cause.code === (14 as typeof err.cause.code)
  ) {
    return unavailable('Temporal is unreachable; retry shortly.');
  }
  return undefined;
}

/** Our own deadline ran out; gRPC reports it as DEADLINE_EXCEEDED or, when it cut a retry short, CANCELLED. */
function isDeadline(err: unknown): boolean {
  if (isGrpcDeadlineError(err) || isGrpcCancelledError(err)) return true;
  if (err instanceof Error && err.cause) return isDeadline(err.cause);
  return false;
}
