import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { caseActions } from '../workflows/actions';
import * as d from '../workflows/definitions';
import { euBooking } from '../test/fixtures/bookings';
import { post, sleep } from './io';
import { workflowWebpackConfigHook } from '../worker/workflow-bundle';
import {
  bareCaseWorkflow,
  bareCheckInUpdate,
  bareRecordAdviceUpdate,
  bareStatusQuery,
  commandsCaseWorkflow,
  type CommandsActivities,
} from './bare-workflow';

/** The two officer actions the bench times: the first and the last a desk visit of an EU citizen takes. */
export type TimedAction = 'checkIn' | 'recordAdvice';
export type PathName = 'bare' | 'commands' | 'direct' | 'http';

/** One way of taking the two timed actions, on subjects it opens itself. */
export interface Path {
  name: PathName;
  open(): Promise<WorkflowHandle>;
  /** Resolves once the subject waits on the action; not timed. */
  ready(subject: WorkflowHandle, action: TimedAction): Promise<void>;
  /** What the bench times. */
  take(subject: WorkflowHandle, action: TimedAction): Promise<void>;
  /** The Update each action is, as the subject's history names it. */
  updates: Record<TimedAction, string>;
}

const bareTaskQueue = 'bench-bare';

const commandsActivities: CommandsActivities = { agencyStandIn: () => Promise.resolve() };

/**
 * The baselines' own worker (the bare workflow and the one that writes the case's commands), in this process
 * beside the case workers, with the same data converter: the payload codec is paid on both sides of the ratio.
 */
export function createBareWorker(
  connection: NativeConnection,
  dataConverter: DataConverter,
  taskQueue = bareTaskQueue,
  namespace = 'default',
  workflowThreads?: number,
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./bare-workflow'),
    activities: commandsActivities,
    // The same engine configuration as the cases' workers: only the workflow differs.
    bundlerOptions: { webpackConfigHook: workflowWebpackConfigHook },
    ...(workflowThreads !== undefined ? { workflowThreadPoolSize: workflowThreads } : {}),
    dataConverter,
  });
}

const requests = {
  checkIn: { actor: { id: 'desk-1', role: 'desk-officer' }, identity: 'verified' },
  recordAdvice: { actor: { id: 'expat-1', role: 'expat-advisor' }, outcome: 'given' },
} as const;

const caseWaitingOn: Record<TimedAction, string> = { checkIn: 'desk:check-in', recordAdvice: 'expat:advice' };

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
}

/**
 * A case that waits on an officer, with nothing else in flight: no workflow task, no activity (the e-mail that
 * announced the step). An officer acts seconds after the screen shows the step, not within milliseconds, and a
 * bare workflow is always settled: timing an action queued behind the case's own e-mail would measure the e-mail.
 */
async function settled(subject: WorkflowHandle): Promise<boolean> {
  const { raw } = await subject.describe();
  return (raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask;
}

/**
 * A baseline: `bare` answers with nothing but the round trip; `commands` with the commands the case's tasks write
 * for the same actions, and waits like a case for its stand-in calls before the next action.
 */
export function barePath(client: Client, name: 'bare' | 'commands' = 'bare', taskQueue = bareTaskQueue): Path {
  let opened = 0;
  return {
    name,
    open: () =>
      client.workflow.start(name === 'bare' ? bareCaseWorkflow : commandsCaseWorkflow, {
        taskQueue,
        workflowId: `${name}-${Date.now()}-${opened++}`,
      }),
    async ready(subject, action) {
      await until(async () => (await subject.query(bareStatusQuery)).waitingOn === action);
      if (name === 'commands') await until(() => settled(subject));
    },
    async take(subject, action) {
      const update = action === 'checkIn' ? bareCheckInUpdate : bareRecordAdviceUpdate;
      await subject.executeUpdate(update, { args: [requests[action]] });
    },
    updates: { checkIn: bareCheckInUpdate.name, recordAdvice: bareRecordAdviceUpdate.name },
  };
}

/** A case booked through the API, its actions sent straight through the Temporal client or through the API. */
export function casePath(client: Client, apiUrl: string, via: 'direct' | 'http'): Path {
  return {
    name: via,
    async open() {
      const booked = (await post(`${apiUrl}/v1/cases`, 'dev-booking-site', euBooking())) as { caseId: string };
      return client.workflow.getHandle(booked.caseId);
    },
    async ready(subject, action) {
      await until(async () => (await subject.query(d.caseStatusQuery)).waitingOn.includes(caseWaitingOn[action]));
      await until(() => settled(subject));
    },
    async take(subject, action) {
      const url = `${apiUrl}/v1/cases/${subject.workflowId}/actions`;
      if (action === 'checkIn') {
        if (via === 'http') await post(`${url}/check-in`, 'dev-desk-officer', { identity: 'verified' });
        else await subject.executeUpdate(caseActions['check-in'].update, { args: [requests.checkIn] });
      } else {
        if (via === 'http') await post(`${url}/record-advice`, 'dev-expat-advisor', { outcome: 'given' });
        else await subject.executeUpdate(caseActions['record-advice'].update, { args: [requests.recordAdvice] });
      }
    },
    updates: { checkIn: caseActions['check-in'].update.name, recordAdvice: caseActions['record-advice'].update.name },
  };
}
