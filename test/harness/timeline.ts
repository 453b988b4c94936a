import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import { temporal, testPayloadKeysSpec } from './temporal';

/**
 * What the Temporal UI's timeline names the workflow's commands by: each event's summary (activities, timers, local
 * activities), decoded as the UI's codec decodes it, in history order; `undefined` for an activity or timer without
 * one, which the UI shows by its function name or its number only.
 */
export async function timelineSummaries(workflowId: string): Promise<(string | undefined)[]> {
  const codec = new AesGcmCodec(parsePayloadKeys(testPayloadKeysSpec));
  const { history } = await temporal().client.workflowService.getWorkflowExecutionHistory({
    namespace: temporal().namespace,
    execution: { workflowId },
  });
  const summaries: (string | undefined)[] = [];
  for (const event of history?.events ?? []) {
    const named =
      event.activityTaskScheduledEventAttributes ??
      event.timerStartedEventAttributes ??
      (event.markerRecordedEventAttributes?.markerName === 'core_local_activity' ? event : undefined);
    const payload = event.userMetadata?.summary;
    if (!named && !payload) continue;
    if (!payload) {
      summaries.push(undefined);
      continue;
    }
    const [clear] = await codec.decode([payload]);
    summaries.push(defaultPayloadConverter.fromPayload<string>(clear!));
  }
  return summaries;
}
