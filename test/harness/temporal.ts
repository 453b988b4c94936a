import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { createDataConverter } from '../../lib/data-converter';
import { parsePayloadKeys } from '../../lib/encryption';
import { testPayloadKeysSpec } from '../fixtures/payload-key';
import { createLogger } from '../../lib/logger';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { projectRoot } from '../../scripts/temporal-binaries';
import { AgencyEnvSchema, type AgencyConfig, parseEnv, TemporalEnvSchema } from '../../lib/config';
import { temporalTarget } from '../../lib/temporal/connection';
import type { StuckReportMetrics } from '../../worker/stuck-report';
import { createCaseWorkers, type CaseWorkers } from '../../worker/create-worker';
import { caseBundleOptions } from '../../worker/workflow-bundle';
import { defaultCaseSettings, type CaseSettings } from '../../workflows/settings';
import { freePort } from './ports';

export interface TemporalHarness {
  /** The dev server the harness started; undefined against an external cluster (TEST_TEMPORAL=external). */
  server: DevServer | undefined;
  address: string;
  namespace: string;
  /** The TEMPORAL_* variables a child process (a worker, `npm run cases`) needs to reach the same Temporal. */
  env: Record<string, string>;
  nativeConnection: NativeConnection;
  connection: Connection;
  client: Client;
}

let harness: TemporalHarness | undefined;
let taskQueueCounter = 0;

export { testPayloadKeysSpec };
export const testDataConverter = createDataConverter(parsePayloadKeys(testPayloadKeysSpec));

/** The dev server shared by the whole run, started by the root hook. */
export function temporal(): TemporalHarness {
  if (!harness)
    throw new Error('The Temporal test harness is not running: mocha must load dist/test/harness/root-hooks.js');
  return harness;
}

/**
 * `TEST_TEMPORAL=external`: the suites run against the Temporal the TEMPORAL_* variables (or their profile)
 * describe, as the API and the workers would reach it: a real cluster over mTLS (`make test-cluster`).
 */
export const externalTemporal = process.env.TEST_TEMPORAL === 'external';

export async function startHarness(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  harness = externalTemporal ? await attachExternal() : await startLocal();
}

async function attachExternal(): Promise<TemporalHarness> {
  const target = temporalTarget(parseEnv(TemporalEnvSchema));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('TEMPORAL_') && entry[0] !== 'TEMPORAL_TASK_QUEUE' && entry[1] !== undefined,
    ),
  );
  const nativeConnection = await NativeConnection.connect(target.connectionOptions);
  const connection = await Connection.connect(target.connectionOptions);
  const client = new Client({ connection, namespace: target.namespace, dataConverter: testDataConverter });
  const { address, namespace } = target;
  return { server: undefined, address, namespace, env, nativeConnection, connection, client };
}

async function startLocal(): Promise<TemporalHarness> {
  const port = await freePort();
  const server = await startDevServer({
    port,
    logFile: path.join(projectRoot, 'test-artifacts', 'temporal-dev-server.log'),
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: testDataConverter });
  const { address } = server;
  return {
    server,
    address,
    namespace: 'default',
    env: { TEMPORAL_ADDRESS: address },
    nativeConnection,
    connection,
    client,
  };
}

export async function stopHarness(): Promise<void> {
  if (!harness) return;
  await harness.connection.close();
  await harness.nativeConnection.close();
  await harness.server?.stop();
  harness = undefined;
}

/** A task queue no other test uses, so a test's worker never takes another test's tasks. */
export function uniqueTaskQueue(name: string): string {
  taskQueueCounter += 1;
  return `test-${name}-${process.pid}-${taskQueueCounter}`;
}

/** Agency configuration for tests: the defaults, pointed at a sandbox's base URL. */
export function agencyConfig(sandboxUrl: string, overrides: Record<string, string> = {}): AgencyConfig {
  return parseEnv(AgencyEnvSchema, {
    BRP_URL_TEMPLATE: `${sandboxUrl}/brp/{municipalityCode}`,
    IND_URL: `${sandboxUrl}/ind`,
    NOTIFY_URL: `${sandboxUrl}/notify`,
    IND_POLL_INTERVAL_MS: '200',
    AGENCY_TIMEOUT_MS: '5000',
    ...overrides,
  });
}

/** Case clocks for tests: short enough to watch, long enough not to fire by accident. */
export function testSettings(overrides: Partial<CaseSettings> = {}): CaseSettings {
  return {
    ...defaultCaseSettings,
    agencyRetryVisibleAfterMs: 2_000,
    agencyRetryMaxMs: 120_000,
    // Long enough that a starved worker on a busy machine does not lose its polls (each lost poll is retried after
    // a back-off); a cancelled poll still learns of it quickly, as the workers heartbeat every 500 ms at most.
    pollHeartbeatTimeoutMs: 15_000,
    ...overrides,
  };
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow code, bundled once per test run rather than once per worker. */
function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ ...caseBundleOptions(), logger: new DefaultLogger('ERROR') });
  return bundle;
}

let bundleFile: Promise<string> | undefined;

/**
 * The same bundle in a file, for a worker process of a test (`WORKFLOW_BUNDLE_PATH`): without it the process
 * bundles the workflows itself as it starts, which took more than a minute on a machine at load 19.
 */
export function workflowBundleFile(): Promise<string> {
  bundleFile ??= workflowBundle().then(({ code }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'one-stop-bundle-'));
    const file = path.join(dir, 'workflow-bundle.js');
    writeFileSync(file, code);
    return file;
  });
  return bundleFile;
}

export interface CaseWorkersOptions {
  /** Base URL of the agencies (a sandbox); defaults to an address where nothing listens. */
  sandboxUrl?: string;
  agencyOverrides?: Record<string, string>;
  settings?: CaseSettings;
  /** Another data converter than the suite's (e.g. other payload keys). */
  dataConverter?: DataConverter;
  stuckReportMetrics?: StuckReportMetrics;
}

/** Real case and agency workers on the shared server, for one test's task queue. */
export async function caseWorkers(taskQueue: string, options: CaseWorkersOptions = {}): Promise<CaseWorkers> {
  return createCaseWorkers({
    connection: temporal().nativeConnection,
    namespace: temporal().namespace,
    taskQueue,
    deps: {
      logger: createLogger({ name: 'test-worker', level: 'warn' }),
      agencies: agencyConfig(options.sandboxUrl ?? 'http://127.0.0.1:9', options.agencyOverrides),
    },
    caseSettings: options.settings ?? testSettings(),
    dataConverter: options.dataConverter ?? testDataConverter,
    workflowBundle: await workflowBundle(),
    shutdownGraceMs: 2_000,
    heartbeatThrottleMs: 500,
    ...(options.stuckReportMetrics ? { stuckReportMetrics: options.stuckReportMetrics } : {}),
  });
}
