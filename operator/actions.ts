import { Client, type Connection } from '@temporalio/client';
import { createDataConverter } from '../lib/data-converter';
import { newestPayloadKeyId, PayloadKeyError, type PayloadKeys } from '../lib/encryption';
import { startedInput } from '../lib/temporal/case-start';
import { boundedCalls, type CaseCallFailure } from '../lib/temporal/client';
import { caseOrWhyNot, taskFailureRepair, type UnrunnableCaseView } from '../lib/temporal/visibility';
import { caseActions as actionCatalogue } from '../workflows/actions';
import type { Actor, CaseView, StepName } from '../workflows/definitions';

/** A failure the operator reads as one line (exit code 1): the workflow's own reason, or what to check. */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}

interface CaseActions {
  client: Client;
  connection: Connection;
  actor: Actor;
  /** How long a query or an update may wait for a worker. */
  timeoutMs: number;
  /** This command's `PAYLOAD_KEYS`, when it has any. */
  payloadKeys?: PayloadKeys;
}

/**
 * Show, retry, skip, correct an application number and cancel: the same query and Updates the API uses, so the workflow's validators decide
 * and the audit trail names the operator.
 */
export function caseActions({ client, connection, actor, timeoutMs, payloadKeys }: CaseActions) {
  const bounded = boundedCalls(
    connection,
    timeoutMs,
    (failure, caseId) => new OperatorError(explain(failure, caseId, timeoutMs)),
  );
  const handle = (caseId: string) => client.workflow.getHandle(caseId);
  /**
   * Sends an Update once this command's keys read the case. Encrypted with keys the workers lack, an Update fails
   * every workflow task of the case until Temporal gives up on it, and the operator would read "no worker answered".
   */
  const update = async <T>(caseId: string, send: (sender: Client) => Promise<T>): Promise<T> => {
    await readable(caseId, () => bounded(caseId, () => startedInput(client, caseId)));
    const sender = await senderFor(caseId);
    try {
      return await bounded(caseId, () => send(sender));
    } catch (err) {
      if (!(err instanceof PayloadKeyError)) throw err;
      throw new OperatorError(
        `${caseId}: the update was sent and may have been applied, but its answer does not decrypt (${err.message}); ` +
          "read the case with the deployment's PAYLOAD_KEYS (beside make dev: .data/payload-keys)",
      );
    }
  };
  /**
   * A client that encrypts with the key the case was last written with, which its workers hold, rather than this
   * command's newest key: one appended for a rotation the workers have not taken yet would fail the case's tasks.
   */
  const senderFor = async (caseId: string): Promise<Client> => {
    if (!payloadKeys) return client;
    const { events } = await bounded(caseId, () => handle(caseId).fetchHistory());
    const keyId = newestPayloadKeyId(events ?? []);
    if (keyId === undefined || keyId === payloadKeys.currentKeyId) return client;
    if (!payloadKeys.keys.has(keyId)) {
      throw new OperatorError(
        `${caseId}: the case was last written with key ${keyId}, which this command's PAYLOAD_KEYS lack; nothing was ` +
          "sent. Use the deployment's keys (beside make dev: .data/payload-keys)",
      );
    }
    return new Client({
      connection: client.connection,
      namespace: client.options.namespace,
      dataConverter: createDataConverter({ ...payloadKeys, currentKeyId: keyId }),
    });
  };
  return {
    /** The case, or what Temporal knows of it when its workflow cannot run. */
    show: (caseId: string): Promise<CaseView | UnrunnableCaseView> =>
      readable(caseId, () => caseOrWhyNot(client, caseId, bounded)),
    retry: (caseId: string, step: StepName): Promise<CaseView> =>
      update(caseId, (sender) =>
        sender.workflow
          .getHandle(caseId)
          .executeUpdate(actionCatalogue['retry-step'].update, { args: [{ actor, step }] }),
      ),
    skip: (caseId: string, step: StepName, reason: string): Promise<CaseView> =>
      update(caseId, (sender) =>
        sender.workflow
          .getHandle(caseId)
          .executeUpdate(actionCatalogue['skip-step'].update, { args: [{ actor, step, reason }] }),
      ),
    correctNumber: (caseId: string, applicationNumber: string, reason: string): Promise<CaseView> =>
      update(caseId, (sender) =>
        sender.workflow.getHandle(caseId).executeUpdate(actionCatalogue['correct-application-number'].update, {
          args: [{ actor, applicationNumber, reason }],
        }),
      ),
    cancel: (caseId: string, reason: string): Promise<CaseView> =>
      update(caseId, (sender) =>
        sender.workflow.getHandle(caseId).executeUpdate(actionCatalogue.withdraw.update, { args: [{ actor, reason }] }),
      ),
  };
}

/** Runs `read`; a payload of the case this command's keys cannot decrypt is one line that names the fix. */
async function readable<T>(caseId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof PayloadKeyError)) throw err;
    throw new OperatorError(
      `${caseId}: ${err.message}. This command's PAYLOAD_KEYS are not the deployment's, and nothing was sent: an ` +
        "update encrypted with keys the workers lack would fail the case's workflow tasks. Use the deployment's " +
        'keys (beside make dev: .data/payload-keys)',
    );
  }
}

function explain(failure: CaseCallFailure, caseId: string, timeoutMs: number): string {
  switch (failure.kind) {
    case 'rejected':
    case 'key-reused':
    case 'unprocessable':
    case 'forbidden':
      return `${caseId}: ${failure.reason ?? 'the case refused the action'}`;
    case 'closed':
      return `${caseId} is ${failure.status ?? 'closed'}; it takes no more actions`;
    case 'not-found':
      return `no case ${caseId}`;
    case 'timeout':
      return (
        `${caseId}: no worker answered within ${timeoutMs} ms; check that the worker runs (an update may still ` +
        "apply), and that PAYLOAD_KEYS here are the workers' own"
      );
    case 'starting':
      return `${caseId}: the case is still starting; try again shortly`;
    case 'recovering':
      return `${caseId}: the case is recovering (a worker died or failed on its last workflow task); nothing was applied, try again shortly`;
    case 'unavailable':
      return failure.why === 'unreachable'
        ? `${caseId}: Temporal is unreachable; try again shortly`
        : failure.why === 'no-worker'
          ? `${caseId}: no worker polls the cases' task queue; start the worker (npm run start:worker, or make dev), then try again`
          : `${caseId}: Temporal refused the call for now (busy or failed on its side); try again shortly`;
    case 'task-failing':
      return (
        `${caseId}: the case's last workflow tasks failed, so it takes no actions; try again shortly (a case ` +
        `whose worker died recovers by itself); if it persists: ${taskFailureRepair(caseId)}`
      );
    case 'unreplayable':
      return `${caseId}: a worker could not replay the case's history (a nondeterminism error); ${taskFailureRepair(caseId)}`;
  }
}
