import assert from 'node:assert/strict';
import { taskFailureAdvice } from '../../lib/temporal/visibility';

describe('what an operator reads of a case whose workflow tasks do not complete', () => {
  it('a failure in its code: read the error, deploy a build that runs it, or reset it', () => {
    const advice = taskFailureAdvice('case-BK-1', {
      cause: 'WorkflowWorkerUnhandledFailure',
      attempt: 3,
      timedOut: false,
    });
    assert.match(advice.detail, /failed \(WorkflowWorkerUnhandledFailure, attempt 3\)/);
    assert.match(advice.next, /^read the error in its last WorkflowTaskFailed event/);
  });

  it('a timeout: a worker took the task and did not answer; the case resumes by itself', () => {
    const advice = taskFailureAdvice('case-BK-1', { cause: 'StartToClose', attempt: 2, timedOut: true });
    assert.match(advice.detail, /timed out \(StartToClose, attempt 2\): a worker took them and did not answer/);
    assert.match(advice.next, /The case needs no repair\.$/);
  });

  it('not yet reported (a second attempt, Temporal silent so far): either, and says so', () => {
    const advice = taskFailureAdvice('case-BK-1', { cause: 'unknown', attempt: 2, timedOut: false });
    assert.match(advice.detail, /failed or timed out \(Temporal has not yet said why, attempt 2\)/);
    assert.match(advice.next, /^if a worker stopped or is overloaded, it resumes once one answers; otherwise read/);
  });
});
