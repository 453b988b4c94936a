import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startSandbox, type StartedSandbox } from '../../sandbox/app';
import { testApp } from './api';
import { caseWorkers } from './temporal';

export interface ApiStack {
  sandbox: StartedSandbox;
  /** supertest against the API listening on a real port, as the booking site and officers call it. */
  api: ReturnType<typeof request>;
  /** Where it listens: `http://127.0.0.1:<port>`, for clients that are not supertest (the Temporal CLI's codec). */
  url: string;
  stop(): Promise<void>;
}

/** The API on a real port, with running case workers and a sandbox whose call-backs reach it. */
export async function startApiStack(taskQueue: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<ApiStack> {
  const sandbox = await startSandbox({ callbackToken: 'dev-agency' });
  const workers = await caseWorkers(taskQueue, { sandboxUrl: sandbox.url });
  const running = workers.run();
  const server: Server = testApp({ taskQueue, env: options.env }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sandbox,
    api: request(url),
    url,
    async stop() {
      workers.shutdown();
      await running;
      server.close();
      await sandbox.close();
    },
  };
}

/**
 * An API stack for the enclosing `describe`: started by its `before` hook (which may take a cold worker's minutes),
 * stopped by its `after`. Read `api` in the tests, once it has started.
 */
export function apiStackOfSuite(taskQueue: string): { readonly api: ReturnType<typeof request> } {
  let stack: ApiStack | undefined;
  before(async function () {
    this.timeout(180_000);
    stack = await startApiStack(taskQueue);
  });
  after(async () => {
    await stack?.stop();
  });
  return {
    get api() {
      if (!stack) throw new Error('the API stack is read before its before hook ran');
      return stack.api;
    },
  };
}
