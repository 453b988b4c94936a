import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createAuthenticator } from '../../api/auth';
import { authOptionsOf, parseApiEnv } from '../../api/config';
import { createDataConverter } from '../../lib/data-converter';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import { createLogger } from '../../lib/logger';
import { projectRoot } from '../../scripts/temporal-binaries';
import { startDevServer } from '../../scripts/temporal-dev-server';
import { createCaseWorkers } from '../../worker/create-worker';
import { freePort } from '../harness/ports';
import { agencyConfig, testPayloadKeysSpec, testSettings, uniqueTaskQueue } from '../harness/temporal';

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
  const stops: (() => Promise<void>)[] = [() => server.stop()];
  // Everything is stopped, in reverse order, even when one part fails to stop; the first failure is reported.
  const stop = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const s of stops.reverse()) await s().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  };
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
    let release = (): void => undefined;
    const running = workers.runUntil(() => new Promise<void>((resolve) => (release = resolve)));
    // A worker that dies early is reported by stop(), not as an unhandled rejection in between.
    running.catch(() => undefined);
    stops.push(async () => {
      release();
      await running;
    });

    return { uiUrl: `http://127.0.0.1:${uiPort}`, apiUrl, codecToken, client, taskQueue, stop };
  } catch (err) {
    await stop();
    throw err;
  }
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
