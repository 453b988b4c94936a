import { WithStartWorkflowOperation, type Client, type Connection } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Booking } from '../domain/booking';
import type { PayloadKeys } from '../lib/encryption';
import { startedInput } from '../lib/temporal/case-start';
import { boundedCalls, recheckMissingCase, type BoundedCall } from '../lib/temporal/client';
import {
  listCasePage,
  newcomerNameMemo,
  caseOrWhyNot,
  isUnrunnable,
  type CasePage,
  type UnrunnableCaseView,
  type VisibleCase,
} from '../lib/temporal/visibility';
import { newcomerCaseWorkflow } from '../workflows';
import { caseStartMetadata } from '../workflows/static-summary';
import {
  caseOpenedUpdate,
  caseWorkflowId,
  type Actor,
  type CaseView,
  type NewcomerCaseInput,
} from '../workflows/definitions';
import { viewFor, type RoleView } from './case-views';
import { bookingFingerprint, isSameBooking } from './booking-fingerprint';
import { HttpProblem } from './problem';
import { toHttpProblem } from './temporal-errors';

interface CaseServiceDeps {
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** How long a query or an update may wait for a worker. */
  actionTimeoutMs: number;
  /** The payload keys the booking fingerprints are taken with; omitted: a repeated booking is compared in full. */
  payloadKeys?: PayloadKeys;
}

/** The API's access to cases: starts, reads and advances them through Temporal, bounded in time. */
export class CaseService {
  private readonly bounded: BoundedCall;
  /** For Updates and signals: a case they did not find is asked again, as it may have just ended (409, not 404). */
  private readonly boundedAct: BoundedCall;

  constructor(private readonly deps: CaseServiceDeps) {
    this.bounded = boundedCalls(deps.connection, deps.actionTimeoutMs, toHttpProblem);
    this.boundedAct = boundedCalls(deps.connection, deps.actionTimeoutMs, async (failure, caseId) =>
      toHttpProblem(await recheckMissingCase(deps.client, caseId, failure, deps.actionTimeoutMs), caseId),
    );
  }

  /**
   * Starts the case of a booking. The workflow id is the idempotency key: the same booking again (even while
   * the first start races it) finds the existing case; the same reference with other content is a conflict.
   * `view` is the case after its first workflow task; undefined when no worker has run it within the action
   * timeout (the case is started all the same, and runs once a worker comes).
   */
  async create(
    booking: Booking,
    bookedBy: string,
  ): Promise<{ created: boolean; caseId: string; view?: CaseView | UnrunnableCaseView }> {
    const caseId = caseWorkflowId(booking.bookingReference);
    const start = new WithStartWorkflowOperation(newcomerCaseWorkflow, {
      taskQueue: this.deps.taskQueue,
      workflowId: caseId,
      args: [{ booking, bookedBy, ...this.fingerprintOf(booking, bookedBy) }],
      ...caseStartMetadata(booking),
      // The day list's name in the same search as the rest of the row; encrypted by the payload codec like the
      // booking itself, and read by nothing but the desk console.
      memo: { [newcomerNameMemo]: `${booking.person.givenNames} ${booking.person.familyName}` },
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      // One round trip: the start, and the case's answer once its steps have begun.
      const view = await this.bounded(caseId, () =>
        this.deps.client.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation: start }),
      );
      return { created: true, caseId, view };
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 503 && (await this.exists(caseId))) {
        return { created: true, caseId }; // started; no worker has run it yet
      }
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const existing = await this.bounded(caseId, () => startedInput(this.deps.client, caseId));
    if (existing?.bookedBy !== undefined && existing.bookedBy !== bookedBy) {
      // Another site's case: its reference is taken, and nothing more is said of it (not even its id).
      throw new HttpProblem(409, 'Conflict', `Booking reference ${booking.bookingReference} is taken; use a new one.`);
    }
    if (!isSameBooking(existing, booking, bookedBy, this.deps.payloadKeys)) {
      throw new HttpProblem(
        409,
        'Conflict',
        `Booking ${booking.bookingReference} already has a case with different content; use a new reference.`,
        { caseId },
      );
    }
    return { created: false, caseId, view: await this.viewOnceRun(caseId) };
  }

  private fingerprintOf(booking: Booking, bookedBy: string): Pick<NewcomerCaseInput, 'bookingFingerprint'> {
    const keys = this.deps.payloadKeys;
    return keys ? { bookingFingerprint: bookingFingerprint(booking, bookedBy, keys) } : {};
  }

  /** Whether Temporal holds the case (it may have started although the call that started it timed out). */
  private async exists(caseId: string): Promise<boolean> {
    return this.bounded(caseId, () => this.deps.client.workflow.getHandle(caseId).describe()).then(
      () => true,
      () => false,
    );
  }

  /** The view, or undefined while no worker has run the case yet (Temporal answers 503 for it). */
  private async viewOnceRun(caseId: string): Promise<CaseView | UnrunnableCaseView | undefined> {
    try {
      return await this.view(caseId);
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 503) return undefined;
      throw err;
    }
  }

  /** One page of a visibility query, bounded in time like every other call. */
  async list(
    request: { query: string; pageSize: number; nextPageToken?: Uint8Array },
    options: { newcomerNames?: boolean } = {},
  ): Promise<CasePage> {
    return this.bounded('(list)', () => listCasePage(this.deps.client, request, options));
  }

  /**
   * Every case a visibility query matches, for lists the API sorts itself (Temporal's SQL visibility has no
   * ORDER BY). More than `limit` is refused with a 422 rather than sorted in part.
   */
  async listAll(query: string, limit: number, options: { newcomerNames?: boolean } = {}): Promise<VisibleCase[]> {
    const cases: VisibleCase[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.list({ query, pageSize: 100, nextPageToken }, options);
      cases.push(...page.cases);
      if (cases.length > limit) {
        throw new HttpProblem(
          422,
          'Unprocessable Content',
          `More than ${limit} cases match; narrow the list (a location, a status) before it can be sorted.`,
        );
      }
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    return cases;
  }

  /**
   * The case as its workflow shows it. When the workflow cannot run (its tasks keep failing), the case still
   * answers: with what Temporal knows of it and why it needs an operator.
   */
  async view(caseId: string): Promise<CaseView | UnrunnableCaseView> {
    return caseOrWhyNot(this.deps.client, caseId, this.bounded);
  }

  /**
   * The case as `actor` may see it (`viewFor`). Another booking site's case is unknown to a booking site (404), also
   * while the case cannot run and answers from what Temporal knows of it, which does not say who booked it.
   */
  async viewAs(actor: Actor, caseId: string): Promise<RoleView> {
    let view: CaseView | UnrunnableCaseView;
    try {
      view = await this.view(caseId);
    } catch (err) {
      // A case no worker answers for (yet) is a 503 only to those who may know it exists.
      if (err instanceof HttpProblem && err.status === 503) await this.refuseOtherSite(actor, caseId);
      throw err;
    }
    if (isUnrunnable(view)) await this.refuseOtherSite(actor, caseId);
    return viewFor(actor, view);
  }

  /**
   * Answers 404 to a booking site for a case another site booked, read from the case's start (no worker needs to
   * run): an action on it must not even tell the site that the case exists. Cases started before bookings carried
   * the site are anyone's.
   */
  async refuseOtherSite(actor: Actor, caseId: string): Promise<void> {
    if (actor.role !== 'booking-site') return;
    const bookedBy = await this.bounded(caseId, async () => (await startedInput(this.deps.client, caseId))?.bookedBy);
    if (bookedBy !== undefined && bookedBy !== actor.id) {
      throw new HttpProblem(404, 'Not Found', `There is no case ${caseId}.`);
    }
  }

  /**
   * The booking the case started with, read from the first event of its history: no worker needs to run. Personal
   * data: the desk console shows the newcomer's name in a page's body, and nowhere else.
   */
  async booking(caseId: string): Promise<Booking | undefined> {
    return this.bounded(caseId, async () => (await startedInput(this.deps.client, caseId))?.booking);
  }

  /**
   * Runs an Update; the workflow's validator decides, and its reason becomes the 409. A case that has ended, even
   * while the Update waited for it, is a 409 that says how it ended; only a case that never existed is a 404.
   */
  async act<A>(caseId: string, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<A>): Promise<A> {
    return this.boundedAct(caseId, () => run(this.deps.client.workflow.getHandle(caseId)));
  }
}
