import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import pino from 'pino';
import { createApp } from '../api/app';
import { createAuthenticator } from '../api/auth';
import { authOptionsOf, parseApiEnv } from '../api/config';
import { createDataConverter } from '../lib/data-converter';
import { generatePayloadKey, parsePayloadKeys } from '../lib/encryption';
import { createLogger } from '../lib/logger';
import { startSandbox, type StartedSandbox } from '../sandbox/app';
import { startDevServer, type DevServer } from '../scripts/temporal-dev-server';
import { freePort } from '../test/harness/ports';

export interface StackOptions {
  /** The case workflows' queue, which the API starts cases on. */
  taskQueue: string;
  /** pino level of the in-process API. */
  apiLog: string;
  /** Where the API's log goes; stdout when omitted. */
  apiLogFile?: string;
  /** Where the Temporal server's output goes. */
  logFile: string;
  /** A SQLite file for the server; omitted keeps everything in memory. */
  dbFile?: string;
}

/** What every bench mode runs on: one embedded Temporal server, the agency sandbox and the API, in this process. */
export interface BenchStack {
  server: DevServer;
  sandbox: StartedSandbox;
  connection: Connection;
  client: Client;
  dataConverter: DataConverter;
  /** `PAYLOAD_KEYS` of this run, for a worker in a child process. */
  payloadKeys: string;
  /** The agency variables that point a worker at the sandbox, with rate limits no run reaches. */
  agencyEnv: Record<string, string>;
  apiUrl: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<BenchStack> {
  const server = await startDevServer({
    port: await freePort(),
    logFile: options.logFile,
    ...(options.dbFile ? { dbFile: options.dbFile } : {}),
  });
  const sandbox = await startSandbox();
  const connection = await Connection.connect({ address: server.address });
  const payloadKeys = generatePayloadKey('bench');
  const dataConverter = createDataConverter(parsePayloadKeys(payloadKeys));
  const client = new Client({ connection, dataConverter });
  const apiConfig = parseApiEnv({ PAYLOAD_KEYS: payloadKeys });
  const app = createApp({
    client,
    connection,
    logger: createLogger({
      name: 'bench-api',
      level: options.apiLog,
      ...(options.apiLogFile ? { destination: pino.destination({ dest: options.apiLogFile, sync: false }) } : {}),
    }),
    namespace: 'default',
    readinessTimeoutMs: 2000,
    taskQueue: options.taskQueue,
    actionTimeoutMs: 30_000,
    authenticate: createAuthenticator(authOptionsOf(apiConfig)),
  });
  const api: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => api.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  return {
    server,
    sandbox,
    connection,
    client,
    dataConverter,
    payloadKeys,
    agencyEnv: {
      BRP_URL_TEMPLATE: `${sandbox.url}/brp/{municipalityCode}`,
      IND_URL: `${sandbox.url}/ind`,
      NOTIFY_URL: `${sandbox.url}/notify`,
      IND_CALLBACK_URL: `${apiUrl}/v1/agency-callbacks/ind`,
      BRP_RATE_LIMIT: '1000',
      IND_RATE_LIMIT: '1000',
      NOTIFY_RATE_LIMIT: '1000',
    },
    apiUrl,
    async close() {
      api.closeAllConnections();
      api.close();
      await sandbox.close();
      await connection.close();
      await server.stop();
    },
  };
}
