import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { workflowStackTraceLimit } from '../worker/workflow-bundle';
import { euBooking } from './fixtures/bookings';
import { startCase, waitingOn } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';

/**
 * The workflow sandbox keeps fewer stack frames than V8's default (`workflowStackTraceLimit`), which makes an
 * officer's action cheaper. What an operator relies on must survive it: the UI's "Stack Trace" tab of a waiting
 * case names the step it waits in.
 */
describe('the case workflow stack trace, with the sandbox limit', () => {
  const stack = useCaseStack({ name: 'stack-trace' });

  it('the prebuilt production bundle sets the limit as it loads, before the SDK freezes the sandbox', async function () {
    this.timeout(120_000);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'one-stop-bundle-')), 'workflow-bundle.js');
    // What `npm run bundle:workflows` runs.
    await promisify(execFile)(process.execPath, [require.resolve('../worker/bundle'), file]);
    const firstLine = readFileSync(file, 'utf8').split('\n', 1)[0];
    assert.equal(firstLine, `Error.stackTraceLimit = ${workflowStackTraceLimit};`);
  });

  it("the UI's Stack Trace tab of a case waiting for check-in names the check-in step and its clock", async function () {
    this.timeout(60_000);
    const handle = await startCase(stack.taskQueue, euBooking());
    await stack.runWorkers(async () => {
      await waitingOn(handle, 'desk:check-in');
      // What the UI's "Stack Trace" tab sends.
      const trace = await handle.query<string>('__stack_trace');
      assert.match(trace, /checkInStep/);
      assert.match(trace, /clock|runDeadline/);
    });
    await handle.terminate('test done');
  });
});
