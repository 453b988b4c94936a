import { caseActions } from '../workflows/actions';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import * as d from '../workflows/definitions';
import { vvrBooking } from './fixtures/bookings';
import { actors, startCase, stepOutcome, waitForCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { temporal, testPayloadKeysSpec, workflowBundleFile } from './harness/temporal';

/** The real worker process, as `npm run start:worker` runs it. */
async function startWorkerProcess(taskQueue: string, sandboxUrl: string): Promise<ChildProcess> {
  const bundlePath = await workflowBundleFile();
  return spawn(process.execPath, [path.resolve(__dirname, '..', 'worker', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...temporal().env,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BRP_URL_TEMPLATE: `${sandboxUrl}/brp/{municipalityCode}`,
      IND_URL: `${sandboxUrl}/ind`,
      NOTIFY_URL: `${sandboxUrl}/notify`,
      IND_POLL_INTERVAL_MS: '200',
      CASE_POLL_HEARTBEAT_TIMEOUT: '2s',
      WORKER_METRICS_ADDRESS: '',
      WORKER_REPORT_METRICS_ADDRESS: '',
      WORKER_HEALTH_ADDRESS: '',
      LOG_LEVEL: 'error',
      PAYLOAD_KEYS: testPayloadKeysSpec,
      WORKFLOW_BUNDLE_PATH: bundlePath,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function kill(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGKILL');
  await exited;
}

describe('a worker killed in the middle of a case', () => {
  const stack = useCaseStack({ name: 'restart' });

  it('loses nothing and repeats no officer action when a new worker takes over', async () => {
    const { admin, sandbox, taskQueue } = stack;
    const booking = vvrBooking();
    let worker = await startWorkerProcess(taskQueue, sandbox.url);
    try {
      const handle = await startCase(taskQueue, booking);
      await waitForCase(handle, (v) => v.waitingOn.includes('desk:check-in'), 'check-in', 60_000);
      await handle.executeUpdate(caseActions['check-in'].update, {
        args: [{ actor: actors.desk, identity: 'verified' }],
      });
      await waitingOn(handle, 'ind:biometrics');
      await handle.executeUpdate(caseActions['capture-biometrics'].update, {
        args: [{ actor: actors.ind, captureReference: 'CAP-K1' }],
      });
      const midway = await waitForCase(handle, (v) => stepOutcome(v, 'biometrics') === 'accepted', 'biometrics');

      await kill(worker);
      await admin.decide(midway.results.indApplicationNumber!, 'granted');
      worker = await startWorkerProcess(taskQueue, sandbox.url);

      await waitForCase(handle, (v) => v.waitingOn.includes('ind:card'), 'card ordered after the restart', 60_000);
      const card = [...sandbox.state.cards.values()].find((c) => c.caseRef === handle.workflowId);
      await admin.cardReady(card!.orderId);
      await waitingOn(handle, 'desk:card-hand-over');
      await handle.executeUpdate(caseActions['hand-over-card'].update, { args: [{ actor: actors.desk }] });
      await handle.executeUpdate(caseActions['record-advice'].update, {
        args: [{ actor: actors.expat, outcome: 'given' }],
      });
      const result = await handle.result();

      assert.equal(result.status, 'completed');
      const view = await handle.query(d.caseStatusQuery);
      const actions = view.audit.map((a) => a.action);
      assert.equal(actions.filter((a) => a === 'check-in').length, 1);
      assert.equal(actions.filter((a) => a === 'capture-biometrics').length, 1);
      const operations = (await admin.ledger(handle.workflowId))
        .map((e) => e.operation)
        .filter((o) => o !== 'send-email');
      assert.deepEqual(operations.sort(), ['file-application', 'order-card', 'register', 'submit-biometrics']);
    } finally {
      await kill(worker);
    }
  });
});
