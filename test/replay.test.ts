import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../lib/data-converter';
import { AesGcmCodec, parsePayloadKeys } from '../lib/encryption';
import { fixturePayloadKeySpec } from './fixtures/payload-key';
import { workflowsPath, workflowWebpackConfigHook } from '../worker/workflow-bundle';
import { caseWorkflowId, type NewcomerCaseInput } from '../workflows/definitions';

/** The fixtures stay in the source tree (recorded by test/record-histories.ts); this file runs from dist/test. */
const historiesDir = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories');
const files = fs.existsSync(historiesDir)
  ? fs
      .readdirSync(historiesDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

const fixtureKeys = parsePayloadKeys(fixturePayloadKeySpec);

async function load(file: string): Promise<{ history: History; workflowId: string }> {
  try {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
    // The workflow reads its own id (the case id), so the replay runs under the id the case had.
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!input) throw new Error('the first event is not a workflow start with an input');
    // Histories recorded since payload encryption carry the fixture key's ciphertext; older ones are clear.
    const [clear] = await new AesGcmCodec(fixtureKeys).decode([input]);
    const { booking } = defaultPayloadConverter.fromPayload<NewcomerCaseInput>(clear!);
    return { history, workflowId: caseWorkflowId(booking.bookingReference) };
  } catch (err) {
    throw new Error(`${file} is not a readable case history: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

describe('recorded case histories replay against the current workflow code', () => {
  const errors = new Map<string, Error | undefined>();

  before(async function () {
    this.timeout(180_000);
    const histories = await Promise.all(files.map(load));
    const replay = Worker.runReplayHistories(
      {
        workflowsPath,
        bundlerOptions: { webpackConfigHook: workflowWebpackConfigHook },
        replayName: 'newcomer-case-replay',
        dataConverter: createDataConverter(fixtureKeys),
      },
      histories,
    );
    // One history at a time, so the results come in the order of the files.
    for await (const result of replay) errors.set(files[errors.size] ?? result.workflowId, result.error);
  });

  it('finds the histories of at least the five main scenarios', () => {
    assert.ok(files.length >= 5, `only ${files.length} histories in ${historiesDir}: run test/record-histories.ts`);
  });

  for (const file of files) {
    it(`replays ${file} without a nondeterminism error`, () => {
      assert.ok(errors.has(file), `${file} was not replayed`);
      const error = errors.get(file);
      if (error) assert.fail(`${file}: ${error.name}: ${error.message}`);
    });
  }
});
