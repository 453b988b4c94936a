import { isDeepStrictEqual } from 'node:util';
import type { Client, Connection } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Booking } from '../domain/booking';
import { boundedCalls, type BoundedCall } from '../lib/temporal/client';
import { listCasePage, unrunnableCase, type CasePage, type UnrunnableCaseView } from '../lib/temporal/visibility';
import { newcomerCaseWorkflow } from '../workflows';
import { caseBookingQuery, caseStatusQuery, caseWorkflowId, type CaseView } from '../workflows/definitions';
import { HttpProblem } from './problem';
import { toHttpProblem } from './temporal-errors';

interface CaseServiceDeps {
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** How long a query or an update may wait for a worker. */
  actionTimeoutMs: number;
}

/** The API's access to cases: starts, reads and advances them through Temporal, bounded in time. */
export class CaseService {
  private readonly bounded: BoundedCall;

  constructor(private readonly deps: CaseServiceDeps) {
    this.bounded = boundedCalls(deps.connection, deps.actionTimeoutMs, toHttpProblem);
  }

  /**
   * Starts the case of a booking. The workflow id is the idempotency key: the same booking again (even while
   * the first start races it) finds the existing case; the same reference with other content is a conflict.
   */
  async create(booking: Booking): Promise<{ created: boolean; view: CaseView | UnrunnableCaseView }> {
    const caseId = caseWorkflowId(booking.bookingReference);
    try {
      await this.bounded(caseId, () =>
        this.deps.client.workflow.start(newcomerCaseWorkflow, {
          taskQueue: this.deps.taskQueue,
          workflowId: caseId,
          args: [{ booking }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }),
      );
      return { created: true, view: await this.view(caseId) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const existing = await this.bounded(caseId, () =>
      this.deps.client.workflow.getHandle(caseId).query(caseBookingQuery),
    );
    if (!isDeepStrictEqual(normalise(existing), normalise(booking))) {
      throw new HttpProblem(
        409,
        'Conflict',
        `Booking ${booking.bookingReference} already has a case with different content; use a new reference.`,
        { caseId },
      );
    }
    return { created: false, view: await this.view(caseId) };
  }

  /** One page of a visibility query, bounded in time like every other call. */
  async list(request: { query: string; pageSize: number; nextPageToken?: Uint8Array }): Promise<CasePage> {
    return this.bounded('(list)', () => listCasePage(this.deps.client, request));
  }

  /**
   * The case as its workflow shows it. When the workflow cannot run (its tasks keep failing), the case still
   * answers: with what Temporal knows of it and why it needs an operator.
   */
  async view(caseId: string): Promise<CaseView | UnrunnableCaseView> {
    try {
      return await this.bounded(caseId, () => this.deps.client.workflow.getHandle(caseId).query(caseStatusQuery));
    } catch (err) {
      const unrunnable = await this.bounded(caseId, () => unrunnableCase(this.deps.client, caseId)).catch(
        () => undefined,
      );
      if (unrunnable) return unrunnable;
      throw err;
    }
  }

  /** Runs an Update; the workflow's validator decides, and its reason becomes the 409. */
  async act<A>(caseId: string, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<A>): Promise<A> {
    return this.bounded(caseId, () => run(this.deps.client.workflow.getHandle(caseId)));
  }
}

/** JSON round trip: the stored booking lost `undefined` fields on the way through Temporal. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
