import assert from 'node:assert/strict';
import { caseText } from '../../operator/format';
import { caseView } from '../fixtures/case-views';

describe('cases show: the first line', () => {
  it('names an ended case status once, then its outcome in words', () => {
    const completed = caseView({ status: 'completed', outcome: 'completed: check-in verified, brp registered' });
    assert.equal(
      caseText(completed, 5).split('\n')[0],
      'case-BK-CURL-0001  completed: check-in verified, brp registered',
    );
  });

  it('puts the status before an outcome that does not start with it, and the status alone without one', () => {
    const withdrawing = caseView({ outcome: 'withdrawal in progress: undoing what can be undone' });
    assert.equal(
      caseText(withdrawing, 5).split('\n')[0],
      'case-BK-CURL-0001  open: withdrawal in progress: undoing what can be undone',
    );
    assert.equal(caseText(caseView({}), 5).split('\n')[0], 'case-BK-CURL-0001  open');
  });
});
