import path from 'node:path';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createDataConverter } from '../lib/data-converter';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (`npm run bundle:workflows`); without it the workflows are bundled at start (development). */
  workflowBundlePath?: string;
  shutdownGraceMs?: number;
}

/** The path the bundler starts from: the compiled `workflows/index.js` beside this file's folder. */
export const workflowsPath = path.resolve(__dirname, '..', 'workflows', 'index.js');

/** Builds the worker that runs case workflows and their activities; used by `worker/main.ts` and the tests. */
export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: createDataConverter(),
    activities: createActivities(options.deps),
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
  });
}
