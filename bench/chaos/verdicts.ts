import type { AuditEntry } from '../../workflows/definitions';
import type { CaseKind } from './desk-bot';
import type { RetriedAnswer } from './http';

/** What the run found for one case, read after it: its view through the API and its Temporal history. */
export interface CaseEvidence {
  caseId: string;
  kind: CaseKind;
  /** `not found` when the API answered 404, `never booked` when no booking got through. */
  status: string;
  waitingOn: string[];
  audit: AuditEntry[];
  /** Causes of the history's WorkflowTaskFailed events that are not the benign ones below. */
  workflowTaskFailures: string[];
  /** Temporal's `TemporalReportedProblems` search attribute is set: its workflow tasks keep failing. */
  reportedProblems: boolean;
}

export interface LedgerEntry {
  agency: string;
  operation: string;
  idempotencyKey: string;
  caseRef: string;
}

/** Every number must be 0 for the run to pass. */
export interface Verdicts {
  /** Cases that did not complete: still open, ended otherwise, not found, or never booked. */
  lostCases: number;
  /**
   * Cases whose workflow tasks failed (other than the benign causes below) or that Temporal flags with
   * `TemporalReportedProblems`, plus the API's answers that say something broke: a 5xx other than its 503
   * ("retry"), or no answer at all.
   */
  wedged: number;
  /** An agency performed the same operation for a case twice (an e-mail: the same one twice). */
  duplicateSideEffects: number;
  /** A completed case lacks an agency operation its path needs. */
  missingSideEffects: number;
  /** An officer action is not exactly once in its case's audit trail, or IND's decision or card more than once. */
  actionsNotExactlyOnce: number;
}

/**
 * WorkflowTaskFailed causes that are Temporal's normal operation rather than a case in trouble: the server refused
 * a completion because a signal or update arrived meanwhile (the worker at once runs a new task), or a worker
 * dropped the case from its cache and replays it.
 */
export const benignTaskFailures = ['UNHANDLED_COMMAND', 'RESET_STICKY_TASK_QUEUE'];

/** The officer actions the bot takes on each path, as the audit trail names them: each exactly once. */
export const officerActions: Record<CaseKind, string[]> = {
  eu: ['check-in', 'record-advice'],
  vvr: ['check-in', 'capture-biometrics', 'hand-over-card', 'record-advice'],
};

/**
 * What IND reports, however it reaches the case (call-back or poll): at most once, since a call-back repeated
 * must change nothing. Not exactly once: a card found ready by the poll leaves no audit entry.
 */
export const agencyEvents = ['permit-decision', 'card-ready'];

/** What the bot's operator does, at most once a case: retry the BRP step of a case still failing after the outage. */
export const operatorActions = ['retry-step'];

/** The agency operations of each path (besides e-mails). */
export const sideEffects: Record<CaseKind, string[]> = {
  eu: ['register'],
  vvr: ['file-application', 'order-card', 'register', 'submit-biometrics'],
};

export function judge(cases: CaseEvidence[], ledger: LedgerEntry[], brokenAnswers: number): Verdicts {
  const completed = cases.filter((c) => c.status === 'completed');
  return {
    lostCases: cases.length - completed.length,
    wedged: cases.filter((c) => c.workflowTaskFailures.length > 0 || c.reportedProblems).length + brokenAnswers,
    duplicateSideEffects: duplicates(ledger).length,
    missingSideEffects: completed.reduce((n, c) => n + missingOperations(c, ledger).length, 0),
    actionsNotExactlyOnce: cases.reduce((n, c) => n + actionsOffCount(c).length, 0),
  };
}

/** `case operation` (an e-mail: with its idempotency key) of each side effect performed more than once. */
export function duplicates(ledger: LedgerEntry[]): string[] {
  const seen = new Map<string, number>();
  for (const e of ledger) {
    const key = `${e.caseRef} ${e.operation}${e.operation === 'send-email' ? ` ${e.idempotencyKey}` : ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`);
}

export function missingOperations(c: CaseEvidence, ledger: LedgerEntry[]): string[] {
  const done = new Set(ledger.filter((e) => e.caseRef === c.caseId).map((e) => e.operation));
  return sideEffects[c.kind].filter((operation) => !done.has(operation));
}

/**
 * The officer actions of a case not exactly once in its audit trail, and IND's events more than once, as
 * `action xN`. A case that did not complete may not have reached an action yet: there only a repeat counts.
 */
export function actionsOffCount(c: CaseEvidence): string[] {
  const times = (action: string) => [action, c.audit.filter((e) => e.action === action).length] as const;
  const officers = officerActions[c.kind].map(times).filter(([, n]) => n > 1 || (n === 0 && c.status === 'completed'));
  const atMostOnce = [...agencyEvents, ...operatorActions].map(times).filter(([, n]) => n > 1);
  return [...officers, ...atMostOnce].map(([action, n]) => `${action} x${n}`);
}

/**
 * The API's answers that say something broke: each 5xx other than 503 in its own log (call-backs included), and
 * each request of the bot that got no answer at all. A 503 with Retry-After is the API's documented "Temporal or
 * its workers did not answer in time, retry with the same request id": transient, retried, not counted.
 */
export function brokenAnswers(apiLogErrors: string[], retried: RetriedAnswer[]): string[] {
  const unanswered = retried
    .filter((a) => a.status === 0)
    .map((a) => `no answer to ${a.method} ${a.path}: ${a.detail}`);
  return [...apiLogErrors, ...unanswered];
}
