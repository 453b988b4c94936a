import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../scripts/temporal-binaries';
import { euBooking } from '../test/fixtures/bookings';
import { freePort } from '../test/harness/ports';
import type { BenchConfig } from './config';
import { post, say, sleep } from './io';
import { printSoakReport } from './soak-report';
import { startStack, type BenchStack } from './stack';
import { mb } from './stats';
import { dbSize, ProcessSampler, type DbSize, type ProcessSample } from './watch';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

export interface SoakRun {
  cases: number;
  concurrency: number;
  booked: number;
  failed: number;
  /** The first few failures, as the API answered them. */
  errors: string[];
  /** When each booking was answered, in ms since the first was sent. */
  bookedAtMs: number[];
  seconds: number;
  /** From the last booking until every case had sent its opening e-mail: the worker caught up. */
  drainSeconds?: number;
  samples: ProcessSample[];
  sampleMs: number;
  db: { start: DbSize; end: DbSize };
  load: { before: number; after: number };
}

/**
 * `npm run bench -- --soak`: SOAK_CASES bookings through the API, SOAK_CONCURRENCY at a time, against a dev
 * server that keeps its SQLite file, with the worker in a child process whose RSS is sampled all along.
 */
export async function runSoak(config: BenchConfig): Promise<void> {
  const dir = path.join(projectRoot, 'test-artifacts', 'bench-soak');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dbFile = path.join(dir, 'temporal.db');
  const taskQueue = 'bench-soak';
  say(`soak: ${config.SOAK_CASES} bookings, ${config.SOAK_CONCURRENCY} at a time; server, worker logs in ${dir}`);
  const loadBefore = os.loadavg()[0]!;
  const stack = await startStack({
    taskQueue,
    // Whatever the level asked for, the soak keeps the API's warnings and errors: a failed booking must be explainable.
    apiLog: config.BENCH_API_LOG === 'silent' ? 'warn' : config.BENCH_API_LOG,
    apiLogFile: path.join(dir, 'api.log'),
    logFile: path.join(dir, 'temporal.log'),
    dbFile,
  });
  try {
    const worker = await startWorkerProcess({
      env: {
        ...stack.agencyEnv,
        TEMPORAL_ADDRESS: stack.server.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PAYLOAD_KEYS: stack.payloadKeys,
        LOG_LEVEL: 'warn',
        WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        WORKER_REPORT_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        WORKER_HEALTH_ADDRESS: `127.0.0.1:${await freePort()}`,
        WORKER_SHUTDOWN_GRACE_MS: '2000',
      },
      taskQueue,
      bundleFile: path.join(dir, 'workflow-bundle.js'),
      logFile: path.join(dir, 'worker.log'),
      client: stack.client,
    });
    try {
      say(`soak: worker pid ${worker.pid} polling; booking...`);
      const run = await soak(config, stack, worker, dbFile);
      printSoakReport({ ...run, load: { before: loadBefore, after: os.loadavg()[0]! } });
    } finally {
      await worker.stop();
    }
  } finally {
    await stack.close();
  }
}

async function soak(
  config: BenchConfig,
  stack: BenchStack,
  worker: WorkerProcess,
  dbFile: string,
): Promise<Omit<SoakRun, 'load'>> {
  const cases = config.SOAK_CASES;
  const dbStart = dbSize(dbFile);
  const started = performance.now();
  const bookedAtMs: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  const sampler = new ProcessSampler(
    [worker.pid, stack.server.process.pid!],
    config.SOAK_SAMPLE_MS,
    started,
    () => bookedAtMs.length,
  );
  const every = Math.max(50, Math.min(500, Math.ceil(cases / 10)));
  let last = { at: started, booked: 0 };
  const progress = (): void => {
    const now = performance.now();
    const overall = bookedAtMs.length / ((now - started) / 1000);
    const recent = (bookedAtMs.length - last.booked) / ((now - last.at) / 1000);
    last = { at: now, booked: bookedAtMs.length };
    const rss = sampler.latest ? ` worker RSS ${mb(sampler.latest.workerBytes)},` : '';
    say(
      `soak: ${bookedAtMs.length + failed}/${cases} in ${((now - started) / 1000).toFixed(1)} s, ` +
        `${overall.toFixed(1)} cases/s (last ${every}: ${recent.toFixed(1)}/s),${rss} ${failed} failed`,
    );
  };

  let next = 0;
  const booker = async (): Promise<void> => {
    while (next < cases) {
      next++;
      if (worker.exit) throw new Error(`the worker exited (code ${worker.exit.code}, ${worker.exit.signal}) mid-soak`);
      try {
        await post(`${stack.apiUrl}/v1/cases`, 'dev-booking-site', euBooking());
        bookedAtMs.push(performance.now() - started);
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
      if ((bookedAtMs.length + failed) % every === 0 || bookedAtMs.length + failed === cases) progress();
    }
  };
  let seconds: number;
  let drainSeconds: number | undefined;
  try {
    await Promise.all(Array.from({ length: Math.min(config.SOAK_CONCURRENCY, cases) }, booker));
    seconds = (performance.now() - started) / 1000;
    drainSeconds = await drain(stack, bookedAtMs.length);
    await sampler.sampleOnce();
  } finally {
    await sampler.stop();
  }
  return {
    cases,
    concurrency: config.SOAK_CONCURRENCY,
    booked: bookedAtMs.length,
    failed,
    errors,
    bookedAtMs,
    seconds,
    ...(drainSeconds === undefined ? {} : { drainSeconds }),
    samples: sampler.samples,
    sampleMs: config.SOAK_SAMPLE_MS,
    db: { start: dbStart, end: dbSize(dbFile) },
  };
}

/** Waits, at most 10 minutes, until every booked case has sent its opening e-mail; answers how long it took. */
async function drain(stack: BenchStack, booked: number): Promise<number | undefined> {
  const started = performance.now();
  const sent = (): number => stack.sandbox.state.emails.length;
  let lastSaid = started;
  while (sent() < booked) {
    if (performance.now() - started > 600_000) {
      say(`soak: gave up waiting: ${sent()}/${booked} opening e-mails sent after 10 minutes`);
      return undefined;
    }
    if (performance.now() - lastSaid > 10_000) {
      lastSaid = performance.now();
      say(`soak: draining, ${sent()}/${booked} opening e-mails sent`);
    }
    await sleep(200);
  }
  return (performance.now() - started) / 1000;
}
