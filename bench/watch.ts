import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProcessSample {
  /** Seconds since the first booking was sent. */
  atSeconds: number;
  booked: number;
  workerBytes: number;
  temporalBytes: number;
  /** CPU time used so far by the worker, the Temporal server and this process (API, sandbox, bookings). */
  cpuSeconds: { worker: number; temporal: number; bench: number };
}

/**
 * The dev server's SQLite file with whatever log it keeps beside it, in bytes. The CLI's SQLite runs in rollback
 * journal mode (byte 18 of the file's header is 1), so there is a `-journal` mid-transaction and no `-wal`; the
 * soak counts both should that change.
 */
export interface DbSize {
  db: number;
  wal: number;
  shm: number;
  journal: number;
  total: number;
}

export interface ProcessStats {
  rssBytes: number;
  /** CPU time used since the process started, user and system. */
  cpuSeconds: number;
}

/** Memory and CPU time of a process, from `ps`, so it reads the same on Linux and macOS. */
export async function processStats(pid: number): Promise<ProcessStats> {
  const { stdout } = await run('ps', ['-o', 'rss=,time=', '-p', String(pid)]);
  const [rss = '', time = ''] = stdout.trim().split(/\s+/);
  // `time` is [DD-]HH:MM:SS on Linux, MM:SS.ss on macOS.
  const [days, clock] = time.includes('-') ? time.split('-') : ['0', time];
  const cpuSeconds = (clock ?? '').split(':').reduce((total, part) => total * 60 + Number(part), 0);
  return { rssBytes: Number(rss) * 1024, cpuSeconds: Number(days) * 86_400 + cpuSeconds };
}

/** Samples the RSS and CPU time of the worker and the Temporal server every `everyMs`, and when asked. */
export class ProcessSampler {
  readonly samples: ProcessSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly pids: [worker: number, temporal: number],
    everyMs: number,
    private readonly startedAt: number,
    private readonly booked: () => number,
  ) {
    void this.sampleOnce();
    this.timer = setInterval(() => void this.sampleOnce(), everyMs);
  }

  get latest(): ProcessSample | undefined {
    return this.samples.at(-1);
  }

  sampleOnce(): Promise<void> {
    this.inFlight = this.inFlight.then(async () => {
      const gone = { rssBytes: NaN, cpuSeconds: NaN };
      const [worker, temporal] = await Promise.all(this.pids.map((pid) => processStats(pid).catch(() => gone)));
      const bench = process.cpuUsage();
      this.samples.push({
        atSeconds: (performance.now() - this.startedAt) / 1000,
        booked: this.booked(),
        workerBytes: worker!.rssBytes,
        temporalBytes: temporal!.rssBytes,
        cpuSeconds: {
          worker: worker!.cpuSeconds,
          temporal: temporal!.cpuSeconds,
          bench: (bench.user + bench.system) / 1e6,
        },
      });
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}

export function dbSize(dbFile: string): DbSize {
  const size = (file: string): number => (existsSync(file) ? statSync(file).size : 0);
  const [db, wal, shm, journal] = ['', '-wal', '-shm', '-journal'].map((suffix) => size(`${dbFile}${suffix}`));
  return { db: db!, wal: wal!, shm: shm!, journal: journal!, total: db! + wal! + shm! + journal! };
}
