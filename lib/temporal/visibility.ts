import type { Client } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import * as sa from '../../workflows/search-attributes';

/** Every case workflow: the base of the API's work lists. Named here so clients load no workflow code. */
export const caseWorkflowsQuery = `WorkflowType = 'newcomerCaseWorkflow'`;

/** Cases still in progress: the scope of the stuck queries and of the Temporal UI's saved queries. */
export const openCasesQuery = `${caseWorkflowsQuery} AND ExecutionStatus = 'Running' AND CaseStatus = 'open'`;

/** A case as Temporal's visibility shows it, from its search attributes alone: never personal data. */
export interface VisibleCase {
  caseId: string;
  status: string | undefined;
  waitingOn: string[];
  agencyRetrying: string[];
  municipality: string | undefined;
  purpose: string | undefined;
  location: string | undefined;
  appointmentAt: Date | undefined;
  nextDeadlineAt: Date | undefined;
  slaBreached: boolean;
}

export function visibleCase(caseId: string, attrs: TypedSearchAttributes): VisibleCase {
  return {
    caseId,
    status: attrs.get(sa.CaseStatus),
    waitingOn: attrs.get(sa.WaitingOn) ?? [],
    agencyRetrying: attrs.get(sa.AgencyRetrying) ?? [],
    municipality: attrs.get(sa.Municipality),
    purpose: attrs.get(sa.Purpose),
    location: attrs.get(sa.DeskLocation),
    appointmentAt: attrs.get(sa.AppointmentAt),
    nextDeadlineAt: attrs.get(sa.NextDeadlineAt),
    slaBreached: attrs.get(sa.SlaBreached) ?? false,
  };
}

export interface CasePage {
  cases: VisibleCase[];
  /** Temporal's token of the next page; undefined on the last page. */
  nextPageToken: Uint8Array | undefined;
}

/**
 * One page of the cases a visibility query matches. The raw service call, not `client.workflow.list`, because
 * a work list pages through its callers and needs Temporal's page token.
 */
export async function listCasePage(
  client: Client,
  request: { query: string; pageSize: number; nextPageToken?: Uint8Array },
): Promise<CasePage> {
  const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, ...request });
  return {
    cases: page.executions.map((e) =>
      visibleCase(e.execution?.workflowId ?? '', decodeTypedSearchAttributes(e.searchAttributes?.indexedFields)),
    ),
    nextPageToken: page.nextPageToken?.length ? page.nextPageToken : undefined,
  };
}
