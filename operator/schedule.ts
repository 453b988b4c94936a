import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
  type Workflow,
} from '@temporalio/client';
import type { StuckCasesReportInput } from '../worker/stuck-report';

export const stuckCheckScheduleId = 'stuck-cases-daily';
/** Registered by the case worker (workflows/stuck-cases-report.ts); named here so the CLI loads no workflow code. */
export const stuckCasesReportWorkflowType = 'stuckCasesReportWorkflow';

interface StuckCheckScheduleOptions {
  /** The case task queue, where the worker that runs the report listens. */
  taskQueue: string;
  humanNormMs: number;
}

/** Every morning before the desk opens, in the desk's time zone. */
const spec: ScheduleSpec = {
  calendars: [{ hour: 6, minute: 0, comment: 'daily at 06:00, before the desk opens' }],
  timezone: 'Europe/Amsterdam',
};

const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } as const;

/** Creates the schedule `stuck-cases-daily`, or brings an existing one up to date: running it twice is harmless. */
export async function upsertStuckCheckSchedule(
  client: Client,
  options: StuckCheckScheduleOptions,
): Promise<'created' | 'updated'> {
  const input: StuckCasesReportInput = { humanNormMs: options.humanNormMs };
  const action: ScheduleOptionsStartWorkflowAction<Workflow> = {
    type: 'startWorkflow',
    workflowType: stuckCasesReportWorkflowType,
    workflowId: 'stuck-cases-report',
    taskQueue: options.taskQueue,
    args: [input],
    // Ends a run no worker takes (e.g. before the workflow is deployed) instead of leaving it open for ever.
    workflowRunTimeout: '1 hour',
  };
  try {
    await client.schedule.create({ scheduleId: stuckCheckScheduleId, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(stuckCheckScheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  return 'updated';
}
