import assert from 'node:assert/strict';
import { ServiceError, WorkflowUpdateFailedError, type Client, type Connection } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, WorkflowNotFoundError } from '@temporalio/common';
import { HttpProblem } from '../../api/problem';
import { toHttpProblem } from '../../api/temporal-errors';
import {
  boundedCalls,
  classifyTemporalError,
  recheckMissingCase,
  type CaseCallFailure,
} from '../../lib/temporal/client';
import { CaseStatus } from '../../workflows/search-attributes';

/** The API's mapping of a failed case call, without a server: the connection only runs the call. */
const bounded = boundedCalls({ withDeadline: (_deadline, call) => call() } as Connection, 1000, toHttpProblem);

async function answerTo(err: Error): Promise<HttpProblem> {
  const thrown = await bounded('case-BK-1', () => Promise.reject(err)).catch((e: unknown) => e);
  assert.ok(thrown instanceof HttpProblem, `expected an HttpProblem, got ${String(thrown)}`);
  return thrown;
}

describe('api: what a failed update means to the caller', () => {
  // The ApplicationFailure inside a failed Update: the workflow's own refusals (a validator's throw), and the
  // server's UnprocessedUpdate, seen in `npm run chaos` when a worker was killed while the Update was on its way.
  for (const { answers, when, type, message, nonRetryable, detail } of [
    {
      answers: 409,
      when: 'with the reason when the workflow refused the action',
      type: 'NotNow',
      message: 'check-in is not possible now',
      nonRetryable: false,
      detail: 'check-in is not possible now',
    },
    {
      answers: 403,
      when: "with the case's reason when the case refused the actor's role",
      type: 'RoleNotAllowed',
      message: 'the role desk-officer may not retry-step; only operator may',
      nonRetryable: true,
      detail: 'the role desk-officer may not retry-step; only operator may',
    },
    {
      answers: 503,
      when: 'to be retried when Temporal rejected the update because no worker processed it',
      type: 'UnprocessedUpdate',
      message: "Workflow Update is rejected because it wasn't processed by worker.",
      nonRetryable: true,
      detail: /Nothing was applied/,
    },
  ]) {
    it(`answers ${answers} ${when}`, async () => {
      const failure = ApplicationFailure.create({ message, type, nonRetryable });
      const problem = await answerTo(new WorkflowUpdateFailedError('Workflow Update failed', failure));
      assert.equal(problem.status, answers);
      if (typeof detail === 'string') assert.equal(problem.detail, detail);
      else assert.match(problem.detail ?? '', detail);
    });
  }

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

  it('answers 503, never 500, to a query while no worker polls the case (every worker down or restarting)', async () => {
    // What Temporal 1.32 answered a case's query in a chaos run, seconds after both workers were killed.
    const details = 'no poller seen for task queue recently, worker may be down';
    for (const err of [
      grpcError(9, details),
      new ServiceError('Failed to query Workflow', { cause: grpcError(9, details) }),
    ]) {
      const problem = await answerTo(err);
      assert.equal(problem.status, 503, err.constructor.name);
      assert.equal(typeof problem.extra.retryAfterSeconds, 'number', 'says when to retry');
      assert.match(problem.detail ?? '', /No worker is running the cases right now.*nothing was changed/);
    }
  });

  it('tells a query a worker could not replay (a nondeterminism error) from one of a case still starting', async () => {
    // What the client threw for a completed case's query in a chaos run (the SDK's cold-start Update bug).
    const queryFailed = (message: string): Error =>
      Object.assign(new Error(message), { name: 'QueryNotRegisteredError' });
    const nde = queryFailed(
      'querying workflow failed: [TMPRL1100] Nondeterminism error: Update machine does not handle this event: ' +
        'HistoryEvent(id: 80, TimerCanceled)',
    );
    assert.deepEqual(classifyTemporalError(nde), { kind: 'unreplayable' });
    const problem = await answerTo(nde);
    assert.equal(problem.status, 503);
    assert.match(problem.detail ?? '', /could not replay its history .*persists until an operator repairs it/);
    const starting = queryFailed('Workflow did not register a handler for caseStatus');
    assert.deepEqual(classifyTemporalError(starting), { kind: 'starting' });
  });

  it('leaves an error that is not Temporal saying "not now" to the 500 handler, with its request id', async () => {
    const bug = grpcError(3, 'INVALID_ARGUMENT');
    const thrown = await bounded('case-BK-1', () => Promise.reject(bug)).catch((e: unknown) => e);
    assert.equal(thrown, bug);
  });

  describe('a case that has ended, or never existed', () => {
    // The words Temporal 1.32 answers an Update with: before the call came, and while it waited on the last task.
    for (const message of ['workflow execution already completed', 'workflow update was aborted by closing workflow']) {
      it(`answers 409 "closed", not 404, when Temporal says "${message}"`, async () => {
        const problem = await answerTo(new WorkflowNotFoundError(message, 'case-BK-1', undefined));
        assert.equal(problem.status, 409);
        assert.equal(problem.detail, 'Case case-BK-1 is closed; it takes no more actions.');
      });
    }

    it('answers 409 "closed" when the case accepted the action but ended before it was done', async () => {
      const aborted = ApplicationFailure.create({
        message: 'Workflow Update failed because the Workflow completed before the Update completed.',
        type: 'AcceptedUpdateCompletedWorkflow',
        nonRetryable: true,
      });
      const problem = await answerTo(new WorkflowUpdateFailedError('Workflow Update failed', aborted));
      assert.equal(problem.status, 409);
      assert.match(problem.detail ?? '', /case-BK-1 is closed/);
    });

    it('answers 404 for a case that never existed', async () => {
      const problem = await answerTo(
        new WorkflowNotFoundError('workflow not found for ID: case-BK-1', 'case-BK-1', undefined),
      );
      assert.equal(problem.status, 404);
      assert.equal(problem.detail, 'There is no case case-BK-1.');
    });
  });

  describe('asking again about a case an Update did not find', () => {
    /** A client whose `describe` answers as Temporal would for one case, or throws. */
    const clientDescribing = (answer: () => Promise<object>): Client =>
      ({
        connection: { withDeadline: (_deadline: number, call: () => Promise<unknown>) => call() },
        workflow: { getHandle: () => ({ describe: answer }) },
      }) as unknown as Client;
    const described = (status: string, caseStatus?: string) => () =>
      Promise.resolve({
        status: { name: status },
        typedSearchAttributes: new TypedSearchAttributes(caseStatus ? [{ key: CaseStatus, value: caseStatus }] : []),
      });
    const notFound: CaseCallFailure = { kind: 'not-found' };
    const recheck = (client: Client, failure: CaseCallFailure = notFound) =>
      recheckMissingCase(client, 'case-BK-1', failure, 1000);

    it("names how the case ended, by its own status, whatever words Temporal's NOT_FOUND used", async () => {
      const failure = await recheck(clientDescribing(described('COMPLETED', 'withdrawn')));
      assert.deepEqual(failure, { kind: 'closed', status: 'withdrawn' });
      assert.equal(
        toHttpProblem(failure, 'case-BK-1').detail,
        'Case case-BK-1 is withdrawn; it takes no more actions.',
      );
      const closed = await recheck(clientDescribing(described('COMPLETED', 'completed')), { kind: 'closed' });
      assert.deepEqual(closed, { kind: 'closed', status: 'completed' });
    });

    it('names how its workflow was closed when the case itself never said (terminated while open)', async () => {
      assert.deepEqual(await recheck(clientDescribing(described('TERMINATED', 'open'))), {
        kind: 'closed',
        status: 'terminated',
      });
      assert.deepEqual(await recheck(clientDescribing(described('TIMED_OUT'))), {
        kind: 'closed',
        status: 'timed out',
      });
    });

    it('keeps 404 for a case Temporal does not know, and the first answer when Temporal does not answer', async () => {
      const missing = clientDescribing(() =>
        Promise.reject(new WorkflowNotFoundError('workflow not found for ID: case-BK-1', 'case-BK-1', undefined)),
      );
      assert.deepEqual(await recheck(missing), notFound);
      const down = clientDescribing(() => Promise.reject(new Error('14 UNAVAILABLE')));
      assert.deepEqual(await recheck(down, { kind: 'closed' }), { kind: 'closed' });
    });

    it('answers 503, to be retried, when the case runs: Temporal lost the Update, not the case', async () => {
      const failure = await recheck(clientDescribing(described('RUNNING', 'open')));
      assert.equal(toHttpProblem(failure, 'case-BK-1').status, 503);
    });

    it('leaves every other failure as it was, without asking', async () => {
      const unasked = clientDescribing(() => Promise.reject(new Error('must not be asked')));
      const rejected: CaseCallFailure = { kind: 'rejected', reason: 'check-in is not possible now' };
      assert.equal(await recheck(unasked, rejected), rejected);
      assert.equal(classifyTemporalError(new Error('not Temporal')), undefined);
    });
  });
});
