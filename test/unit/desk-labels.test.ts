import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formFields } from '../../api/desk/action-forms';
import { languages, messages } from '../../api/desk/i18n';
import { agencies } from '../../domain/agency-failures';
import { actionNames } from '../../workflows/actions';
import { legalTermDeadline } from '../../workflows/case-state';
import { caseStatuses, roles, stepNames, visitPurposes, type StepState } from '../../workflows/definitions';

const workflowsDir = path.resolve(__dirname, '..', '..', '..', 'workflows');

/** The workflow code itself: every wait, step outcome and deadline the console can meet is written there. */
function workflowSource(): string {
  return readdirSync(workflowsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(path.join(workflowsDir, file), 'utf8'))
    .join('\n');
}

const found = (source: string, pattern: RegExp): string[] =>
  [...new Set([...source.matchAll(pattern)].map((m) => m[1]!))].sort();

const stepStates = Object.keys({
  'not-wanted': 0,
  blocked: 0,
  waiting: 0,
  running: 0,
  done: 0,
} satisfies Record<StepState, 0>);

describe('desk console: every name it shows has a Dutch and an English label', () => {
  const source = workflowSource();
  const waits = [
    ...found(source, /'((?:desk|ind|expat|newcomer|booking-site|agency|operator):[a-z-]+)'/g),
    // An agency call that keeps failing hands its step to an operator: `operator:${step}`.
    ...stepNames.map((step) => `operator:${step}`),
    // While an agency call is retried, its step shows `agency:${agency}`.
    ...agencies.map((agency) => `agency:${agency}`),
  ];
  const outcomes = [
    ...found(source, /\.finish\(\s*'[a-z-]+',\s*'([a-z-]+)'/g),
    // Outcomes the steps take from the case's state: the check-in's, the permit's, the advice's.
    ...['verified', 'in-doubt', 'not-verified', 'no-show'],
    ...['granted', 'refused', 'inadmissible', 'withdrawn'],
    ...['given', 'declined'],
  ];
  const deadlines = [...found(source, /runDeadline\(\s*state,\s*'([a-z-]+)'/g), legalTermDeadline];
  const events = [
    ...found(source, /\brecord\([^,()]+,\s*'([a-z-]+)'/g),
    ...['missed', 'cancelled'].map((ended) => `return-visit-${ended}`),
  ];
  const values = [...new Set(actionNames.flatMap((a) => formFields(a).flatMap((f) => f.options ?? [])))];
  const fields = [...new Set(actionNames.flatMap((a) => formFields(a).map((f) => f.name)))];

  it('finds the names in the workflow code (the walk is not empty)', () => {
    assert.ok(waits.length > 20, waits.join());
    assert.ok(outcomes.includes('handed-over') && outcomes.includes('registered'), outcomes.join());
    assert.ok(deadlines.includes('bsn-service-norm'), deadlines.join());
    assert.ok(values.includes('refer-to-rni'), values.join());
    assert.ok(events.includes('case-closed') && events.includes('escalated'), events.join());
  });

  for (const lang of languages) {
    it(`labels in ${lang === 'nl' ? 'Dutch' : 'English'} every wait, step, state, outcome, action, field and value`, () => {
      const t = messages[lang];
      const missing = (table: Record<string, unknown>, names: readonly string[], what: string): string[] =>
        names.filter((name) => typeof table[name] !== 'string' || table[name] === '').map((n) => `${what} ${n}`);
      const gaps = [
        ...missing(t.waits, waits, 'wait'),
        ...missing(t.turns, [...new Set(waits.map((w) => w.slice(0, w.indexOf(':'))))], 'turn'),
        ...missing(t.stepNames, stepNames, 'step'),
        ...missing(t.stepStates, stepStates, 'step state'),
        ...missing(t.outcomes, outcomes, 'outcome'),
        ...missing(t.statuses, caseStatuses, 'case status'),
        ...missing(t.deadlineNames, deadlines, 'deadline'),
        ...missing(t.actions, actionNames, 'action'),
        ...missing(t.events, events, 'audit event'),
        ...missing(t.fields, fields, 'field'),
        ...missing(t.values, [...values, ...visitPurposes], 'value'),
        ...missing(t.roles, roles, 'role'),
      ];
      assert.deepEqual(gaps, []);
    });
  }

  it('gives Dutch its own words, not the English ones left in place', () => {
    const tables = [
      'waits',
      'stepNames',
      'outcomes',
      'statuses',
      'deadlineNames',
      'events',
      'actions',
      'values',
    ] as const;
    const same = tables.flatMap((table) =>
      Object.entries(messages.nl[table])
        .filter(([key, nl]) => nl === (messages.en[table] as Record<string, string>)[key] && !/^[A-Z]{2,}/.test(nl))
        .map(([key]) => `${table}.${key}`),
    );
    assert.deepEqual(same, []);
  });
});
