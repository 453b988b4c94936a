import { say } from './io';
import type { LatencyRun } from './latency';
import type { PathName, TimedAction } from './paths';
import { formatMs, summarise, verdict, type Samples } from './stats';

/** The issue's target: an officer action within this factor of the bare update, at p50 and at p99. */
export const bareTarget = 1.3;

/**
 * The target's ratios against the bare update; then what the action's effects cost Temporal (`commands / bare`),
 * what the case's code costs beyond them (`direct / commands`), and what the API adds (`http / direct`).
 */
const comparisons: readonly { over: PathName; under: PathName; target: boolean }[] = [
  { over: 'direct', under: 'bare', target: true },
  { over: 'http', under: 'bare', target: true },
  { over: 'commands', under: 'bare', target: false },
  { over: 'direct', under: 'commands', target: false },
  { over: 'http', under: 'direct', target: false },
];

function ratioAt(over: Samples, under: Samples, p: number): number {
  return over.percentile(p) / under.percentile(p);
}

const times = (r: number): string => (Number.isNaN(r) ? '-' : `${r.toFixed(2)}x`);

/** A table for people, then one JSON line with every figure for whatever collects them. */
export function printLatencyReport(run: LatencyRun): void {
  const actions = Object.keys(run.latency.bare) as TimedAction[];
  const paths = Object.keys(run.latency) as PathName[];
  say('');
  say(`throughput: ${(run.actions / run.seconds).toFixed(1)} actions/s over ${run.seconds.toFixed(1)} s`);
  say(`load average (1 min): ${run.load.before.toFixed(2)} before, ${run.load.after.toFixed(2)} after`);
  say('');
  say('action        path     n     p50 ms  p95 ms  p99 ms');
  for (const action of actions) {
    for (const p of paths) {
      const s = summarise(run.latency[p][action]);
      const ms = [s.p50, s.p95, s.p99].map((v) => formatMs(v).padStart(6)).join('  ');
      say(`${action.padEnd(13)} ${p.padEnd(7)} ${String(s.n).padStart(4)}  ${ms}`);
    }
  }

  say('');
  say(`ratio                        p50     p99    target: an officer action within ${bareTarget}x the bare update`);
  const ratios: Record<string, Record<string, { p50: number; p99: number; verdict?: string }>> = {};
  for (const action of actions) {
    ratios[action] = {};
    for (const { over, under, target } of comparisons) {
      const p50 = ratioAt(run.latency[over][action], run.latency[under][action], 50);
      const p99 = ratioAt(run.latency[over][action], run.latency[under][action], 99);
      const outcome = target ? verdict([p50, p99], bareTarget) : undefined;
      ratios[action][`${over}/${under}`] = { p50, p99, ...(outcome ? { verdict: outcome } : {}) };
      const label = `${action} ${over} / ${under}`;
      say(`${label.padEnd(27)} ${times(p50).padStart(6)}  ${times(p99).padStart(6)}   ${outcome ?? '(no target)'}`);
    }
  }

  say('');
  say('where the time goes (p50, ms)  update  worker  rest    events written');
  for (const action of actions) {
    for (const p of paths) {
      const total = run.latency[p][action].percentile(50);
      const worker = run.tasks.workerMs[p][action].percentile(50);
      const events = run.tasks.eventsWritten[p][action].percentile(50);
      const cells = [total, worker, total - worker].map((v) => formatMs(v).padEnd(6)).join('  ');
      say(`${`${action} ${p}`.padEnd(30)} ${cells}  ${Number.isNaN(events) ? '-' : events}`);
    }
  }
  say('worker: the workflow task that ran the update, from its start to its completion as Temporal timed it;');
  say('rest: the update less that, i.e. Temporal and the caller; events: what the task wrote to the history.');

  const latencyMs = Object.fromEntries(
    paths.map((p) => [p, Object.fromEntries(actions.map((a) => [a, summarise(run.latency[p][a])]))]),
  );
  say(
    JSON.stringify(
      {
        bench: 'latency',
        officers: run.officers,
        casesPerPath: run.casesPerPath,
        seconds: round(run.seconds),
        actionsPerSecond: round(run.actions / run.seconds),
        load1m: run.load,
        target: bareTarget,
        latencyMs,
        ratios,
        workflowTaskMs: figures(run.tasks.workerMs),
        eventsWritten: figures(run.tasks.eventsWritten),
      },
      (_key, value: unknown) => (typeof value === 'number' ? round(value) : value),
    ),
  );
}

function figures(latencies: LatencyRun['latency']): Record<string, Record<string, ReturnType<typeof summarise>>> {
  return Object.fromEntries(
    Object.entries(latencies).map(([p, byAction]) => [
      p,
      Object.fromEntries(Object.entries(byAction).map(([a, samples]) => [a, summarise(samples)])),
    ]),
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
