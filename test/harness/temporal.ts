import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createDataConverter } from '../../lib/data-converter';
import { createLogger } from '../../lib/logger';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { projectRoot } from '../../scripts/temporal-binaries';
import { createCaseWorker } from '../../worker/create-worker';
import { freePort } from './ports';

export interface TemporalHarness {
  server: DevServer;
  address: string;
  nativeConnection: NativeConnection;
  connection: Connection;
  client: Client;
}

let harness: TemporalHarness | undefined;
let taskQueueCounter = 0;

/** The dev server shared by the whole run, started by the root hook. */
export function temporal(): TemporalHarness {
  if (!harness)
    throw new Error('The Temporal test harness is not running: mocha must load dist/test/harness/root-hooks.js');
  return harness;
}

export async function startHarness(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = await freePort();
  const server = await startDevServer({
    port,
    logFile: path.join(projectRoot, 'test-artifacts', 'temporal-dev-server.log'),
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: createDataConverter() });
  harness = { server, address: server.address, nativeConnection, connection, client };
}

export async function stopHarness(): Promise<void> {
  if (!harness) return;
  await harness.connection.close();
  await harness.nativeConnection.close();
  await harness.server.stop();
  harness = undefined;
}

/** A task queue no other test uses, so a test's worker never takes another test's tasks. */
export function uniqueTaskQueue(name: string): string {
  taskQueueCounter += 1;
  return `test-${name}-${process.pid}-${taskQueueCounter}`;
}

/** A real case worker on the shared server, for one test's task queue. */
export async function caseWorker(taskQueue: string): Promise<Worker> {
  return createCaseWorker({
    connection: temporal().nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { logger: createLogger({ name: 'test-worker', level: 'warn' }) },
  });
}
