import path from 'node:path';
import { startHarness, stopHarness } from './temporal';

/** Where the suites that need no Temporal server live: `npm run test:unit` runs only them. */
const unitDir = `${path.sep}test${path.sep}unit${path.sep}`;

/** Whether any suite or test of this run comes from a file outside test/unit/. */
function needsServer(suite: Mocha.Suite): boolean {
  const outsideUnit = (file: string | undefined): boolean => file !== undefined && !file.includes(unitDir);
  return outsideUnit(suite.file) || suite.tests.some((t) => outsideUnit(t.file)) || suite.suites.some(needsServer);
}

/**
 * Mocha root hooks: one real Temporal dev server for the whole run, started only when the run holds an integration
 * suite. When it cannot be obtained the run fails here, loudly, with the message that says what to install; no
 * test is skipped for want of a server.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    if (!needsServer(this.test!.parent!)) return;
    this.timeout(180_000);
    await startHarness();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await stopHarness();
  },
};
