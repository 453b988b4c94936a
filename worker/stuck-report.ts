import { getClient } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { Gauge, Registry } from 'prom-client';
import { defaultStuckNorms, findStuckCases, stuckKinds, type StuckKind, type StuckNorms } from '../operator/stuck';

export interface StuckCounts {
  /** Stuck cases, each counted once however many reasons it has. */
  total: number;
  /** Stuck cases per kind; a case with several reasons counts under each. */
  byKind: Record<StuckKind, number>;
}

/** Counts the stuck cases with the same queries and rules as `cases stuck`. */
async function countStuckCases(client: Client, now: Date, norms: StuckNorms): Promise<StuckCounts> {
  const { cases } = await findStuckCases(client, now, norms);
  const byKind = Object.fromEntries(stuckKinds.map((k) => [k, 0])) as Record<StuckKind, number>;
  for (const c of cases) for (const r of c.reasons) byKind[r.kind] += 1;
  return { total: cases.length, byKind };
}

export interface StuckReportMetrics {
  /** Its own registry: the worker's Temporal metrics come from the Rust runtime, not from prom-client. */
  registry: Registry;
  stuckCases: Gauge<'kind'>;
}

export function createStuckReportMetrics(): StuckReportMetrics {
  const registry = new Registry();
  const stuckCases = new Gauge({
    name: 'stuck_cases',
    help: 'Open cases that are stuck, by kind, as of the last stuck-cases report',
    labelNames: ['kind'],
    registers: [registry],
  });
  return { registry, stuckCases };
}

/** Input of `stuckCasesReportWorkflow`, recorded in the schedule that starts it. */
export interface StuckCasesReportInput {
  /** STUCK_HUMAN_NORM of whoever made the schedule, in milliseconds. */
  humanNormMs: number;
}

interface StuckReportDeps {
  metrics: StuckReportMetrics;
  /** Defaults to the worker's own client (the activity context's). */
  client?: () => Client;
}

/** The activity of the daily stuck-cases report: counts, sets the gauge for every kind (zeros too), returns them. */
export function createStuckReportActivities(deps: StuckReportDeps) {
  return {
    async reportStuckCases(input: StuckCasesReportInput): Promise<StuckCounts> {
      const client = deps.client ? deps.client() : getClient();
      const counts = await countStuckCases(client, new Date(), {
        ...defaultStuckNorms,
        humanNormMs: input.humanNormMs,
      });
      for (const kind of stuckKinds) deps.metrics.stuckCases.set({ kind }, counts.byKind[kind]);
      return counts;
    },
  };
}
export type StuckReportActivities = ReturnType<typeof createStuckReportActivities>;
