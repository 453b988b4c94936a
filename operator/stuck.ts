import type { Client } from '@temporalio/client';
import {
  caseWorkflowsQuery,
  causeOf,
  openCasesQuery,
  taskFailingCondition,
  taskFailureAdvice,
  taskProblemCategories,
  visibleCase,
  type VisibleCase,
} from '../lib/temporal/visibility';
import { stepNames } from '../workflows/definitions';
import { formatDuration } from './config';

export const stuckKinds = [
  'task-failing',
  'agency-retrying',
  'waiting-on-operator',
  'past-deadline',
  'waiting-on-person',
] as const;
export type StuckKind = (typeof stuckKinds)[number];

export interface StuckNorms {
  /** How long after the appointment a case may wait on a person (STUCK_HUMAN_NORM), in milliseconds. */
  humanNormMs: number;
  /** How long `NextDeadlineAt` may lie in the past before the case counts as not acting on it (visibility lags). */
  deadlineGraceMs: number;
}

export const defaultStuckNorms: StuckNorms = { humanNormMs: 2 * 86_400_000, deadlineGraceMs: 60_000 };

/** What the stuck rules read of a case's visibility. */
export type CaseVisibility = Omit<VisibleCase, 'purpose' | 'location'>;

export interface StuckReason {
  kind: StuckKind;
  why: string;
  next: string;
}

export interface StuckCase extends CaseVisibility {
  reasons: StuckReason[];
}

const operatorWaits = stepNames.map((step) => `operator:${step}`);

/**
 * The clock rule for cases started before the case watched its own person norm (`PersonOverdue`, see `personWaits`
 * in `workflows/current-details.ts`): waits on a person that have no clock of their own. `ind:decision`, `ind:card`, `desk:card-hand-over` and
 * `newcomer:documents` are left out on purpose: a legal term, a service norm, the collection escalation or the
 * documents due date runs beside each of them and flags the case (past-deadline, or `operator:card`) when they
 * run late, whereas two days of waiting on an IND decision is normal.
 */
const humanWaits = [
  'desk:check-in',
  'desk:identity',
  'desk:address',
  'ind:biometrics',
  'ind:return-visa',
  'expat:advice',
] as const;

const who: Record<string, string> = { desk: 'the desk', ind: 'the IND officers', expat: 'the Expat Centre' };

const inList = (values: readonly string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;
const before = (now: Date, ms: number): string => new Date(now.getTime() - ms).toISOString();

/**
 * The condition of each kind of stuck case that needs no clock: the case marks itself (`AgencyRetrying`,
 * `SlaBreached`, `PersonOverdue`, its `WaitingOn`) when its own timers fire, and Temporal marks a case whose
 * workflow tasks fail. A saved query in the Temporal UI stays right whenever it is opened.
 */
const timelessConditions: Record<StuckKind, string> = {
  'task-failing': 'TemporalReportedProblems IS NOT NULL',
  'agency-retrying': 'AgencyRetrying IS NOT NULL',
  'waiting-on-operator': `WaitingOn IN ${inList(operatorWaits)}`,
  'past-deadline': 'SlaBreached = true',
  'waiting-on-person': 'PersonOverdue IS NOT NULL',
};

/**
 * The command's conditions: the timeless ones, and two that need a clock, which only the command has: a deadline
 * past due that the case has not acted on (no worker runs it), and, for cases started before the case watched its
 * own person norm, a wait on a person more than STUCK_HUMAN_NORM after the appointment.
 */
function stuckConditions(now: Date, norms: StuckNorms): Record<StuckKind, string> {
  return {
    ...timelessConditions,
    'task-failing': taskFailingCondition,
    'past-deadline': `(${timelessConditions['past-deadline']} OR NextDeadlineAt < '${before(now, norms.deadlineGraceMs)}')`,
    'waiting-on-person':
      `(${timelessConditions['waiting-on-person']} OR ` +
      `(WaitingOn IN ${inList(humanWaits)} AND AppointmentAt < '${before(now, norms.humanNormMs)}'))`,
  };
}

/**
 * A case whose workflow tasks fail may never have set its own status, so that kind is matched on every running
 * case; the others on open cases.
 */
const runningCasesQuery = `${caseWorkflowsQuery} AND ExecutionStatus = 'Running'`;

/** The Temporal UI's saved queries, one per kind: no timestamp, so a saved view never goes stale. */
export function stuckQueries(): Record<StuckKind, string> {
  const { 'task-failing': taskFailing, ...conditions } = timelessConditions;
  const queries = Object.entries(conditions).map(([k, condition]) => [k, `${openCasesQuery} AND ${condition}`]);
  return Object.fromEntries([['task-failing', `${runningCasesQuery} AND ${taskFailing}`], ...queries]) as Record<
    StuckKind,
    string
  >;
}

/** What each saved query finds, as the README and `cases stuck` title it. */
export const stuckQueryTitles: Record<StuckKind, string> = {
  'task-failing': 'its workflow cannot run',
  'agency-retrying': 'an agency keeps failing',
  'waiting-on-operator': 'a step waits on an operator',
  'past-deadline': 'a term or service norm was breached',
  'waiting-on-person': 'a person has not acted within the norm',
};

/** The Temporal UI's address of a workflow list filtered by `query` (`uiUrl` e.g. `http://localhost:8233`). */
export function workflowListLink(uiUrl: string, query: string, namespace = 'default'): string {
  // Parentheses and quotes encoded too, so the link survives markdown and a terminal's link detection.
  const encoded = encodeURIComponent(query).replace(/[()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encoded}`;
}

/** Each saved query as a ready-made link into the Temporal UI. */
export function stuckQueryLinks(
  uiUrl: string,
  namespace = 'default',
): { kind: StuckKind; title: string; url: string }[] {
  return Object.entries(stuckQueries()).map(([kind, query]) => ({
    kind: kind as StuckKind,
    title: stuckQueryTitles[kind as StuckKind],
    url: workflowListLink(uiUrl, query, namespace),
  }));
}

/** Every case that may be stuck, in one listing, so a case with several reasons comes once. */
function stuckQuery(now: Date, norms: StuckNorms): string {
  const { 'task-failing': taskFailing, ...conditions } = stuckConditions(now, norms);
  const openAndStuck = `(CaseStatus = 'open' AND (${Object.values(conditions).join(' OR ')}))`;
  return `${runningCasesQuery} AND (${taskFailing} OR ${openAndStuck})`;
}

/** Why a case is stuck and what an operator does about it; empty when it is not. Pure: the same rules as the query. */
export function classifyCase(c: CaseVisibility, now: Date, norms: StuckNorms): StuckReason[] {
  const id = c.caseId;
  const reasons: StuckReason[] = [];
  if (c.reportedProblems.some((p) => (taskProblemCategories as readonly string[]).includes(p))) {
    const timedOut = c.reportedProblems.includes('category=WorkflowTaskTimedOut');
    const { next } = taskFailureAdvice(id, { cause: causeOf(c.reportedProblems), attempt: 0, timedOut });
    reasons.push({
      kind: 'task-failing',
      why: `its workflow tasks keep ${timedOut ? 'timing out' : 'failing'} (${causeOf(c.reportedProblems)}); it takes no actions`,
      next,
    });
  }
  if (c.status !== 'open') return reasons;
  if (c.agencyRetrying.length > 0) {
    const agencies = c.agencyRetrying.join(', ');
    reasons.push({
      kind: 'agency-retrying',
      why: `${agencies} calls keep failing`,
      next:
        `check ${agencies}; Temporal keeps retrying, with back-off of up to ten minutes; once it answers again, ` +
        `\`cases retry ${id} <step>\` calls at once, or \`cases skip ${id} <step> <reason>\` when the work was ` +
        `done by hand`,
    });
  }
  const operatorSteps = c.waitingOn.filter((w) => w.startsWith('operator:')).map((w) => w.slice('operator:'.length));
  if (operatorSteps.length > 0) {
    reasons.push({
      kind: 'waiting-on-operator',
      why: `the ${operatorSteps.join(', ')} step waits on an operator`,
      next: operatorSteps
        .map((step) =>
          step === 'card'
            ? // What Temporal indexed does not say why; the case's current details (`cases show`) do.
              `if the card was not collected, \`cases skip ${id} card <reason>\` (it ends not-collected); if IND ` +
              `would not order it, \`cases retry ${id} card\` once IND answers again (\`cases show ${id}\` says which)`
            : `\`cases retry ${id} ${step}\` once the agency answers again, or \`cases skip ${id} ${step} <reason>\`` +
              (step === 'permit'
                ? `; if IND would not link the booking's application number, \`cases correct-number ${id} <number> <reason>\``
                : ''),
        )
        .join('; '),
    });
  }
  const overdue = c.nextDeadlineAt && c.nextDeadlineAt.getTime() < now.getTime() - norms.deadlineGraceMs;
  if (overdue || c.slaBreached) {
    const whys = [
      ...(overdue ? [`a deadline was due at ${c.nextDeadlineAt?.toISOString()} and the case has not acted on it`] : []),
      ...(c.slaBreached ? ['a service norm or legal term was breached (SlaBreached)'] : []),
    ];
    reasons.push({
      kind: 'past-deadline',
      why: whys.join('; '),
      next: `look at the case (\`cases show ${id}\`)${overdue ? ', check that a worker runs' : ''}, and escalate`,
    });
  }
  if (c.personOverdue) {
    reasons.push({
      kind: 'waiting-on-person',
      why: `waiting on ${c.personOverdue} past the case's person norm (PersonOverdue)`,
      next: `call ${who[c.personOverdue.split(':')[0] ?? ''] ?? 'the desk'} / reassign`,
    });
    return reasons;
  }
  const cutoff = now.getTime() - norms.humanNormMs;
  const people = c.waitingOn.filter((w) => (humanWaits as readonly string[]).includes(w));
  if (people.length > 0 && c.appointmentAt && c.appointmentAt.getTime() < cutoff) {
    const since = c.appointmentAt.toISOString();
    reasons.push({
      kind: 'waiting-on-person',
      why: `waiting on ${people.join(', ')} since the appointment at ${since}, over ${formatDuration(norms.humanNormMs)} ago`,
      next: `call ${[...new Set(people.map((w) => who[w.split(':')[0] ?? ''] ?? 'the desk'))].join(' and ')} / reassign`,
    });
  }
  return reasons;
}

/** Lists the stuck cases from visibility alone (no case is queried); `onProgress` hears every 200 cases scanned. */
export async function findStuckCases(
  client: Client,
  now: Date,
  norms: StuckNorms,
  onProgress?: (scanned: number) => void,
): Promise<{ scanned: number; cases: StuckCase[] }> {
  const cases: StuckCase[] = [];
  let scanned = 0;
  for await (const info of client.workflow.list({ query: stuckQuery(now, norms) })) {
    scanned += 1;
    if (scanned % 200 === 0) onProgress?.(scanned);
    const visible = visibleCase(info.workflowId, info.typedSearchAttributes);
    const reasons = classifyCase(visible, now, norms);
    if (reasons.length > 0) cases.push({ ...visible, reasons });
  }
  return { scanned, cases };
}
