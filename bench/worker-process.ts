import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sleep } from './io';

const run = promisify(execFile);
const distRoot = path.resolve(__dirname, '..');

export interface WorkerProcess {
  pid: number;
  /** Set once the process has exited, with what it exited with. */
  readonly exit?: { code: number | null; signal: NodeJS.Signals | null };
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** The worker's variables (`WorkerEnvSchema`) on top of this process's environment. */
  env: Record<string, string>;
  taskQueue: string;
  /** Where the prebuilt workflow bundle goes, and where the worker's output goes. */
  bundleFile: string;
  logFile: string;
  /** To see the worker polling. */
  client: Client;
}

/**
 * `node dist/worker/main.js` as a child, the way production runs it: its own process, loading a prebuilt
 * workflow bundle (`npm run bundle:workflows`), so its RSS is the worker's alone, without the bundler's heap and
 * without the API, sandbox and load generator of the bench process.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  await run(process.execPath, [path.join(distRoot, 'worker', 'bundle.js'), options.bundleFile]);
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, [path.join(distRoot, 'worker', 'main.js')], {
    env: { ...process.env, ...options.env, WORKFLOW_BUNDLE_PATH: options.bundleFile, NODE_ENV: 'production' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exit: WorkerProcess['exit'];
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const worker: WorkerProcess = {
    pid: child.pid!,
    get exit() {
      return exit;
    },
    async stop() {
      if (!exit) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
    },
  };

  const deadline = Date.now() + 60_000;
  while (!(await polling(options.client, options.taskQueue))) {
    if (worker.exit)
      throw new Error(`the worker exited (code ${worker.exit.code}) before it polled; see ${options.logFile}`);
    if (Date.now() > deadline) {
      await worker.stop();
      throw new Error(`the worker did not poll ${options.taskQueue} within 60 s; see ${options.logFile}`);
    }
    await sleep(250);
  }
  return worker;
}

async function polling(client: Client, taskQueue: string): Promise<boolean> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return answer.pollers.length > 0;
}
