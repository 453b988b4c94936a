import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type request from 'supertest';
import type { temporal as proto } from '@temporalio/proto';
import type { Booking } from '../../domain/booking';
import { classifyTemporalError } from '../../lib/temporal/client';
import { newcomerCaseWorkflow } from '../../workflows';
import { caseActions } from '../../workflows/actions';
import { caseStatusQuery, caseWorkflowId, type Actor, type CaseView } from '../../workflows/definitions';
import type { CaseSettings } from '../../workflows/settings';
import { caseStartMetadata } from '../../workflows/static-summary';
import { vvrBooking } from '../fixtures/bookings';
import { eventually } from './eventually';
import { temporal } from './temporal';

export const actors = {
  desk: { id: 'desk-officer-7', role: 'desk-officer' },
  ind: { id: 'ind-officer-3', role: 'ind-officer' },
  expat: { id: 'expat-advisor-2', role: 'expat-advisor' },
  operator: { id: 'operator-1', role: 'operator' },
  bookingSite: { id: 'booking-site', role: 'booking-site' },
} satisfies Record<string, Actor>;

export type CaseHandle = WorkflowHandle<typeof newcomerCaseWorkflow>;

export async function startCase(taskQueue: string, booking: Booking, settings?: CaseSettings): Promise<CaseHandle> {
  return temporal().client.workflow.start(newcomerCaseWorkflow, {
    taskQueue,
    workflowId: caseWorkflowId(booking.bookingReference),
    args: [{ booking, ...(settings ? { settings } : {}) }],
    ...caseStartMetadata(booking),
  });
}

/**
 * Reads the case until `predicate` holds; fails with what the case was doing instead. `source` is its workflow
 * (queried), or how a test reads it otherwise: over the API, as an officer's screen does.
 */
export async function waitForCase(
  source: CaseHandle | (() => Promise<CaseView>),
  predicate: (view: CaseView) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<CaseView> {
  const read = typeof source === 'function' ? source : () => source.query(caseStatusQuery);
  let last: CaseView | undefined;
  try {
    return await eventually(async () => {
      last = await read();
      return predicate(last) ? last : undefined;
    }, timeoutMs);
  } catch {
    throw new Error(
      `case never reached "${what}"; it waits on [${last?.waitingOn.join(', ')}], steps: ${JSON.stringify(last?.steps)}`,
    );
  }
}

/** Reads a case as an officer's screen does, over the API (a supertest agent of the API under test). */
export function overApi(api: ReturnType<typeof request>, token: string) {
  return (caseId: string) => async (): Promise<CaseView> => {
    const res = await api.get(`/v1/cases/${caseId}`).set('authorization', token);
    if (res.status !== 200) throw new Error(`GET /v1/cases/${caseId}: ${res.status} ${res.text}`);
    return res.body as CaseView;
  };
}
export const waitingOn = (handle: CaseHandle, wait: string): Promise<CaseView> =>
  waitForCase(handle, (v) => v.waitingOn.includes(wait), `waiting on ${wait}`);

/** Once the case waits for check-in, a desk officer checks the newcomer in (identity verified). */
export async function checkIn(handle: CaseHandle): Promise<CaseView> {
  await waitingOn(handle, 'desk:check-in');
  return handle.executeUpdate(caseActions['check-in'].update, { args: [{ actor: actors.desk, identity: 'verified' }] });
}

/** What the Temporal UI shows as the case's current details: the SDK's metadata query, as the UI sends it. */
export async function currentDetails(handle: CaseHandle): Promise<string> {
  const metadata = await handle.query<proto.api.sdk.v1.IWorkflowMetadata>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/**
 * A VVR case with the permit and biometrics services, checked in at the desk and its biometrics captured under
 * `captureReference` (the sandbox judges their quality by it: one with `BLURRY` needs a retake). IND makes a card
 * only with biometrics, so this is where a test of a card or a retake starts.
 */
export async function startCaseWithBiometrics(taskQueue: string, captureReference: string): Promise<CaseHandle> {
  const handle = await startCase(taskQueue, vvrBooking({ services: ['residence-permit', 'biometrics'] }));
  await checkIn(handle);
  await waitingOn(handle, 'ind:biometrics');
  await handle.executeUpdate(caseActions['capture-biometrics'].update, {
    args: [{ actor: actors.ind, captureReference }],
  });
  return handle;
}

/** What an officer's screen would say of an Update: 'applied', or 'refused: ' and the case's reason. */
export const answerOf = (update: Promise<unknown>): Promise<string> =>
  update.then(
    () => 'applied',
    (err: unknown) => `refused: ${(err as { cause?: { message?: string } }).cause?.message ?? String(err)}`,
  );

export const stepOutcome = (view: CaseView, step: string): string | undefined =>
  view.steps.find((s) => s.name === step)?.outcome;

/**
 * Takes an officer's action straight through the Temporal client, and retries it as the API's client retries a
 * 503: while Temporal retries a case's workflow task (its worker starved past the task's timeout on a busy
 * machine, or killed) it refuses Updates for a moment. Every attempt carries the same Update id: Temporal applies
 * an id once, so an attempt that did land before the refusal is answered, not applied again. Any other failure is
 * thrown.
 */
export async function act<T>(take: (updateId: string) => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const updateId = randomUUID();
  for (;;) {
    try {
      return await take(updateId);
    } catch (err) {
      const kind = classifyTemporalError(err)?.kind;
      const retryable = kind === 'task-failing' || kind === 'recovering';
      if (!retryable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
