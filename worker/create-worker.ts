import { readFile } from 'node:fs/promises';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createAgencyActivities, type ActivityDeps } from '../activities';
import { createCaseSettingsActivities } from '../activities/case-settings';
import { createRetryingCallActivities } from '../activities/retrying-calls';
import { createStuckReportActivities, createStuckReportMetrics, type StuckReportMetrics } from './stuck-report';
import type { CaseSettings } from '../workflows/settings';
import { agencies } from '../domain/agency-failures';
import { agencyTaskQueue } from '../workflows/definitions';
import { bundlesFailureConverter, workflowsPath, workflowWebpackConfigHook } from './workflow-bundle';

interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The case workflows' queue; each agency's activities poll `<taskQueue>.<agency>`. */
  taskQueue: string;
  deps: ActivityDeps;
  /** The service's data converter (`lib/data-converter.ts`), with the payload keys. */
  dataConverter: DataConverter;
  /** The deployment's case clocks, read by each new case. */
  caseSettings: CaseSettings;
  /** Where the daily stuck-cases report puts its counts; a fresh registry when omitted. */
  stuckReportMetrics?: StuckReportMetrics;
  /** A prebuilt bundle (`npm run bundle:workflows`); without it the workflows are bundled at start (development). */
  workflowBundle?: WorkflowBundleOption;
  shutdownGraceMs?: number;
  /** Cases kept in memory between workflow tasks; the SDK's own default when absent. */
  maxCachedWorkflows?: number;
  /** Threads that run workflow tasks (`WORKER_WORKFLOW_THREADS`); the SDK's own default, one, when absent. */
  workflowThreads?: number;
  /**
   * At most this long between two heartbeats an agency activity sends to Temporal (the SDK's own default, 80% of
   * the heartbeat timeout, when absent). A cancelled poll learns of it with its next heartbeat's answer.
   */
  heartbeatThrottleMs?: number;
}

/** The workers of one process: one for the case workflows, one per agency with that agency's rate limit. */
export class CaseWorkers {
  constructor(readonly workers: Worker[]) {}

  /** Runs until SIGINT/SIGTERM (or `shutdown()`), then lets in-flight activities finish within the grace time. */
  async run(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.run()));
  }

  shutdown(): void {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
  }

  /** Runs the workers while `fn` runs, then shuts them down: what tests use. */
  async runUntil<T>(fn: () => Promise<T>): Promise<T> {
    const running = this.run();
    try {
      return await Promise.race([
        fn(),
        running.then(() => Promise.reject(new Error('the workers stopped before the work was done'))),
      ]);
    } finally {
      this.shutdown();
      await running;
    }
  }
}

/** Builds the workers of a process; used by `worker/main.ts` and the tests. */
export async function createCaseWorkers(options: CaseWorkerOptions): Promise<CaseWorkers> {
  if (options.workflowBundle) await assertBundleEncodesFailures(options.workflowBundle);
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
    shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
  };
  const activities = createAgencyActivities(options.deps);
  const rateLimits = {
    brp: options.deps.agencies.BRP_RATE_LIMIT,
    ind: options.deps.agencies.IND_RATE_LIMIT,
    notify: options.deps.agencies.NOTIFY_RATE_LIMIT,
  };
  const caseWorker = Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    activities: {
      ...createCaseSettingsActivities(options.caseSettings),
      ...createRetryingCallActivities(
        Object.fromEntries(agencies.flatMap((agency) => Object.keys(activities[agency]).map((name) => [name, agency]))),
      ),
      ...createStuckReportActivities({ metrics: options.stuckReportMetrics ?? createStuckReportMetrics() }),
    },
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, bundlerOptions: { webpackConfigHook: workflowWebpackConfigHook } }),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.workflowThreads !== undefined ? { workflowThreadPoolSize: options.workflowThreads } : {}),
  });
  const agencyWorkers = agencies.map((agency) =>
    Worker.create({
      ...common,
      taskQueue: agencyTaskQueue(options.taskQueue, agency),
      activities: activities[agency],
      maxTaskQueueActivitiesPerSecond: rateLimits[agency],
      ...(options.heartbeatThrottleMs !== undefined
        ? { maxHeartbeatThrottleInterval: options.heartbeatThrottleMs }
        : {}),
    }),
  );
  return new CaseWorkers(await Promise.all([caseWorker, ...agencyWorkers]));
}

async function assertBundleEncodesFailures(bundle: WorkflowBundleOption): Promise<void> {
  const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
  if (!bundlesFailureConverter(code)) {
    const where = 'codePath' in bundle ? ` at ${bundle.codePath}` : '';
    throw new Error(
      `the workflow bundle${where} was built without the service's failure converter, so its cases would store ` +
        `failure messages in clear text: rebuild it with \`npm run bundle:workflows\``,
    );
  }
}
