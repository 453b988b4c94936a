import { startHarness, stopHarness } from './temporal';

/**
 * Mocha root hooks: one real Temporal dev server for the whole run. When it cannot be obtained the run fails
 * here, loudly, with the message that says what to install; no test is skipped for want of a server.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(180_000);
    await startHarness();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopHarness();
  },
};
