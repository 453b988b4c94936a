import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createAuthenticator } from '../../api/auth';
import { authOptionsOf, parseApiEnv } from '../../api/config';
import { createDataConverter } from '../../lib/data-converter';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import type { Booking } from '../../domain/booking';
import { createLogger, type Logger } from '../../lib/logger';
import { startSandbox, type StartedSandbox } from '../../sandbox/app';
import { projectRoot } from '../../scripts/temporal-binaries';
import { startDevServer } from '../../scripts/temporal-dev-server';
import { createCaseWorkers, type CaseWorkers } from '../../worker/create-worker';
import { testApp, tokens } from '../harness/api';
import { freePort } from '../harness/ports';
import { testSandboxAdminToken } from '../harness/sandbox-admin';
import { agencyConfig, caseWorkers, testPayloadKeysSpec, testSettings, uniqueTaskQueue } from '../harness/temporal';

/** The whole service as an operator sees it: a dev server with its Web UI, the API as codec server, workers. */
export interface UiStack {
  /** Base URL of the Temporal Web UI, e.g. `http://127.0.0.1:41234`. */
  uiUrl: string;
  /** Base URL of the API, which the UI calls to decode payloads. */
  apiUrl: string;
  /** The secret segment of the UI's codec link, `/codec/t/<codecToken>`. */
  codecToken: string;
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * Starts a second dev server, with the Web UI (the suite's shared one is headless), and the API and workers on
 * it. The UI's codec endpoint must be known when the server starts, so the API's port is chosen before either.
 */
export async function startUiStack(options: { sandboxUrl: string }): Promise<UiStack> {
  const [port, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const codecToken = randomBytes(16).toString('hex');
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const server = await startDevServer({
    port,
    uiPort,
    uiCodecEndpoint: `${apiUrl}/codec/t/${codecToken}`,
    logFile: path.join(projectRoot, 'test-artifacts', 'temporal-dev-server-ui.log'),
  });
  const { stops, stop } = stopper();
  stops.push(() => server.stop());
  try {
    const dataConverter = createDataConverter(parsePayloadKeys(testPayloadKeysSpec));
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, dataConverter });
    const taskQueue = uniqueTaskQueue('browser-ui');

    const api = await listen(apiPort, apiApp(client, connection, taskQueue, codecToken, uiPort));
    stops.push(() => closeServer(api));

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => nativeConnection.close());
    const workers = await createCaseWorkers({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: {
        logger: createLogger({ name: 'test-browser-worker', level: 'warn' }),
        agencies: agencyConfig(options.sandboxUrl),
      },
      // Long enough to stay stuck on BRP (not hand the step to an operator) for the whole suite, on a busy machine.
      caseSettings: testSettings({ agencyRetryVisibleAfterMs: 1_000, agencyRetryMaxMs: 600_000 }),
      dataConverter,
      shutdownGraceMs: 2_000,
    });
    stops.push(runUntilStopped(workers));

    return { uiUrl: `http://127.0.0.1:${uiPort}`, apiUrl, codecToken, client, taskQueue, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The desk console's service: the API (as `baseUrl`) with the workers and agencies its cases run on. */
export interface DeskStack {
  /** The API, e.g. `http://127.0.0.1:41234`; the console is `${baseUrl}/desk`. */
  baseUrl: string;
  sandbox: StartedSandbox;
  stop(): Promise<void>;
}

/**
 * Starts the API, the agencies' sandbox and real workers on the suite's Temporal server, on a task queue of its own
 * (`name` tells whose), then books each of `bookings` as the booking site would. IND calls the API back.
 */
export async function deskStack(
  name: string,
  options: { bookings?: Booking[]; logger?: Logger } = {},
): Promise<DeskStack> {
  const taskQueue = uniqueTaskQueue(name);
  const { stops, stop } = stopper();
  try {
    const api = await listen(0, testApp({ taskQueue, ...(options.logger ? { logger: options.logger } : {}) }));
    stops.push(() => closeServer(api));
    const baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const sandbox = await startSandbox({ callbackToken: 'dev-agency', adminToken: testSandboxAdminToken });
    stops.push(() => sandbox.close());
    const workers = await caseWorkers(taskQueue, {
      sandboxUrl: sandbox.url,
      agencyOverrides: { IND_CALLBACK_URL: `${baseUrl}/v1/agency-callbacks/ind` },
    });
    stops.push(runUntilStopped(workers));
    for (const booking of options.bookings ?? []) {
      const res = await fetch(`${baseUrl}/v1/cases`, {
        method: 'POST',
        headers: { authorization: tokens.bookingSite, 'content-type': 'application/json' },
        body: JSON.stringify(booking),
      });
      if (res.status !== 201) throw new Error(`booking ${booking.bookingReference}: ${res.status} ${await res.text()}`);
    }
    return { baseUrl, sandbox, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What a stack started, stopped newest first by `stop`, even when one part fails to; the first failure is thrown. */
function stopper(): { stops: (() => Promise<void>)[]; stop: () => Promise<void> } {
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  };
  return { stops, stop };
}

/** Runs the workers until the returned function is called; it resolves once they have shut down. */
function runUntilStopped(workers: CaseWorkers): () => Promise<void> {
  let release = (): void => undefined;
  const running = workers.runUntil(() => new Promise<void>((resolve) => (release = resolve)));
  // A worker that dies early is reported by stop(), not as an unhandled rejection in between.
  running.catch(() => undefined);
  return async () => {
    release();
    await running;
  };
}

function apiApp(client: Client, connection: Connection, taskQueue: string, codecToken: string, uiPort: number) {
  const config = parseApiEnv({ PAYLOAD_KEYS: testPayloadKeysSpec });
  return createApp({
    client,
    connection,
    logger: createLogger({ name: 'test-browser-api', level: 'silent' }),
    namespace: 'default',
    readinessTimeoutMs: 2000,
    taskQueue,
    actionTimeoutMs: config.ACTION_TIMEOUT_MS,
    codec: {
      codec: new AesGcmCodec(parsePayloadKeys(testPayloadKeysSpec)),
      corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
      urlToken: codecToken,
    },
    authenticate: createAuthenticator(authOptionsOf(config)),
  });
}

function listen(port: number, app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
