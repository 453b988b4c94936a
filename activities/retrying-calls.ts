import { Context } from '@temporalio/activity';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { Agency } from '../domain/agency-failures';

/** The last failed attempt of an agency call that Temporal keeps retrying. */
export interface LastAgencyError {
  message: string;
  attempt: number;
  /** When that attempt ended (ISO). */
  at?: string;
}

/**
 * Runs on the case worker as a local activity: what Temporal's retries of the case's own agency calls last saw.
 * The workflow cannot see a retried activity's failures (Temporal retries it on the server), so a case whose
 * agency keeps failing reads them from its own pending activities, to say in its current details what went wrong.
 * `agencyOf` maps each activity type to its agency (the agency workers' activities).
 */
export function createRetryingCallActivities(agencyOf: Readonly<Record<string, Agency>>) {
  return {
    async lastAgencyError(input: { agency: Agency }): Promise<LastAgencyError | undefined> {
      const { client, info } = Context.current();
      const execution = info.workflowExecution;
      if (!execution) return undefined;
      const description = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
      // Sorted before decoding: only the latest attempt's failure is decrypted, with the worker's own converter, as
      // the raw description holds only "Encoded failure" where the agency's words were.
      const failing = (description.raw.pendingActivities ?? [])
        .filter((p) => agencyOf[p.activityType?.name ?? ''] === input.agency && p.lastFailure)
        .sort((a, b) => (b.attempt ?? 0) - (a.attempt ?? 0))[0];
      const message = (
        await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failing?.lastFailure)
      )?.message;
      if (!failing || !message) return undefined;
      const ended = failing.lastAttemptCompleteTime?.seconds;
      return {
        message,
        attempt: failing.attempt ?? 0,
        ...(ended != null ? { at: new Date(Number(ended) * 1000).toISOString() } : {}),
      };
    },
  };
}
export type RetryingCallActivities = ReturnType<typeof createRetryingCallActivities>;
