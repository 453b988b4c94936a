import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { NewcomerCaseInput } from '../../workflows/definitions';

/** The input a case was started with, from the first event of its history: no worker needs to run. */
export async function startedInput(client: Client, caseId: string): Promise<NewcomerCaseInput | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: caseId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [input] = (await decodeArrayFromPayloads(client.options.loadedDataConverter, payloads)) as [
    NewcomerCaseInput | undefined,
  ];
  return input;
}
