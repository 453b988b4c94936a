import assert from 'node:assert/strict';
import { caseText } from '../../operator/format';
import type { CaseView } from '../../workflows/definitions';

const view = (overrides: Partial<CaseView>): CaseView => ({
  caseId: 'case-BK-CURL-0001',
  bookingReference: 'BK-CURL-0001',
  status: 'open',
  municipalityCode: '0935',
  purpose: 'eu-citizen',
  services: ['brp-registration', 'advice'],
  appointment: { location: 'MIC-Maastricht', startsAt: '2026-12-07T09:30:00+01:00' },
  steps: [],
  waitingOn: [],
  deadlines: [],
  slaBreached: false,
  agencyRetrying: [],
  results: {},
  references: {},
  audit: [],
  ...overrides,
});

describe('cases show: the first line', () => {
  it('names an ended case status once, then its outcome in words', () => {
    const completed = view({ status: 'completed', outcome: 'completed: check-in verified, brp registered' });
    assert.equal(
      caseText(completed, 5).split('\n')[0],
      'case-BK-CURL-0001  completed: check-in verified, brp registered',
    );
  });

  it('puts the status before an outcome that does not start with it, and the status alone without one', () => {
    const withdrawing = view({ outcome: 'withdrawal in progress: undoing what can be undone' });
    assert.equal(
      caseText(withdrawing, 5).split('\n')[0],
      'case-BK-CURL-0001  open: withdrawal in progress: undoing what can be undone',
    );
    assert.equal(caseText(view({}), 5).split('\n')[0], 'case-BK-CURL-0001  open');
  });
});
