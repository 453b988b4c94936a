import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../lib/data-converter';
import { parsePayloadKeys } from '../lib/encryption';
import { workflowsPath, workflowWebpackConfigHook } from '../worker/workflow-bundle';

/**
 * A case a chaos run completed (2026-12-01) whose history no worker can replay: a worker was killed while its BRP
 * registration completed, and two officer Updates came before another worker took it up, cold. That worker ran the
 * completion first and the Updates after; a replay hands both to the workflow in one activation, Updates first
 * (temporalio/sdk-python#1591, sdk-rust#943). The payloads are under that run's throwaway key.
 *
 * When this test fails, the SDK replays such histories: drop it, its fixture and the README's paragraph on it.
 */
const fixture = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'known-bad', 'cold-start-update.json');
const chaosRunKey = 'chaos:xMrOZXcdjbm4uZZIhycGjisVtQn4W+Avb3a1z9xlZ98=';

describe("the SDK's cold-start Update bug, until a release fixes it", () => {
  it('a history recorded by a cold worker with Updates pending does not replay', async function () {
    this.timeout(120_000);
    const history = historyFromJSON(JSON.parse(fs.readFileSync(fixture, 'utf8')));
    const replay = Worker.runReplayHistory(
      {
        workflowsPath,
        bundlerOptions: { webpackConfigHook: workflowWebpackConfigHook },
        dataConverter: createDataConverter(parsePayloadKeys(chaosRunKey)),
      },
      history,
      'case-BK-e270cf82-6189',
    );
    await assert.rejects(replay, /Nondeterminism error: Update machine does not handle this event: .*TimerCanceled/);
  });
});
