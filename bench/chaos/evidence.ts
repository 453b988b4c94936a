import { existsSync, readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { isUnrunnable, type UnrunnableCaseView } from '../../lib/temporal/visibility';
import { caseStatusQuery, type CaseView } from '../../workflows/definitions';
import { runPool } from '../stats';
import type { BotCase } from './desk-bot';
import type { PatientHttp } from './http';
import { benignTaskFailures, type CaseEvidence, type LedgerEntry } from './verdicts';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** Reads every case the bot booked: its view through the API (as an officer would) and its Temporal history. */
export async function caseEvidence(cases: BotCase[], api: PatientHttp, client: Client): Promise<CaseEvidence[]> {
  return runPool(
    cases.map((botCase) => async (): Promise<CaseEvidence> => {
      const evidence: CaseEvidence = {
        caseId: botCase.caseId,
        kind: botCase.kind,
        status: 'never booked',
        waitingOn: [],
        audit: [],
        workflowTaskFailures: [],
        reportedProblems: false,
      };
      if (!botCase.booked) return evidence;
      const answer = await api.request('GET', `/v1/cases/${botCase.caseId}`, { token: 'dev-operator' });
      if (answer.status === 404) return { ...evidence, status: 'not found' };
      if (answer.status !== 200)
        return { ...evidence, status: `${answer.status}${await whyNoView(client, botCase.caseId)}` };
      const view = answer.body as CaseView | UnrunnableCaseView;
      // Answered from what Temporal indexed: the case cannot be shown, whatever its status says.
      if (isUnrunnable(view)) {
        const why = `${view.needsOperator.problem}${await whyNoView(client, botCase.caseId)}`;
        return { ...evidence, status: `${view.status}, but ${why}`, waitingOn: view.waitingOn };
      }
      return {
        ...evidence,
        status: view.status,
        waitingOn: view.waitingOn,
        audit: view.audit,
        ...(await troubleInTemporal(client, botCase.caseId)),
      };
    }),
    4,
  );
}

/**
 * Why the API could not show a case, in the words of Temporal: how it ended, and what its query answers. A case
 * that ended but cannot replay fails its query with a nondeterminism error (the SDK's cold-start update bug, see
 * the README's chaos section).
 */
async function whyNoView(client: Client, caseId: string): Promise<string> {
  const handle = client.workflow.getHandle(caseId);
  const status = await handle.describe().then(
    (d) => d.status.name,
    () => 'not described',
  );
  const query = await handle.query(caseStatusQuery).then(
    () => 'answers now',
    (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200),
  );
  return ` (Temporal: ${status}; its query: ${query})`;
}

/** Workflow task failures in a case's history, and whether Temporal flags the case for them. */
async function troubleInTemporal(
  client: Client,
  caseId: string,
): Promise<Pick<CaseEvidence, 'workflowTaskFailures' | 'reportedProblems'>> {
  const history = await client.workflow.getHandle(caseId).fetchHistory();
  const workflowTaskFailures = (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    .map((e) => WorkflowTaskFailedCause[e.workflowTaskFailedEventAttributes?.cause ?? 0] ?? 'unknown')
    .map((cause) => cause.replace('WORKFLOW_TASK_FAILED_CAUSE_', ''))
    .filter((cause) => !benignTaskFailures.includes(cause));
  const described = await client.workflowService.describeWorkflowExecution({
    namespace: client.options.namespace,
    execution: { workflowId: caseId },
  });
  const attributes = described.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {};
  return { workflowTaskFailures, reportedProblems: 'TemporalReportedProblems' in attributes };
}

/**
 * The attempts of the agency calls that Temporal is retrying for these cases, summed: when the sum changes, a case that
 * shows nothing new (it waits up to 10 minutes between two attempts) is still moving. Undefined while Temporal
 * cannot answer.
 */
export async function retryAttempts(client: Client, caseIds: string[]): Promise<number | undefined> {
  try {
    let attempts = 0;
    for (const workflowId of caseIds) {
      const described = await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId },
      });
      for (const activity of described.pendingActivities ?? []) attempts += activity.attempt ?? 0;
    }
    return attempts;
  } catch {
    return undefined;
  }
}

export async function ledgerOf(admin: PatientHttp): Promise<LedgerEntry[]> {
  return ((await admin.request('GET', '/_admin/ledger')).body as { entries: LedgerEntry[] }).entries;
}

/**
 * The API's own 5xx answers other than 503, from its log: they include answers to IND's call-backs, which the
 * bot never sees.
 */
export function apiLogErrors(logFile: string): string[] {
  if (!existsSync(logFile)) return [];
  const errors: string[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { req?: { method?: string; url?: string }; res?: { statusCode?: number } };
    const status = entry.res?.statusCode ?? 0;
    if (status >= 500 && status !== 503) errors.push(`${status} ${entry.req?.method} ${entry.req?.url}`);
  }
  return errors;
}
