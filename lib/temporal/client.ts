import {
  ApplicationFailure,
  Client,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Connection,
} from '@temporalio/client';
import type { z } from 'zod';
import { idempotencyKeyReused, reasonRequired, roleNotAllowed } from '../../workflows/actions';
import { CaseStatus } from '../../workflows/search-attributes';
import { payloadKeysOf, type EncryptionEnvSchema, type TemporalEnvSchema } from '../config';
import { createDataConverter } from '../data-converter';

type ClientConfig = Pick<z.infer<typeof TemporalEnvSchema>, 'TEMPORAL_NAMESPACE'> & z.infer<typeof EncryptionEnvSchema>;

/** The client of the case workflows, as the API and the operator command build it: one namespace, one converter. */
export function createCaseClient(connection: Connection, config: ClientConfig): Client {
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(payloadKeysOf(config)),
  });
}

/**
 * Why a call to a case failed, whoever reports it: the API maps it to a problem document, the operator command
 * to one line. `rejected` carries the workflow's own reason, so no client holds a copy of the case's rules.
 */
export type CaseCallFailure =
  | { kind: 'rejected'; reason: string | undefined }
  /** The idempotency key was already used for another request on this case. */
  | { kind: 'key-reused'; reason: string | undefined }
  /** The request is well formed but incomplete for what it asks (a refusal without its reason): nothing changed. */
  | { kind: 'unprocessable'; reason: string | undefined }
  /** The case refused the actor: its role may not take the action (an Update sent past the API). */
  | { kind: 'forbidden'; reason: string | undefined }
  | { kind: 'not-found' }
  /** The case has ended; `status` says how (`completed`, `withdrawn`, or how its workflow was closed). */
  | { kind: 'closed'; status?: string }
  | { kind: 'timeout' }
  | { kind: 'starting' }
  /** Temporal refused the Update on the worker's behalf (the worker holding its task died): nothing was applied. */
  | { kind: 'recovering' }
  /**
   * Temporal cannot be reached (`unreachable`); refuses for now: rate-limited, busy, aborted, internal error (`busy`);
   * or no worker has polled the case's task queue lately, so a query has nobody to answer it (`no-worker`).
   */
  | { kind: 'unavailable'; why: 'unreachable' | 'busy' | 'no-worker' }
  /**
   * The case's last workflow tasks failed (a worker died on them, or its code fails): Temporal refuses queries
   * and Updates until one succeeds.
   */
  | { kind: 'task-failing' }
  /**
   * A worker could not replay the case's history to answer (a nondeterminism error): a build that changed the
   * workflow without `patched()`, or the SDK's cold-start Update bug (README, chaos). It persists until repaired.
   */
  | { kind: 'unreplayable' };

/**
 * gRPC codes with which Temporal says "not now": RESOURCE_EXHAUSTED (a rate limit, a busy shard), ABORTED (a
 * conflicting write, e.g. an update-with-start racing), INTERNAL and UNKNOWN (the server failed on its side).
 * A retry may succeed, so the caller gets a 503, never a 500.
 */
const transientCodes = new Set<number>([8, 10, 13, 2]);

/**
 * Temporal's NOT_FOUND for a case that exists but has ended: it ended before the call came ("workflow execution
 * already completed"), or while an Update waited for the workflow task that ended it ("workflow update was
 * aborted by closing workflow"). A case that never existed is "workflow not found for ID: …".
 */
const endedCase = /already completed|aborted by closing workflow/i;

/**
 * An Update the case accepted but that the server failed because the workflow ended first (an operator terminated
 * it meanwhile): the action did not complete, and the case takes no more.
 */
const acceptedUpdateCompletedWorkflow = 'AcceptedUpdateCompletedWorkflow';

/** What a Temporal client error means for a case; undefined for an error that is not Temporal's to explain. */
export function classifyTemporalError(err: unknown): CaseCallFailure | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    if (isUnprocessedUpdate(err.cause)) return { kind: 'recovering' };
    const type = err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
    if (type === acceptedUpdateCompletedWorkflow) return { kind: 'closed' };
    const kinds: Record<string, 'key-reused' | 'unprocessable' | 'forbidden'> = {
      [idempotencyKeyReused]: 'key-reused',
      [reasonRequired]: 'unprocessable',
      [roleNotAllowed]: 'forbidden',
    };
    return { kind: (type ? kinds[type] : undefined) ?? 'rejected', reason: err.cause?.message };
  }
  if (err instanceof WorkflowNotFoundError) {
    return endedCase.test(err.message) ? { kind: 'closed' } : { kind: 'not-found' };
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadline(err)) return { kind: 'timeout' };
  if (isUnreplayable(err)) return { kind: 'unreplayable' };
  // The workflow has not run its first task yet, so its query handlers do not exist.
  if (err instanceof Error && err.name === 'QueryNotRegisteredError') return { kind: 'starting' };
  // The client's own calls wrap the gRPC error in a ServiceError; raw workflowService calls (a list) do not.
  const grpc = isGrpcServiceError(err)
    ? err
    : err instanceof ServiceError && isGrpcServiceError(err.cause)
      ? err.cause
      : undefined;
  if (grpc && grpc.code === (14 as typeof grpc.code)) return { kind: 'unavailable', why: 'unreachable' };
  // From the third failed or timed-out attempt of a workflow task (a worker killed on it, a bug) until one
  // completes, Temporal refuses queries and updates at once: FAILED_PRECONDITION, "Workflow Task in failed state".
  if (grpc && grpc.code === (9 as typeof grpc.code) && /workflow task/i.test(grpc.details)) {
    return { kind: 'task-failing' };
  }
  // A query while every worker is down (killed, restarting): FAILED_PRECONDITION, "no poller seen for task queue
  // recently". Nothing was changed; the case answers again once a worker polls.
  if (grpc && grpc.code === (9 as typeof grpc.code) && /no poller seen/i.test(grpc.details)) {
    return { kind: 'unavailable', why: 'no-worker' };
  }
  if (grpc && transientCodes.has(grpc.code)) return { kind: 'unavailable', why: 'busy' };
  return undefined;
}

/**
 * A query the worker failed because it could not replay the case's history. The client reports every query the
 * worker failed as `QueryNotRegisteredError`; the SDK's code for a nondeterminism error is TMPRL1100.
 */
export function isUnreplayable(err: unknown): boolean {
  return err instanceof Error && err.name === 'QueryNotRegisteredError' && /TMPRL1100|Nondeterminism/.test(err.message);
}

/**
 * Temporal rejects an update on the worker's behalf when the workflow task that carried it completed without it
 * (seen when a worker was killed while the update was on its way): the workflow never judged it, so a retry may
 * still be accepted. The workflow's own refusals are `NotNow` failures.
 */
function isUnprocessedUpdate(cause: Error | undefined): boolean {
  return cause instanceof ApplicationFailure && cause.type === 'UnprocessedUpdate';
}

/** Our own deadline ran out; gRPC reports it as DEADLINE_EXCEEDED or, when it cut a retry short, CANCELLED. */
function isDeadline(err: unknown): boolean {
  if (isGrpcDeadlineError(err) || isGrpcCancelledError(err)) return true;
  return err instanceof Error && err.cause !== undefined && isDeadline(err.cause);
}

/**
 * Asks Temporal again about a case a call did not find, or found closed. Its NOT_FOUND covers a case that never
 * existed and one that ended while an Update waited (in words that differ between server versions), and only the
 * first is "not found". An ended case says how it ended: its own `CaseStatus`, else how its workflow was closed.
 * When Temporal does not answer within `timeoutMs`, the first answer stands.
 */
export async function recheckMissingCase(
  client: Client,
  caseId: string,
  failure: CaseCallFailure,
  timeoutMs: number,
): Promise<CaseCallFailure> {
  if (failure.kind !== 'not-found' && failure.kind !== 'closed') return failure;
  const description = await client.connection
    .withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(caseId).describe())
    .catch(() => undefined);
  if (!description) return failure;
  // It runs, yet the call found nothing: Temporal lost the Update on its way. A retry is applied at most once.
  if (description.status.name === 'RUNNING') return { kind: 'unavailable', why: 'busy' };
  const caseStatus = description.typedSearchAttributes.get(CaseStatus);
  const status =
    caseStatus && caseStatus !== 'open' ? caseStatus : description.status.name.toLowerCase().replace(/_/g, ' ');
  return { kind: 'closed', status };
}

/** A call to one case (`caseId` names it in messages); `timeoutMs` bounds it, retries included. */
export type BoundedCall = <T>(caseId: string, call: () => Promise<T>) => Promise<T>;

/**
 * Calls bounded in time, so a missing worker or an unreachable Temporal costs the caller `timeoutMs` at most.
 * A failure Temporal explains is thrown as `translate` makes it; any other error as it is.
 */
export function boundedCalls(
  connection: Connection,
  timeoutMs: number,
  translate: (failure: CaseCallFailure, caseId: string) => Error | Promise<Error>,
): BoundedCall {
  return async (caseId, call) => {
    try {
      return await connection.withDeadline(Date.now() + timeoutMs, call);
    } catch (err) {
      const failure = classifyTemporalError(err);
      throw failure ? await translate(failure, caseId) : err;
    }
  };
}
