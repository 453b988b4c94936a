import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './harness/eventually';
import { freePort } from './harness/ports';
import { temporal, testPayloadKeysSpec, uniqueTaskQueue, workflowBundleFile } from './harness/temporal';

describe('the worker process answers its health endpoint', () => {
  let worker: ChildProcess | undefined;
  after(() => {
    if (worker?.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  });

  it('200 with every worker running once it polls, and nothing once it stopped', async () => {
    const port = await freePort();
    const taskQueue = uniqueTaskQueue('health');
    // Prebuilt, as production loads it: a process that bundles the workflows itself took over a minute to start
    // on a busy machine, and its health endpoint answers only once its workers run.
    const bundle = await workflowBundleFile();
    worker = spawn(process.execPath, [path.resolve(__dirname, '..', 'worker', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        TEMPORAL_ADDRESS: temporal().address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PAYLOAD_KEYS: testPayloadKeysSpec,
        WORKER_METRICS_ADDRESS: '',
        WORKER_REPORT_METRICS_ADDRESS: '',
        WORKER_HEALTH_ADDRESS: `127.0.0.1:${port}`,
        WORKFLOW_BUNDLE_PATH: bundle,
        // Warnings too: a health port that could not be bound is one, and this test would not say why otherwise.
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}/healthz`;

    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    const body = await eventually(async () => {
      assert.equal(exitCode, undefined, `the worker process exited (${exitCode}) before its health endpoint answered`);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      return (await res.json()) as { status: string; workers: Record<string, string> };
    }, 60_000);
    assert.equal(body.status, 'ok');
    assert.deepEqual(Object.keys(body.workers).sort(), [
      taskQueue,
      `${taskQueue}.brp`,
      `${taskQueue}.ind`,
      `${taskQueue}.notify`,
    ]);

    worker.kill('SIGTERM');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(url), 'nothing answers once the worker stopped');
  });
});
