import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { AgencyEnvSchema, parseEnv } from '../lib/config';
import { createLogger } from '../lib/logger';
import { projectRoot } from '../scripts/temporal-binaries';
import { createCaseWorkers } from '../worker/create-worker';
import { defaultCaseSettings } from '../workflows/settings';
import type { BenchConfig } from './config';
import { say } from './io';
import { printLatencyReport } from './latency-report';
import { barePath, casePath, createBareWorker, type Path, type PathName, type TimedAction } from './paths';
import { startStack } from './stack';
import { runPool, Samples } from './stats';
import { updateTasks } from './task-times';

export type Latencies = Record<PathName, Record<TimedAction, Samples>>;

/** Per path and action, from the subjects' histories: the worker's share of each Update, and what it wrote. */
export interface TaskFigures {
  workerMs: Latencies;
  eventsWritten: Latencies;
}

export interface LatencyRun {
  officers: number;
  casesPerPath: number;
  /** Wall time of the measured part, and the actions taken in it. */
  seconds: number;
  actions: number;
  latency: Latencies;
  tasks: TaskFigures;
  /** 1-minute load average before the stack started and after the run: the machine is shared. */
  load: { before: number; after: number };
}

const timedActions: readonly TimedAction[] = ['checkIn', 'recordAdvice'];

/**
 * `npm run bench`: officers advance cases through the API, the same Updates go straight through the Temporal
 * client, and a bare workflow answers the same two updates with nothing but Temporal's round trip. All three are
 * interleaved in one run against one embedded server, so each sees the same load and the ratios are fair.
 */
export async function runLatencyBench(config: BenchConfig): Promise<void> {
  const officers = config.BENCH_OFFICERS;
  const casesPerPath = config.BENCH_CASES;
  say(
    `bench: ${officers} concurrent officers, ${casesPerPath} cases per path, ${config.WORKER_WORKFLOW_THREADS} ` +
      'workflow threads per worker (BENCH_OFFICERS, BENCH_CASES, WORKER_WORKFLOW_THREADS)',
  );
  const loadBefore = os.loadavg()[0]!;
  const taskQueue = 'bench-cases';
  const stack = await startStack({
    taskQueue,
    apiLog: config.BENCH_API_LOG,
    logFile: path.join(projectRoot, 'test-artifacts', 'bench-temporal.log'),
  });
  const nativeConnection = await NativeConnection.connect({ address: stack.server.address });
  try {
    const workers = await createCaseWorkers({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: {
        logger: createLogger({ name: 'bench-worker', level: 'error' }),
        agencies: parseEnv(AgencyEnvSchema, stack.agencyEnv),
      },
      caseSettings: defaultCaseSettings,
      dataConverter: stack.dataConverter,
      workflowThreads: config.WORKER_WORKFLOW_THREADS,
    });
    const bareWorker = await createBareWorker(
      nativeConnection,
      stack.dataConverter,
      undefined,
      undefined,
      config.WORKER_WORKFLOW_THREADS,
    );
    const paths = [
      barePath(stack.client),
      barePath(stack.client, 'commands'),
      casePath(stack.client, stack.apiUrl, 'direct'),
      casePath(stack.client, stack.apiUrl, 'http'),
    ];
    const measured = await workers.runUntil(() => bareWorker.runUntil(() => measure(paths, officers, casesPerPath)));
    printLatencyReport({ officers, casesPerPath, ...measured, load: { before: loadBefore, after: os.loadavg()[0]! } });
  } finally {
    await nativeConnection.close();
    await stack.close();
  }
}

async function measure(
  paths: Path[],
  officers: number,
  casesPerPath: number,
): Promise<Pick<LatencyRun, 'seconds' | 'actions' | 'latency' | 'tasks'>> {
  const latency = samplesOf(paths);
  // Path k % 3 for the k-th subject: whichever officer takes the next one, the paths stay interleaved.
  const plan = Array.from({ length: (officers + casesPerPath) * paths.length }, (_, k) => paths[k % paths.length]!);
  say(`bench: opening ${plan.length} cases and bare workflows...`);
  const subjects = await runPool(
    plan.map((p) => async () => ({ path: p, subject: await p.open() })),
    officers,
  );
  const advance = async ({ path: p, subject }: (typeof subjects)[number], timed: boolean): Promise<void> => {
    for (const action of timedActions) {
      await p.ready(subject, action);
      const started = performance.now();
      await p.take(subject, action);
      if (timed) latency[p.name][action].add(performance.now() - started);
    }
  };

  const warmUp = subjects.slice(0, officers * paths.length);
  say(`bench: warming up with ${warmUp.length}...`);
  await runPool(
    warmUp.map((s) => () => advance(s, false)),
    officers,
  );
  const timed = subjects.slice(warmUp.length);
  say(`bench: measuring ${timed.length} (${paths.map((p) => p.name).join(', ')} interleaved)...`);
  const started = performance.now();
  let done = 0;
  const every = Math.max(10, Math.ceil(timed.length / 10));
  await runPool(
    timed.map((s) => async () => {
      await advance(s, true);
      if (++done % every === 0 || done === timed.length) say(`bench: ${done}/${timed.length} advanced`);
    }),
    officers,
  );
  const seconds = (performance.now() - started) / 1000;
  say(`bench: reading the workflow tasks of ${timed.length} histories...`);
  const tasks = await taskFigures(paths, timed);
  return { seconds, actions: timed.length * timedActions.length, latency, tasks };
}

function samplesOf(paths: readonly Path[]): Latencies {
  return Object.fromEntries(
    paths.map((p) => [p.name, { checkIn: new Samples(), recordAdvice: new Samples() }]),
  ) as Latencies;
}

/**
 * Splits each timed Update's latency: the workflow task that ran it, as Temporal timed it from the task's start
 * to its completion (the worker's share), and the events that task wrote (the commands the Update caused).
 */
async function taskFigures(
  paths: readonly Path[],
  timed: readonly { path: Path; subject: WorkflowHandle }[],
): Promise<TaskFigures> {
  const figures: TaskFigures = { workerMs: samplesOf(paths), eventsWritten: samplesOf(paths) };
  await runPool(
    timed.map(({ path: p, subject }) => async () => {
      const history = await subject.fetchHistory();
      const tasks = updateTasks(history.events ?? []);
      for (const action of timedActions) {
        const task = tasks.find((t) => t.update === p.updates[action]);
        if (!task) continue;
        figures.workerMs[p.name][action].add(task.workerMs);
        figures.eventsWritten[p.name][action].add(task.eventsWritten);
      }
    }),
    4,
  );
  return figures;
}
