import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { caseStatusQuery, type CaseView } from '../../workflows/definitions';
import * as sa from '../../workflows/search-attributes';
import { isUnreplayable, type BoundedCall } from './client';

/** Every case workflow: the base of the API's work lists. Named here so clients load no workflow code. */
export const caseWorkflowsQuery = `WorkflowType = 'newcomerCaseWorkflow'`;

/** Cases still in progress: the scope of the stuck queries and of the Temporal UI's saved queries. */
export const openCasesQuery = `${caseWorkflowsQuery} AND ExecutionStatus = 'Running' AND CaseStatus = 'open'`;

/**
 * Temporal's own mark on a workflow whose tasks keep failing (a system search attribute, set after
 * `system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute` failures in a row, cleared by a success).
 * Values look like `category=WorkflowTaskFailed` and `cause=WorkflowTaskFailedCauseWorkflowWorkerUnhandledFailure`.
 */
export const TemporalReportedProblems = defineSearchAttributeKey(
  'TemporalReportedProblems',
  SearchAttributeType.KEYWORD_LIST,
);

/** The categories of `TemporalReportedProblems` that mean the case's workflow cannot run. */
export const taskProblemCategories = ['category=WorkflowTaskFailed', 'category=WorkflowTaskTimedOut'] as const;

/** Matches running cases whose workflow tasks keep failing, whatever their own search attributes say. */
export const taskFailingCondition = `TemporalReportedProblems IN (${taskProblemCategories.map((c) => `'${c}'`).join(', ')})`;

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
  /** `PersonOverdue`: the wait on a person past the case's person norm, if any. */
  personOverdue?: string;
  /** `CaseOutcome`: how a closed case ended. */
  outcome?: string;
  /** The booking site's opaque household reference, for cases that index it. */
  householdReference?: string;
  /** `TemporalReportedProblems`: empty while its workflow tasks succeed. */
  reportedProblems: string[];
  /**
   * The newcomer's name from the case's memo (encrypted like every payload), only when the desk console asked for
   * it: personal data, for a page's body. Absent for cases started before the memo held it.
   */
  newcomerName?: string;
}

/** The memo field of a case that holds the newcomer's name, for the desk's day list in one search. */
export const newcomerNameMemo = 'newcomerName';

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
    ...(attrs.get(sa.PersonOverdue) ? { personOverdue: attrs.get(sa.PersonOverdue) } : {}),
    ...(attrs.get(sa.CaseOutcome) ? { outcome: attrs.get(sa.CaseOutcome) } : {}),
    ...(attrs.get(sa.Household) ? { householdReference: attrs.get(sa.Household) } : {}),
    reportedProblems: attrs.get(TemporalReportedProblems) ?? [],
  };
}

/** Why a case's workflow cannot run, as Temporal reports it. */
export interface TaskFailure {
  /** Temporal's cause, e.g. `WorkflowWorkerUnhandledFailure` (the workflow code threw) or `NonDeterministicError`. */
  cause: string;
  /** The attempt Temporal is at with the case's current workflow task. */
  attempt: number;
  /** Temporal reports the tasks timed out: a worker took them and did not answer (stopped, paused, overloaded). */
  timedOut: boolean;
}

/**
 * Whether the case's workflow tasks keep failing: Temporal's reported problem, or a workflow task on its second
 * attempt or later (the search attribute lags the failures that set it). Undefined when the case runs.
 */
export function taskFailureOf(description: WorkflowExecutionDescription): TaskFailure | undefined {
  const problems = description.typedSearchAttributes.get(TemporalReportedProblems) ?? [];
  const reported = problems.some((p) => (taskProblemCategories as readonly string[]).includes(p));
  const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
  if (description.status.name !== 'RUNNING' || (!reported && attempt < 2)) return undefined;
  return { cause: causeOf(problems), attempt, timedOut: problems.includes('category=WorkflowTaskTimedOut') };
}

/**
 * What an operator reads of a case whose workflow tasks keep failing or timing out. A timeout is no fault of the
 * case's code: a worker took the task and did not answer, and the case resumes once one does.
 */
export function taskFailureAdvice(caseId: string, failure: TaskFailure): { detail: string; next: string } {
  const asIndexed = 'Below is its state as last indexed.';
  if (failure.timedOut) {
    return {
      detail:
        `The case's last workflow tasks timed out (${failure.cause}, attempt ${failure.attempt}): a worker took ` +
        `them and did not answer in time (stopped, paused or overloaded). It takes no actions until a worker ` +
        `answers, and resumes by itself then. ${asIndexed}`,
      next:
        `check the workers of the case's task queue (\`temporal task-queue describe\`) and their logs; restart a ` +
        `stuck one. The case needs no repair.`,
    };
  }
  const unknown = failure.cause === 'unknown';
  return {
    detail:
      `The case's last workflow tasks failed${unknown ? ' or timed out' : ''} (${unknown ? 'Temporal has not yet said why' : failure.cause}, attempt ${failure.attempt}); it takes no ` +
      `actions until one succeeds: by itself when a worker died on it or did not answer, after an operator's ` +
      `repair when its code fails. ${asIndexed}`,
    next: unknown
      ? `if a worker stopped or is overloaded, it resumes once one answers; otherwise ${taskFailureRepair(caseId)}`
      : taskFailureRepair(caseId),
  };
}

/** `cause=WorkflowTaskFailedCauseNonDeterministicError` → `NonDeterministicError`. */
export function causeOf(problems: readonly string[]): string {
  const cause = problems.find((p) => p.startsWith('cause='))?.slice('cause='.length);
  return cause?.replace(/^WorkflowTask(Failed|TimedOut)Cause/, '') ?? 'unknown';
}

/** What an operator does about a case whose workflow cannot run; the same words in the API and `cases`. */
export function taskFailureRepair(caseId: string): string {
  return (
    // Errors a workflow throws are encrypted like its payloads: only the codec shows them.
    `read the error in its last WorkflowTaskFailed event, decoded through the API's codec (the case's page in ` +
    `the Temporal UI, or \`temporal workflow show --workflow-id ${caseId} --codec-endpoint <API>/codec ` +
    `--codec-auth 'Bearer <operator token>'\`); ` +
    `deploy a worker build that runs the case (it resumes at Temporal's next attempt, within 10 minutes), or ` +
    `reset it to its last good step: \`temporal workflow reset --workflow-id ${caseId} --type LastWorkflowTask ` +
    `--reason "<why>"\``
  );
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
  options: { newcomerNames?: boolean } = {},
): Promise<CasePage> {
  const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, ...request });
  return {
    cases: await Promise.all(
      page.executions.map(async (e) => {
        const visible = visibleCase(
          e.execution?.workflowId ?? '',
          decodeTypedSearchAttributes(e.searchAttributes?.indexedFields),
        );
        const payload = options.newcomerNames ? e.memo?.fields?.[newcomerNameMemo] : undefined;
        if (!payload) return visible;
        const name = await decodeOptionalSinglePayload<string>(client.options.loadedDataConverter, payload);
        return typeof name === 'string' ? { ...visible, newcomerName: name } : visible;
      }),
    ),
    nextPageToken: page.nextPageToken?.length ? page.nextPageToken : undefined,
  };
}

/**
 * What a client can say of a case whose workflow cannot run, so it can answer rather than fail: the case's last
 * indexed state (search attributes, never personal data) and why it needs an operator.
 */
export interface UnrunnableCaseView {
  caseId: string;
  status: string;
  needsOperator: {
    /** Its workflow tasks keep failing; or a worker could not replay its history to answer (a nondeterminism error). */
    problem: 'workflow-task-failing' | 'history-does-not-replay';
    cause: string;
    attempt: number;
    detail: string;
    next: string;
  };
  municipalityCode?: string;
  purpose?: string;
  appointment?: { location?: string; startsAt?: string };
  waitingOn: string[];
  agencyRetrying: string[];
  slaBreached: boolean;
  nextDeadlineAt?: string;
}

export function isUnrunnable(view: object): view is UnrunnableCaseView {
  return 'needsOperator' in view;
}

/**
 * The case as its workflow shows it; when its workflow cannot run, or no worker can replay its history to answer,
 * what Temporal knows of it and why it needs an operator. The API's GET and `cases show` alike.
 */
export async function caseOrWhyNot(
  client: Client,
  caseId: string,
  bounded: BoundedCall,
): Promise<CaseView | UnrunnableCaseView> {
  let unreplayable = false;
  const query = () =>
    client.workflow
      .getHandle(caseId)
      .query(caseStatusQuery)
      .catch((err: unknown) => {
        unreplayable = isUnreplayable(err);
        throw err;
      });
  try {
    return await bounded(caseId, query);
  } catch (err) {
    const unrunnable = await bounded(caseId, () => unrunnableCase(client, caseId, { unreplayable })).catch(
      () => undefined,
    );
    if (unrunnable) return unrunnable;
    throw err;
  }
}

/**
 * The unrunnable view of a case, or undefined when its workflow runs (then a failed query has another cause).
 * `unreplayable`: its query just failed because a worker could not replay its history, which no task failure
 * shows for a case that has ended.
 */
export async function unrunnableCase(
  client: Client,
  caseId: string,
  options: { unreplayable?: boolean } = {},
): Promise<UnrunnableCaseView | undefined> {
  const description = await client.workflow.getHandle(caseId).describe();
  const failure = taskFailureOf(description);
  const ended = description.status.name !== 'RUNNING';
  if (!failure && !options.unreplayable) return undefined;
  const c = visibleCase(caseId, description.typedSearchAttributes);
  return {
    caseId,
    // A case whose very first task failed never set its status; Temporal runs it, so it is open.
    status: c.status ?? (ended ? description.status.name.toLowerCase() : 'open'),
    needsOperator: failure
      ? {
          problem: 'workflow-task-failing',
          cause: failure.cause,
          attempt: failure.attempt,
          ...taskFailureAdvice(caseId, failure),
        }
      : {
          problem: 'history-does-not-replay',
          cause: 'NonDeterministicError',
          attempt: description.raw.pendingWorkflowTask?.attempt ?? 0,
          detail:
            `A worker could not replay the case's history (a nondeterminism error), so the case cannot be shown` +
            `${ended ? ' (it has ended)' : ', and its next workflow task will fail the same way'}. Below is its ` +
            `state as last indexed.`,
          next:
            `a build that changed the workflow without patched(): deploy one that replays it; a case a worker ` +
            `cold-started with Updates pending (the SDK's cold-start Update bug, README, chaos section) replays ` +
            `on no build until an SDK release fixes it. ${taskFailureRepair(caseId)}`,
        },
    ...(c.municipality ? { municipalityCode: c.municipality } : {}),
    ...(c.purpose ? { purpose: c.purpose } : {}),
    ...(c.location || c.appointmentAt
      ? { appointment: { location: c.location, startsAt: c.appointmentAt?.toISOString() } }
      : {}),
    waitingOn: c.waitingOn,
    agencyRetrying: c.agencyRetrying,
    slaBreached: c.slaBreached,
    ...(c.nextDeadlineAt ? { nextDeadlineAt: c.nextDeadlineAt.toISOString() } : {}),
  };
}
