import { setTimeout as sleep } from 'node:timers/promises';
import { agencies, type Agency } from '../../domain/agency-failures';
import { mulberry32 } from '../../sandbox/faults';
import type { ChaosOptions } from './config';
import type { PatientHttp } from './http';
import type { ChaosStack } from './stack';

/** One thing the monkey broke, from the first blow until everything answered again. */
export interface Disruption {
  what: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * When the disruptions strike, as shares of the cases finished: each hits cases at every stage, and a one-off
 * waits for the previous one to be over. Progress, not a clock, so a slow machine gets the same run.
 */
const strikeAt = { firstWorkerKill: 0.1, temporalRestart: 0.2, brpOutage: 0.4, sandboxRestart: 0.6 };

/**
 * Breaks things while the desk bot works: agency errors and latency throughout; the workers killed with SIGKILL
 * in a loop (one at a time, every fifth time both); then, once each, Temporal killed and restarted, BRP down, and
 * the sandbox killed and restarted.
 */
export class ChaosMonkey {
  readonly timeline: Disruption[] = [];
  /** The one-off disruptions are over, or were never reached. */
  quiet = false;
  private readonly random: () => number;

  constructor(
    private readonly stack: ChaosStack,
    private readonly admin: PatientHttp,
    private readonly options: ChaosOptions,
    private readonly finishedCases: () => number,
  ) {
    this.random = mulberry32(options.seed);
  }

  get workerKills(): number {
    return this.timeline.filter((d) => d.what.startsWith('kill worker')).length;
  }

  /** Every agency answers `errorRate` errors, with latency. */
  async degradeAgencies(): Promise<void> {
    for (const agency of agencies) await this.degrade(agency);
  }

  /** Runs until `stopped` aborts; a disruption under way is finished first, so every process is up at the end. */
  async run(stopped: AbortSignal): Promise<void> {
    await Promise.all([this.killWorkers(stopped), this.oneOffs(stopped)]);
  }

  private async killWorkers(stopped: AbortSignal): Promise<void> {
    const { workers } = this.stack;
    const max = this.options.maxWorkerKills ?? Infinity;
    // The first kill waits for the first cases to finish, so even a short run sees one.
    if (!(await this.progressReaches(strikeAt.firstWorkerKill, stopped))) return;
    for (let kill = 0; kill < max; kill++) {
      if (kill > 0 && !(await pause(this.options.workerKillEveryMs * (0.5 + this.random()), stopped))) return;
      const targets = kill % 5 === 4 ? workers : [workers[kill % workers.length]!];
      await this.disrupt(`kill ${targets.map((w) => w.name).join(' and ')}`, async () => {
        await Promise.all(targets.map((w) => w.kill()));
        await sleep(1000 + this.random() * 2000);
        await Promise.all(targets.map((w) => w.start()));
      });
    }
  }

  private async oneOffs(stopped: AbortSignal): Promise<void> {
    const { temporal, sandbox } = this.stack;
    try {
      if (!(await this.progressReaches(strikeAt.temporalRestart, stopped))) return;
      await this.disrupt('kill Temporal', async () => {
        await temporal.kill();
        await sleep(2000);
        await temporal.start();
      });
      if (!(await this.progressReaches(strikeAt.brpOutage, stopped))) return;
      await this.disrupt('BRP down', async () => {
        await this.admin.request('PUT', '/_admin/faults', { body: { agency: 'brp', outage: true } });
        await pause(this.options.brpOutageMs, stopped);
        await this.degrade('brp');
      });
      if (!this.options.killSandbox || !(await this.progressReaches(strikeAt.sandboxRestart, stopped))) return;
      await this.disrupt('kill sandbox', async () => {
        await sandbox.kill();
        await sleep(1000);
        await sandbox.start();
        // Faults are a test's setting, not the agencies' state: set them again whatever the sandbox kept.
        await this.degradeAgencies();
      });
    } finally {
      this.quiet = true;
    }
  }

  private async degrade(agency: Agency): Promise<void> {
    const { errorRate, latencyMs } = this.options;
    await this.admin.request('PUT', '/_admin/faults', { body: { agency, errorRate, latencyMs } });
  }

  private async disrupt(what: string, work: () => Promise<void>): Promise<void> {
    const disruption: Disruption = { what, startedAt: Date.now() };
    this.timeline.push(disruption);
    await work();
    disruption.endedAt = Date.now();
  }

  private async progressReaches(share: number, stopped: AbortSignal): Promise<boolean> {
    while (this.finishedCases() < share * this.options.cases) {
      if (!(await pause(500, stopped))) return false;
    }
    return true;
  }
}

/** Sleeps `ms`; false when `stopped` aborted first. */
async function pause(ms: number, stopped: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: stopped });
    return true;
  } catch {
    return false;
  }
}
