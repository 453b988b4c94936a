import assert from 'node:assert/strict';
import { brokenAnswers, judge, type CaseEvidence, type LedgerEntry } from '../../bench/chaos/verdicts';
import type { AuditEntry } from '../../workflows/definitions';

const audit = (...actions: string[]): AuditEntry[] =>
  actions.map((action) => ({ at: '2026-01-01T00:00:00Z', actor: { id: 'x', role: 'desk-officer' }, action }));

const euCase = (caseId: string, overrides: Partial<CaseEvidence> = {}): CaseEvidence => ({
  caseId,
  kind: 'eu',
  status: 'completed',
  waitingOn: [],
  audit: audit('check-in', 'brp-registered', 'record-advice', 'case-closed'),
  workflowTaskFailures: [],
  reportedProblems: false,
  ...overrides,
});

const entry = (caseRef: string, operation: string, idempotencyKey = `${caseRef}:${operation}`): LedgerEntry => ({
  agency: operation === 'send-email' ? 'notify' : 'brp',
  operation,
  idempotencyKey,
  caseRef,
});

const clean = { lostCases: 0, wedged: 0, duplicateSideEffects: 0, missingSideEffects: 0, actionsNotExactlyOnce: 0 };

describe('the verdicts of npm run chaos', () => {
  it('are all 0 for completed cases with each action and side effect once, and different e-mails', () => {
    const ledger = [
      entry('case-a', 'register'),
      entry('case-a', 'send-email', 'k1'),
      entry('case-a', 'send-email', 'k2'),
    ];
    assert.deepEqual(judge([euCase('case-a')], ledger, 0), clean);
  });

  it('count a case that is still open, not found or never booked as lost', () => {
    const cases = [euCase('case-a', { status: 'open' }), euCase('case-b', { status: 'not found', audit: [] })];
    assert.equal(judge(cases, [entry('case-a', 'register')], 0).lostCases, 2);
  });

  it('count the same operation twice for a case, and the same e-mail twice, as duplicates', () => {
    const ledger = [
      entry('case-a', 'register', 'k1'),
      entry('case-a', 'register', 'k2'),
      entry('case-a', 'send-email', 'e1'),
      entry('case-a', 'send-email', 'e1'),
    ];
    assert.equal(judge([euCase('case-a')], ledger, 0).duplicateSideEffects, 2);
  });

  it('count a completed case without its registration as a missing side effect', () => {
    assert.equal(judge([euCase('case-a')], [], 0).missingSideEffects, 1);
  });

  it('count an action twice, or missing from a completed case, but not one an open case has yet to reach', () => {
    const twice = euCase('case-a', { audit: audit('check-in', 'check-in', 'record-advice') });
    const missing = euCase('case-b', { audit: audit('check-in') });
    const notYet = euCase('case-c', { status: 'open', audit: audit('check-in') });
    const ledger = ['case-a', 'case-b', 'case-c'].map((c) => entry(c, 'register'));
    assert.equal(judge([twice, missing, notYet], ledger, 0).actionsNotExactlyOnce, 2);
  });

  it('count an IND decision twice, but not a card that the poll found ready and no entry records', () => {
    const vvr = (caseId: string, ...actions: string[]): CaseEvidence =>
      euCase(caseId, {
        kind: 'vvr',
        audit: audit('check-in', 'capture-biometrics', 'hand-over-card', 'record-advice', ...actions),
      });
    const cases = [vvr('case-a', 'permit-decision', 'permit-decision', 'card-ready'), vvr('case-b', 'permit-decision')];
    const ledger = cases.flatMap((c) =>
      ['file-application', 'order-card', 'register', 'submit-biometrics'].map((op) => entry(c.caseId, op)),
    );
    assert.equal(judge(cases, ledger, 0).actionsNotExactlyOnce, 1);
  });

  it("count the operator's retry of a case's BRP step twice, but not once or never", () => {
    const withRetries = (caseId: string, retries: number) =>
      euCase(caseId, {
        audit: audit('check-in', ...Array<string>(retries).fill('retry-step'), 'brp-registered', 'record-advice'),
      });
    const cases = [withRetries('case-a', 0), withRetries('case-b', 1), withRetries('case-c', 2)];
    const ledger = cases.map((c) => entry(c.caseId, 'register'));
    assert.equal(judge(cases, ledger, 0).actionsNotExactlyOnce, 1);
  });

  it('count failing workflow tasks, Temporal-reported problems and broken answers as wedged', () => {
    const cases = [
      euCase('case-a', { workflowTaskFailures: ['NON_DETERMINISTIC_ERROR'] }),
      euCase('case-b', { reportedProblems: true }),
      euCase('case-c'),
    ];
    const ledger = cases.map((c) => entry(c.caseId, 'register'));
    assert.equal(judge(cases, ledger, 3).wedged, 5);
  });

  it('take a 500 from the API log and a request without an answer as broken, a retried 503 not', () => {
    const retried = [
      { at: 0, method: 'GET', path: '/v1/cases/a', status: 503, transient: true, detail: 'retry' },
      { at: 0, method: 'POST', path: '/v1/cases', status: 0, transient: false, detail: 'ECONNRESET' },
    ];
    assert.deepEqual(brokenAnswers(['500 POST /v1/agency-callbacks/ind/decision'], retried), [
      '500 POST /v1/agency-callbacks/ind/decision',
      'no answer to POST /v1/cases: ECONNRESET',
    ]);
  });
});
