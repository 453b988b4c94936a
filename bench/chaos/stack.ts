import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { generatePayloadKey } from '../../lib/encryption';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { freePort } from '../../test/harness/ports';
import { caseBundleOptions } from '../../worker/workflow-bundle';
import { Service } from './processes';

/** The Temporal dev server on one port and one database file, so a restart finds every case where it was. */
export class TemporalServer {
  private server: DevServer | undefined;

  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = await startDevServer({
      port: this.port,
      dbFile: path.join(this.dir, 'temporal.db'),
      logFile: path.join(this.dir, 'temporal.log'),
    });
  }

  async kill(): Promise<void> {
    this.server?.process.kill('SIGKILL');
    await this.stop();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}

/** The whole service as separate processes, as in production: the chaos kills them one by one. */
export interface ChaosStack {
  apiUrl: string;
  sandboxUrl: string;
  temporal: TemporalServer;
  sandbox: Service;
  api: Service;
  workers: Service[];
  /** A Temporal client of our own, to read the cases' histories once the run is over. */
  client: Client;
  stop(): Promise<void>;
}

/**
 * Starts Temporal (with a database file), the agency sandbox (with a state file), the API and two workers,
 * each on a free port, logging into `runDir`. Workers load one prebuilt bundle, so a restart takes a second.
 */
export async function startChaosStack(runDir: string, seed: number): Promise<ChaosStack> {
  const [temporalPort, apiPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const payloadKeys = generatePayloadKey('chaos');
  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ ...caseBundleOptions(), logger: new DefaultLogger('ERROR') });
  writeFileSync(bundlePath, code);

  const temporal = new TemporalServer(temporalPort, runDir);
  await temporal.start();
  const log = (name: string) => path.join(runDir, `${name}.log`);
  const callbackUrl = `${apiUrl}/v1/agency-callbacks/ind`;
  const sandbox = new Service({
    name: 'sandbox',
    entry: 'dist/sandbox/main.js',
    env: {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_CALLBACK_URL: callbackUrl,
      // The API's development token of the agency role.
      SANDBOX_CALLBACK_TOKEN: 'dev-agency',
      SANDBOX_SEED: String(seed),
      SANDBOX_STATE_FILE: path.join(runDir, 'sandbox-state.json'),
      LOG_LEVEL: 'warn',
    },
    logFile: log('sandbox'),
    readyWhen: { url: `${sandboxUrl}/healthz` },
  });
  const api = new Service({
    name: 'api',
    entry: 'dist/api/main.js',
    env: {
      TEMPORAL_ADDRESS: temporal.address,
      API_PORT: String(apiPort),
      PAYLOAD_KEYS: payloadKeys,
      LOG_LEVEL: 'warn',
    },
    logFile: log('api'),
    readyWhen: { url: `${apiUrl}/healthz` },
  });
  const workers: Service[] = [];
  for (const name of ['worker-1', 'worker-2']) {
    workers.push(
      new Service({
        name,
        entry: 'dist/worker/main.js',
        env: {
          TEMPORAL_ADDRESS: temporal.address,
          PAYLOAD_KEYS: payloadKeys,
          NODE_ENV: 'production',
          WORKFLOW_BUNDLE_PATH: bundlePath,
          BRP_URL_TEMPLATE: `${sandboxUrl}/brp/{municipalityCode}`,
          IND_URL: `${sandboxUrl}/ind`,
          NOTIFY_URL: `${sandboxUrl}/notify`,
          IND_CALLBACK_URL: callbackUrl,
          // The polling fall-backs find what a call-back lost while Temporal was down; a poll of a killed worker
          // is noticed by its heartbeat timeout.
          IND_POLL_INTERVAL_MS: '2000',
          CASE_POLL_HEARTBEAT_TIMEOUT: '10s',
          AGENCY_TIMEOUT_MS: '5000',
          WORKER_SHUTDOWN_GRACE_MS: '2000',
          WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
          WORKER_REPORT_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
          WORKER_HEALTH_ADDRESS: `127.0.0.1:${await freePort()}`,
          LOG_LEVEL: 'info',
        },
        logFile: log(name),
        readyWhen: { logLine: /"msg":"worker started"/ },
      }),
    );
  }
  await Promise.all([sandbox.start(), api.start(), ...workers.map((w) => w.start())]);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });

  return {
    apiUrl,
    sandboxUrl,
    temporal,
    sandbox,
    api,
    workers,
    client,
    async stop() {
      await connection.close();
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all([api.stop(), sandbox.stop()]);
      await temporal.stop();
    },
  };
}
