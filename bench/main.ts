import { caseActions } from '../workflows/actions';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createAuthenticator } from '../api/auth';
import { ApiEnvSchema, AgencyEnvSchema, parseEnv, runMain } from '../lib/config';
import { createDataConverter } from '../lib/data-converter';
import { generatePayloadKey, parsePayloadKeys } from '../lib/encryption';
import { createLogger } from '../lib/logger';
import { startSandbox } from '../sandbox/app';
import { projectRoot } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-dev-server';
import { createCaseWorkers } from '../worker/create-worker';
import type { newcomerCaseWorkflow } from '../workflows';
import * as d from '../workflows/definitions';
import { defaultCaseSettings } from '../workflows/settings';
import { freePort } from '../test/harness/ports';
import { euBooking } from '../test/fixtures/bookings';
import { formatMs, runPool, Samples } from './stats';

const officers = Number(process.env.BENCH_OFFICERS ?? 8);
const casesPerPath = Number(process.env.BENCH_CASES ?? 40);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * `npm run bench`: N concurrent officers advance M cases through the API, and the same updates go straight
 * through the Temporal client, interleaved in one run against one embedded server, so the ratio is fair.
 */
runMain(async () => {
  say(`bench: ${officers} concurrent officers, ${casesPerPath} cases per path (BENCH_OFFICERS, BENCH_CASES)`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startDevServer({
    port: await freePort(),
    logFile: path.join(projectRoot, 'test-artifacts', 'bench-temporal.log'),
  });
  const sandbox = await startSandbox();
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const dataConverter = createDataConverter(parsePayloadKeys(generatePayloadKey('bench')));
  const client = new Client({ connection, dataConverter });
  const taskQueue = 'bench-cases';
  const workers = await createCaseWorkers({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      logger: createLogger({ name: 'bench-worker', level: 'error' }),
      agencies: parseEnv(AgencyEnvSchema, {
        BRP_URL_TEMPLATE: `${sandbox.url}/brp/{municipalityCode}`,
        IND_URL: `${sandbox.url}/ind`,
        NOTIFY_URL: `${sandbox.url}/notify`,
        BRP_RATE_LIMIT: '1000',
        NOTIFY_RATE_LIMIT: '1000',
      }),
    },
    caseSettings: defaultCaseSettings,
    dataConverter,
  });
  const apiConfig = parseEnv(ApiEnvSchema, { PAYLOAD_KEYS: generatePayloadKey('unused') });
  const app = createApp({
    client,
    connection,
    logger: createLogger({ name: 'bench-api', level: process.env.BENCH_API_LOG ?? 'silent' }),
    namespace: 'default',
    readinessTimeoutMs: 2000,
    taskQueue,
    actionTimeoutMs: 30_000,
    authenticate: createAuthenticator({ staticTokens: apiConfig.API_TOKENS, audience: apiConfig.JWT_AUDIENCE }),
  });
  const api: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => api.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  try {
    await workers.runUntil(async () => {
      const latency = {
        http: { checkIn: new Samples(), recordAdvice: new Samples() },
        direct: { checkIn: new Samples(), recordAdvice: new Samples() },
      };
      const handles: WorkflowHandle<typeof newcomerCaseWorkflow>[] = [];
      say(`bench: booking ${2 * casesPerPath + officers} cases...`);
      for (let i = 0; i < 2 * casesPerPath + officers; i++) {
        const res = await post(`${apiUrl}/v1/cases`, 'dev-booking-site', euBooking());
        handles.push(client.workflow.getHandle((res as { caseId: string }).caseId));
      }
      const waitFor = async (h: WorkflowHandle, wait: string): Promise<void> => {
        while (!(await h.query(d.caseStatusQuery)).waitingOn.includes(wait)) await sleep(20);
      };
      const httpAction = (caseId: string, action: string, token: string, body: object) =>
        post(`${apiUrl}/v1/cases/${caseId}/actions/${action}`, token, body);
      const advance = async (h: WorkflowHandle, via: 'http' | 'direct', timed: boolean): Promise<void> => {
        await waitFor(h, 'desk:check-in');
        let started = performance.now();
        if (via === 'http') await httpAction(h.workflowId, 'check-in', 'dev-desk-officer', { identity: 'verified' });
        else
          await h.executeUpdate(caseActions['check-in'].update, {
            args: [{ actor: { id: 'desk-1', role: 'desk-officer' }, identity: 'verified' }],
          });
        if (timed) latency[via].checkIn.add(performance.now() - started);
        await waitFor(h, 'expat:advice');
        started = performance.now();
        if (via === 'http') await httpAction(h.workflowId, 'record-advice', 'dev-expat-advisor', { outcome: 'given' });
        else
          await h.executeUpdate(caseActions['record-advice'].update, {
            args: [{ actor: { id: 'expat-1', role: 'expat-advisor' }, outcome: 'given' }],
          });
        if (timed) latency[via].recordAdvice.add(performance.now() - started);
      };

      say(`bench: warming up with ${officers} cases...`);
      await runPool(
        handles.slice(0, officers).map((h, i) => () => advance(h, i % 2 ? 'http' : 'direct', false)),
        officers,
      );
      say('bench: measuring (HTTP and direct interleaved)...');
      const measured = handles.slice(officers);
      const started = performance.now();
      let done = 0;
      await runPool(
        measured.map((h, i) => async () => {
          await advance(h, i % 2 ? 'http' : 'direct', true);
          if (++done % 10 === 0) say(`bench: ${done}/${measured.length} cases advanced`);
        }),
        officers,
      );
      const seconds = (performance.now() - started) / 1000;

      say('');
      say(`throughput: ${((2 * measured.length) / seconds).toFixed(1)} actions/s over ${seconds.toFixed(1)} s`);
      say('action         path    n    p50 ms  p95 ms  p99 ms');
      for (const action of ['checkIn', 'recordAdvice'] as const) {
        for (const via of ['direct', 'http'] as const) {
          const s = latency[via][action];
          say(
            `${action.padEnd(14)} ${via.padEnd(7)} ${String(s.count).padEnd(4)} ${formatMs(s.percentile(50)).padStart(6)}  ${formatMs(s.percentile(95)).padStart(6)}  ${formatMs(s.percentile(99)).padStart(6)}`,
          );
        }
        const ratio = latency.http[action].percentile(50) / latency.direct[action].percentile(50);
        say(`${action}: HTTP p50 / direct p50 = ${ratio.toFixed(2)}x (target: within 1.3x)`);
      }
    });
  } finally {
    api.close();
    await sandbox.close();
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
});

async function post(url: string, token: string, body: object): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
