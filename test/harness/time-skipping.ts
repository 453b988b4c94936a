import assert from 'node:assert/strict';
import { isGrpcDeadlineError, type WorkflowHandle } from '@temporalio/client';
import { SearchAttributeType, type Duration, type Workflow, type WorkflowResultType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PermitApplication } from '../../activities/ind';
import { createDataConverter } from '../../lib/data-converter';
import { createLogger } from '../../lib/logger';
import { temporalTestServerPath } from '../../scripts/temporal-binaries';
import { createCaseWorkers, type CaseWorkers } from '../../worker/create-worker';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { defaultCaseSettings, type CaseSettings } from '../../workflows/settings';
import { eventually } from './eventually';
import { agencyConfig } from './temporal';

/**
 * Temporal's time-skipping test server (the Java test server as a native binary, pinned under `.temporal/`), for
 * tests whose clocks run for days. It has no advanced visibility: list and count queries belong in tests on the
 * dev server. The Runtime is the one the root hook installed.
 *
 * The SDK gives the server a fixed 5 s to start; on a busy machine that is tight, so a failed start is tried once
 * more before the error says what happened both times. A missing binary is not retried: `temporalTestServerPath()`
 * throws the message that says how to get one.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const path = temporalTestServerPath();
  const start = () =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  let env: TestWorkflowEnvironment;
  try {
    env = await start();
  } catch (first) {
    try {
      env = await start();
    } catch (second) {
      throw new Error(
        `The time-skipping test server at ${path} did not start, twice (the SDK allows 5 s per start). ` +
          `First: ${message(first)}. Second: ${message(second)}.`,
        { cause: second },
      );
    }
  }
  try {
    await registerCaseSearchAttributes(env);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

const indexedValueType = temporal.api.enums.v1.IndexedValueType;
const indexedTypes: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: indexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: indexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: indexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: indexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: indexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: indexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: indexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * The test server rejects an upsert of a custom search attribute it does not know ("search attribute WaitingOn is
 * not defined"): the workflow task fails and is retried for ever, so the case never moves. Register the case's
 * attributes through the operator service first, as `temporal server start-dev --search-attribute` does.
 */
async function registerCaseSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(caseSearchAttributes.map((key) => [key.name, indexedTypes[key.type]])),
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The case and agency workers of one test's task queue on the time-skipping server, with real-length clocks. */
export function caseWorkersOn(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  sandboxUrl: string,
  settings?: CaseSettings,
): Promise<CaseWorkers> {
  return createCaseWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: {
      logger: createLogger({ name: 'time-skipping-worker', level: 'silent' }),
      agencies: agencyConfig(sandboxUrl),
    },
    // The time-skipping environment's own client has the default converter; its workers match it.
    dataConverter: createDataConverter(),
    caseSettings: settings ?? defaultCaseSettings,
    // No prebuilt bundle is exported by ./temporal: the workers bundle from `workflowsPath` (about 1.3 s each).
    shutdownGraceMs: 2_000,
  });
}

/**
 * Moves the server's clock by `duration` (`env.sleep`), failing with the reason instead of hanging when the server
 * cannot skip. The test server locks time skipping from the moment an activity is scheduled until it completes,
 * fails or times out; while one runs, `env.sleep('15 days')` takes 15 days of real time. Terminating a workflow
 * does not release the lock of an activity it had in flight.
 */
export async function skipTime(env: TestWorkflowEnvironment, duration: Duration, limitMs = 30_000): Promise<void> {
  try {
    await env.connection.withDeadline(Date.now() + limitMs, () => env.sleep(duration));
  } catch (err) {
    if (!isGrpcDeadlineError(err)) throw err;
    throw new Error(
      `the test server did not skip ${String(duration)} within ${limitMs} ms of real time: time skipping is locked ` +
        'while any activity is scheduled or running (a polling activity, an agency call being retried), and for ' +
        'good by an activity that was in flight when its workflow was terminated',
      { cause: err },
    );
  }
}

/** A case's result through the time-skipping client (which skips time while it waits), or a clear failure. */
export async function resultWithin<T extends Workflow>(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle<T>,
  limitMs = 30_000,
): Promise<WorkflowResultType<T>> {
  try {
    return await env.connection.withDeadline(Date.now() + limitMs, () => handle.result());
  } catch (err) {
    if (!isGrpcDeadlineError(err)) throw err;
    throw new Error(
      `${handle.workflowId} did not finish within ${limitMs} ms of real time; if it waits on a clock, time ` +
        'skipping is locked by an activity that is scheduled or running',
      { cause: err },
    );
  }
}

/**
 * Ends a case's IND polling fall-back (`awaitPermitDecision`) without a decision, through the async-completion API,
 * as if the poll had stopped while the application is still pending. The case then waits on IND's call-back or an
 * officer's decision as before, and its clocks run unchanged.
 *
 * Why: the poll is one activity that runs until IND decides, and the test server does not skip time while an
 * activity is scheduled or running (not even `env.sleep`, which only releases the client's own lock). With the poll
 * running, a 90-day clock would take 90 days. Whether the poll survives a long wait cannot be tested on this server.
 */
export async function endPermitPolling(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  applicationNumber: string,
): Promise<void> {
  const poll = await eventually(async () => {
    const { raw } = await handle.describe();
    return raw.pendingActivities?.find((a) => a.activityType?.name === 'awaitPermitDecision') ?? undefined;
  }, 10_000);
  assert.ok(poll.activityId, 'the pending awaitPermitDecision activity has no activity id');
  const stillPending: PermitApplication = { applicationNumber, status: 'pending' };
  await env.client.activity.complete({ workflowId: handle.workflowId, activityId: poll.activityId }, stillPending);
}
