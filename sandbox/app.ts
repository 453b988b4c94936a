import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { adminRouter } from './admin';
import { brpRouter } from './brp';
import { CallbackSender } from './callbacks';
import { resolveOptions, Scheduler, type SandboxContext, type SandboxOptions } from './context';
import { FaultInjector } from './faults';
import { createIdFactory } from './ids';
import { indRouter } from './ind';
import { resumeIndLifecycle } from './ind-lifecycle';
import { notifyRouter } from './notify';
import { errorHandler, notFoundHandler } from './problem';
import { createState, type SandboxState } from './state';
import { readStateFile, stateFileStore } from './state-file';
import { memoryOnly } from './state-store';

export type { SandboxOptions } from './context';
export type { SandboxState } from './state';

export interface Sandbox {
  app: Express;
  state: SandboxState;
  /** Stops the timers: pending decisions, cards and call-back retries. */
  close(): void;
  /** Resolves once every change so far is in the state file; at once without one. */
  flushed(): Promise<void>;
}

/**
 * The agency sandbox of docs/agency-api.md: the BRP of every served municipality under `/brp/{code}`, the IND
 * under `/ind` and Notify under `/notify`, in memory (and in `options.stateFile` when given), with faults and
 * call-backs steered through `/_admin`. Builds the app without listening, so tests drive it in-process.
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const resolved = resolveOptions(options);
  const saved = resolved.stateFile ? readStateFile(resolved.stateFile) : undefined;
  const state = saved?.state ?? createState();
  const ids = createIdFactory(saved?.ids);
  const scheduler = new Scheduler();
  const logger = resolved.logger;
  const store = resolved.stateFile
    ? stateFileStore(resolved.stateFile, () => ({ state, ids: ids.snapshot() }), logger)
    : memoryOnly;
  const ctx: SandboxContext = {
    options: resolved,
    state,
    store,
    scheduler,
    logger,
    faults: new FaultInjector(state, resolved.seed),
    callbacks: new CallbackSender({
      token: resolved.callbackToken,
      retryDelayMs: resolved.callbackRetryDelayMs,
      state,
      store,
      scheduler,
      logger,
    }),
    ids,
  };
  // Timers die with a process; what they were waiting for is in the state, so a restart sets them again.
  resumeIndLifecycle(ctx);
  ctx.callbacks.resume();

  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger, customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : 'info') }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/_admin', adminRouter(ctx));
  app.use('/brp/:code', brpRouter(ctx));
  app.use('/ind', indRouter(ctx));
  app.use('/notify', notifyRouter(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    state,
    close() {
      scheduler.clear();
      ctx.callbacks.stop();
    },
    flushed: () => store.flushed(),
  };
}

export interface StartedSandbox {
  /** Base URL such as `http://127.0.0.1:40123`; the agencies are at `${url}/brp/{code}`, `${url}/ind`, `${url}/notify`. */
  url: string;
  state: SandboxState;
  /** Stops the timers and the listener, dropping open connections, and waits for the state file. */
  close(): Promise<void>;
}

/** Starts a sandbox on 127.0.0.1, on `options.port` or a free port. */
export async function startSandbox(options: SandboxOptions & { port?: number } = {}): Promise<StartedSandbox> {
  const sandbox = createSandbox(options);
  const server = sandbox.app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state: sandbox.state,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        sandbox.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await sandbox.flushed();
    },
  };
}
