import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError, type Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HttpProblem } from '../../api/problem';
import { toHttpProblem } from '../../api/temporal-errors';
import { boundedCalls } from '../../lib/temporal/client';

/** The API's mapping of a failed case call, without a server: the connection only runs the call. */
const bounded = boundedCalls({ withDeadline: (_deadline, call) => call() } as Connection, 1000, toHttpProblem);

async function answerTo(err: Error): Promise<HttpProblem> {
  const thrown = await bounded('case-BK-1', () => Promise.reject(err)).catch((e: unknown) => e);
  assert.ok(thrown instanceof HttpProblem, `expected an HttpProblem, got ${String(thrown)}`);
  return thrown;
}

describe('api: what a failed update means to the caller', () => {
  it('answers 409 with the reason when the workflow refused the action', async () => {
    const refusal = ApplicationFailure.create({ message: 'check-in is not possible now', type: 'NotNow' });
    const problem = await answerTo(new WorkflowUpdateFailedError('Workflow Update failed', refusal));
    assert.equal(problem.status, 409);
    assert.equal(problem.detail, 'check-in is not possible now');
  });

  it('answers 503, to be retried, when Temporal rejected the update because no worker processed it', async () => {
    // Seen in `npm run chaos`: a worker killed while the update was on its way; the workflow never judged it.
    const unprocessed = ApplicationFailure.create({
      message: "Workflow Update is rejected because it wasn't processed by worker.",
      type: 'UnprocessedUpdate',
      nonRetryable: true,
    });
    const problem = await answerTo(new WorkflowUpdateFailedError('Workflow Update failed', unprocessed));
    assert.equal(problem.status, 503);
    assert.match(problem.detail ?? '', /Nothing was applied/);
  });
});
