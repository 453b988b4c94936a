import assert from 'node:assert/strict';
import { ServiceError, WorkflowUpdateFailedError, type Connection } from '@temporalio/client';
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

  it("answers 403 with the case's reason when the case refused the actor's role", async () => {
    const refusal = ApplicationFailure.create({
      message: 'the role desk-officer may not retry-step; only operator may',
      type: 'RoleNotAllowed',
      nonRetryable: true,
    });
    const problem = await answerTo(new WorkflowUpdateFailedError('Workflow Update failed', refusal));
    assert.equal(problem.status, 403);
    assert.equal(problem.detail, 'the role desk-officer may not retry-step; only operator may');
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

  /** A gRPC error as `@grpc/grpc-js` raises it: what a raw `workflowService` call (a case list) throws. */
  const grpcError = (code: number, details: string): Error =>
    Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { get: () => [] } });

  for (const [code, name] of [
    [14, 'UNAVAILABLE'],
    [8, 'RESOURCE_EXHAUSTED'],
    [10, 'ABORTED'],
    [13, 'INTERNAL'],
    [2, 'UNKNOWN'],
  ] as const) {
    it(`answers 503 with Retry-After, never 500, when Temporal answers ${name}, wrapped by the client or raw`, async () => {
      for (const err of [grpcError(code, name), new ServiceError('call failed', { cause: grpcError(code, name) })]) {
        const problem = await answerTo(err);
        assert.equal(problem.status, 503, `${name} ${err.constructor.name}`);
        assert.equal(typeof problem.extra.retryAfterSeconds, 'number', 'says when to retry');
        assert.match(problem.detail ?? '', /retry/i);
      }
    });
  }

  it('leaves an error that is not Temporal saying "not now" to the 500 handler, with its request id', async () => {
    const bug = grpcError(3, 'INVALID_ARGUMENT');
    const thrown = await bounded('case-BK-1', () => Promise.reject(bug)).catch((e: unknown) => e);
    assert.equal(thrown, bug);
  });
});
