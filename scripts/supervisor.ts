import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/** One run of a supervised service: its process, and how to stop it. */
export interface ServiceRun {
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface SupervisedService {
  name: string;
  /** Starts a run; for a server, resolves once it answers. A rejection counts as a crash. */
  start(): Promise<ServiceRun>;
  /** Exit codes no restart cures, such as 2, `runMain`'s configuration error (lib/config.ts); default none. */
  fatalExitCodes?: readonly number[];
}

export interface SupervisorOptions {
  /** Where the supervisor's own lines go, e.g. `worker exited (signal SIGKILL); restarting in 1 s (restart 1)`. */
  say(line: string): void;
  /** Delay before the first restart, in ms, doubling with each restart in a row; default 1000. */
  initialDelayMs?: number;
  /** The longest delay between restarts, in ms; default 30 000. */
  maxDelayMs?: number;
  /** A run that stayed up this long, in ms, starts the back-off afresh; default 60 000. */
  resetAfterMs?: number;
  /** The clock that measures how long a run stayed up, in ms; default `Date.now`. */
  now?: () => number;
}

export interface SupervisorEvents {
  /** A run is up: the first one, or a restart. */
  started: [name: string, pid: number | undefined];
  /** A service exited in a way a restart would not cure; it stays down. */
  'gave-up': [name: string];
}

interface Slot {
  service: SupervisedService;
  run?: ServiceRun;
  /** A restart under way. */
  starting?: Promise<void>;
  timer?: NodeJS.Timeout;
  startedAt: number;
  /** Restarts in a row, each after a run shorter than `resetAfterMs`. */
  restarts: number;
}

/**
 * Keeps services running: a run that exits unexpectedly is restarted after a delay that doubles with every restart
 * in a row (1 s, 2 s, … 30 s), and says so. `stop()` ends them all, newest first, and restarts nothing.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private readonly options: Required<SupervisorOptions>;

  constructor(options: SupervisorOptions) {
    super();
    this.options = {
      initialDelayMs: 1000,
      maxDelayMs: 30_000,
      resetAfterMs: 60_000,
      now: Date.now,
      ...options,
    };
  }

  /** Starts a service and supervises it from then on; rejects, and restarts nothing, when its first run fails. */
  async start(service: SupervisedService): Promise<void> {
    const slot: Slot = { service, startedAt: this.options.now(), restarts: 0 };
    this.slots.push(slot);
    const failure = await this.launch(slot, false);
    if (failure) throw failure;
  }

  /** Stops every service, the last started first, and cancels pending restarts. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) clearTimeout(slot.timer);
    for (const slot of [...this.slots].reverse()) {
      await slot.starting;
      await slot.run?.stop();
    }
  }

  /** One run of the slot's service; resolves, never rejects, once the run is watched or stopped, or with why it failed. */
  private launch(slot: Slot, restart: boolean): Promise<Error | undefined> {
    const { name } = slot.service;
    const launching = (async (): Promise<Error | undefined> => {
      let run: ServiceRun;
      try {
        run = await slot.service.start();
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
      // Stopped while it was starting: this run must not outlive the supervisor.
      if (this.stopping) {
        await run.stop();
        return undefined;
      }
      slot.run = run;
      slot.startedAt = this.options.now();
      if (restart) this.options.say(`${name} restarted (pid ${run.process.pid})`);
      this.watch(slot, run);
      this.emit('started', name, run.process.pid);
      return undefined;
    })();
    slot.starting = launching.then(() => {
      slot.starting = undefined;
    });
    return launching;
  }

  private watch(slot: Slot, run: ServiceRun): void {
    const child = run.process;
    const onExit = (): void => {
      if (slot.run === run) slot.run = undefined;
      this.exited(slot, child.exitCode, child.signalCode);
    };
    if (child.exitCode !== null || child.signalCode !== null) onExit();
    else child.once('exit', onExit);
  }

  private exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const { name } = slot.service;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (code !== null && slot.service.fatalExitCodes?.includes(code)) {
      this.options.say(`${name} exited (${how}); not restarting it: a restart would fail the same way`);
      this.emit('gave-up', name);
      return;
    }
    this.scheduleRestart(slot, `exited (${how})`);
  }

  private scheduleRestart(slot: Slot, what: string): void {
    if (this.options.now() - slot.startedAt >= this.options.resetAfterMs) slot.restarts = 0;
    slot.restarts += 1;
    const delay = Math.min(this.options.initialDelayMs * 2 ** (slot.restarts - 1), this.options.maxDelayMs);
    this.options.say(`${slot.service.name} ${what}; restarting in ${duration(delay)} (restart ${slot.restarts})`);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      void this.launch(slot, true).then((failure) => {
        if (!failure || this.stopping) return;
        // A run that never came up stayed up for no time: the back-off goes on growing.
        slot.startedAt = this.options.now();
        this.scheduleRestart(slot, `failed to start (${failure.message})`);
      });
    }, delay);
  }
}

/** `250 ms`, `1 s`, `1.5 s`. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
