import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../scripts/temporal-binaries';

export interface ServiceSpec {
  name: string;
  /** The process's main, relative to the project root, e.g. `dist/worker/main.js`. */
  entry: string;
  env: Record<string, string>;
  logFile: string;
  /** When the process is ready: a line it writes to stdout, or a URL that answers 2xx. */
  readyWhen: { logLine: RegExp } | { url: string };
}

/** Every child of this run, so an exit of the run (even a crash) takes none of them along into the machine. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * One of our processes (`node dist/x/main.js`) as a supervisor runs it: started until it is ready, killed with
 * SIGKILL when the chaos says so, and restarted by itself when it dies unasked, as a process manager would.
 */
export class Service {
  private child: ChildProcess | undefined;
  /** The current child once it was ready: only its death, unasked, is a crash to restart from. */
  private live: ChildProcess | undefined;
  private readonly log: WriteStream;
  private stopping = false;
  /** Starts that exited before the process was ready (a worker cannot connect while Temporal is down). */
  failedStarts = 0;
  /** Deaths of a ready process that nobody asked for. */
  crashes = 0;

  constructor(readonly spec: ServiceSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.spec.name;
  }

  /** Starts the process and resolves when it is ready; a start that fails is tried again, until one succeeds. */
  async start(): Promise<void> {
    this.stopping = false;
    for (;;) {
      const child = this.spawn();
      if (await this.ready(child)) {
        this.live = child;
        return;
      }
      if (this.stopping || this.child !== child) return;
      this.failedStarts += 1;
      await sleep(1000);
    }
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is lost mid-way. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL after 10 s; no restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    this.log.end();
  }

  private spawn(): ChildProcess {
    const child = spawn(process.execPath, [path.join(projectRoot, this.spec.entry)], {
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    children.add(child);
    this.log.write(`--- ${new Date().toISOString()} ${this.name} started (pid ${child.pid})\n`);
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      children.delete(child);
      this.log.write(`--- ${new Date().toISOString()} ${this.name} exited (${signal ?? `code ${code}`})\n`);
      // Killed or stopped by us: `child` is no longer the current one. Otherwise it died by itself.
      if (this.child === child && this.live === child && !this.stopping) {
        this.child = undefined;
        this.crashes += 1;
        void sleep(1000).then(() => (this.child || this.stopping ? undefined : this.start()));
      }
    });
    return child;
  }

  private async ready(child: ChildProcess): Promise<boolean> {
    const exited = new Promise<false>((resolve) => child.once('exit', () => resolve(false)));
    const { readyWhen } = this.spec;
    if ('logLine' in readyWhen) {
      const seen = new Promise<true>((resolve) => {
        let tail = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          tail = (tail + chunk.toString()).slice(-4096);
          if (readyWhen.logLine.test(tail)) resolve(true);
        });
      });
      return Promise.race([seen, exited]);
    }
    const answered = (async (): Promise<true> => {
      while (child.exitCode === null && child.signalCode === null) {
        try {
          if ((await fetch(readyWhen.url, { signal: AbortSignal.timeout(2000) })).ok) return true;
        } catch {
          // not listening yet
        }
        await sleep(200);
      }
      return new Promise<true>(() => undefined);
    })();
    return Promise.race([answered, exited]);
  }
}
