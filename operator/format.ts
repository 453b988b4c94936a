import { escapeHidden } from '../domain/text';
import type { UnrunnableCaseView } from '../lib/temporal/visibility';
import type { CaseView } from '../workflows/definitions';
import { stuckKinds, type StuckCase } from './stuck';

/**
 * Text as a terminal shows it, not as it would act on it: control characters (but line breaks and tabs) and
 * text-direction marks from a case (an agency's words, an officer's reason) are written as `\u001b` escapes, so a
 * case cannot clear the operator's screen, retitle the window or show a name backwards. Inside JSON strings the same
 * escapes are valid JSON.
 */
export const terminalSafe = escapeHidden;

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `cases stuck --json`: one object per case, no personal data (visibility holds none). */
export function stuckJson(cases: StuckCase[]): string {
  return JSON.stringify(
    cases.map((c) => ({
      caseId: c.caseId,
      reasons: c.reasons,
      waitingOn: c.waitingOn,
      municipality: c.municipality ?? null,
      nextDeadlineAt: c.nextDeadlineAt?.toISOString() ?? null,
      agencyRetrying: c.agencyRetrying,
    })),
    null,
    2,
  );
}

/** `cases stuck`: one row per reason, the case's columns only on its first row, then a count per kind. */
export function stuckTable(cases: StuckCase[], scanned: number): string {
  if (cases.length === 0) return `no stuck cases (${scanned} open cases matched the stuck queries)`;
  const rows = cases.flatMap((c) =>
    c.reasons.map((r, i) =>
      i === 0
        ? [c.caseId, c.municipality ?? '', c.waitingOn.join(',') || '-', r.kind, r.why, r.next]
        : ['', '', '', r.kind, r.why, r.next],
    ),
  );
  const counts = stuckKinds
    .map((k) => [k, cases.filter((c) => c.reasons.some((r) => r.kind === k)).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const summary = `${cases.length} stuck case${cases.length === 1 ? '' : 's'} (${counts.join(', ')})`;
  return `${table(['CASE', 'MUNICIPALITY', 'WAITING ON', 'KIND', 'WHY', 'NEXT'], rows)}\n\n${summary}`;
}

/** The Temporal UI's saved queries, as links an operator opens (the same as the README's). */
export function savedQueriesText(links: readonly { title: string; url: string }[]): string {
  return [
    '',
    'Saved queries in the Temporal UI (no timestamp in them: bookmark them):',
    ...links.map((l) => `  ${l.title}: ${l.url}`),
  ].join('\n');
}

/** What `cases show` prints: the case view without its results (a BSN is personal data). */
export function caseSummary(view: CaseView, auditEntries: number) {
  return {
    caseId: view.caseId,
    status: view.status,
    ...(view.outcome ? { outcome: view.outcome } : {}),
    municipalityCode: view.municipalityCode,
    purpose: view.purpose,
    services: view.services,
    appointment: view.appointment,
    waitingOn: view.waitingOn,
    agencyRetrying: view.agencyRetrying,
    slaBreached: view.slaBreached,
    steps: view.steps,
    deadlines: view.deadlines,
    audit: view.audit.slice(-auditEntries),
  };
}

/** The status, then the outcome in words; an ended case's outcome starts with its status already. */
function headline(status: string, outcome: string | undefined): string {
  if (!outcome) return status;
  return outcome.startsWith(`${status}:`) ? outcome : `${status}: ${outcome}`;
}

export function caseText(view: CaseView, auditEntries: number): string {
  const c = caseSummary(view, auditEntries);
  const lines = [
    `${c.caseId}  ${headline(c.status, c.outcome)}`,
    `municipality ${c.municipalityCode}, ${c.purpose}; appointment ${c.appointment.location} ${c.appointment.startsAt}`,
    `waiting on: ${c.waitingOn.join(', ') || '-'}`,
    `agency retrying: ${c.agencyRetrying.join(', ') || '-'}   SLA breached: ${c.slaBreached ? 'yes' : 'no'}`,
    '',
    table(
      ['STEP', 'STATE', 'OUTCOME', 'WAITING ON', 'DETAIL'],
      c.steps.map((s) => [s.name, s.state, s.outcome ?? '', s.waitingOn ?? '', s.detail ?? '']),
    ),
    '',
    c.deadlines.length === 0
      ? 'no deadlines'
      : table(
          ['DEADLINE', 'DUE', 'STATE'],
          c.deadlines.map((d) => [d.name, d.dueAt, d.state]),
        ),
    '',
    `last ${c.audit.length} of ${view.audit.length} audit entries:`,
    table(
      ['AT', 'ACTOR', 'ROLE', 'ACTION', 'DETAIL'],
      c.audit.map((a) => [a.at, a.actor.id, a.actor.role, a.action, a.detail ?? '']),
    ),
  ];
  return lines.join('\n');
}

/** `cases show` of a case whose workflow cannot run: the problem first, then its state as last indexed. */
export function unrunnableText(view: UnrunnableCaseView): string {
  const { needsOperator: problem } = view;
  return [
    problem.problem === 'history-does-not-replay'
      ? `${view.caseId}  ${view.status}, NEEDS AN OPERATOR: a worker could not replay its history`
      : `${view.caseId}  ${view.status}, NEEDS AN OPERATOR if this persists: its last workflow tasks failed`,
    `cause: ${problem.cause} (attempt ${problem.attempt})`,
    `next: ${problem.next}`,
    '',
    'as last indexed:',
    `municipality ${view.municipalityCode ?? '-'}, ${view.purpose ?? '-'}; appointment ${view.appointment?.location ?? '-'} ${view.appointment?.startsAt ?? ''}`.trimEnd(),
    `waiting on: ${view.waitingOn.join(', ') || '-'}`,
    `agency retrying: ${view.agencyRetrying.join(', ') || '-'}   SLA breached: ${view.slaBreached ? 'yes' : 'no'}`,
    `next deadline: ${view.nextDeadlineAt ?? '-'}`,
  ].join('\n');
}
