import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { AgencyEnvSchema, parseEnv } from '../../lib/config';
import { createDataConverter } from '../../lib/data-converter';
import { createLogger } from '../../lib/logger';
import { defaultCaseSettings } from '../../workflows/settings';
import { createCaseWorkers } from '../../worker/create-worker';
import { bundlesFailureConverter } from '../../worker/workflow-bundle';

/** The line of a bundle where the SDK requires its failure converter, as webpack writes it with and without ours. */
const withConverter =
  'const customFailureConverter = (__webpack_require__(/*! __temporal_custom_failure_converter */ ' +
  '"./dist/lib/failure-converter.js").failureConverter);';
const withoutConverter =
  'const customFailureConverter = (__webpack_require__(/*! __temporal_custom_failure_converter */ "?0be9").failureConverter);';

describe('a prebuilt workflow bundle and the failure converter', () => {
  it("tells a bundle built with the service's failure converter from one built without", () => {
    assert.equal(bundlesFailureConverter(withConverter), true);
    assert.equal(bundlesFailureConverter(withoutConverter), false);
    assert.equal(bundlesFailureConverter(''), false);
  });

  it('a worker refuses, naming the file, a bundle whose cases would store failure messages in clear text', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'old-bundle-')), 'workflow-bundle.js');
    writeFileSync(file, withoutConverter);
    await assert.rejects(
      createCaseWorkers({
        // Never reached: the bundle is read before any worker exists.
        connection: undefined as unknown as NativeConnection,
        namespace: 'default',
        taskQueue: 'never-polled',
        deps: {
          logger: createLogger({ name: 'test-worker', level: 'silent' }),
          agencies: parseEnv(AgencyEnvSchema, {
            BRP_URL_TEMPLATE: 'http://127.0.0.1:9/brp/{municipalityCode}',
            IND_URL: 'http://127.0.0.1:9/ind',
            NOTIFY_URL: 'http://127.0.0.1:9/notify',
          }),
        },
        dataConverter: createDataConverter(),
        caseSettings: defaultCaseSettings,
        workflowBundle: { codePath: file },
      }),
      (err: Error) => err.message.includes(file) && /failure converter.*npm run bundle:workflows/.test(err.message),
    );
  });
});
