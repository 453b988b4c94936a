import { caseActions as actionCatalogue } from '../workflows/actions';
import {
  isGrpcDeadlineError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type Connection,
} from '@temporalio/client';
import { caseStatusQuery, type Actor, type CaseView, type StepName } from '../workflows/definitions';

/** A failure the operator reads as one line (exit code 1): the workflow's own reason, or what to check. */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}

export interface CaseActions {
  client: Client;
  connection: Connection;
  actor: Actor;
  /** How long a query or an update may wait for a worker. */
  timeoutMs: number;
}

/**
 * Show, retry, skip and cancel: the same query and Updates the API uses, so the workflow's validators decide
 * and the audit trail names the operator.
 */
export function caseActions({ client, connection, actor, timeoutMs }: CaseActions) {
  const bounded = async <T>(caseId: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (err) {
      throw explain(err, caseId, timeoutMs);
    }
  };
  const handle = (caseId: string) => client.workflow.getHandle(caseId);
  return {
    show: (caseId: string): Promise<CaseView> => bounded(caseId, () => handle(caseId).query(caseStatusQuery)),
    retry: (caseId: string, step: StepName): Promise<CaseView> =>
      bounded(caseId, () =>
        handle(caseId).executeUpdate(actionCatalogue['retry-step'].update, { args: [{ actor, step }] }),
      ),
    skip: (caseId: string, step: StepName, reason: string): Promise<CaseView> =>
      bounded(caseId, () =>
        handle(caseId).executeUpdate(actionCatalogue['skip-step'].update, { args: [{ actor, step, reason }] }),
      ),
    cancel: (caseId: string, reason: string): Promise<CaseView> =>
      bounded(caseId, () =>
        handle(caseId).executeUpdate(actionCatalogue.withdraw.update, { args: [{ actor, reason }] }),
      ),
  };
}

function explain(err: unknown, caseId: string, timeoutMs: number): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    return new OperatorError(`${caseId}: ${err.cause?.message ?? 'the case refused the action'}`);
  }
  if (err instanceof WorkflowNotFoundError) {
    return new OperatorError(
      /already completed/.test(err.message) ? `${caseId} is closed; it takes no more actions` : `no case ${caseId}`,
    );
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadline(err)) {
    return new OperatorError(
      `${caseId}: no worker answered within ${timeoutMs} ms; check that the worker runs (an update may still apply)`,
    );
  }
  if (err instanceof Error && err.name === 'QueryNotRegisteredError') {
    return new OperatorError(`${caseId}: the case is still starting; try again shortly`);
  }
  return err;
}

function isDeadline(err: unknown): boolean {
  if (isGrpcDeadlineError(err)) return true;
  return err instanceof Error && err.cause !== undefined && isDeadline(err.cause);
}
