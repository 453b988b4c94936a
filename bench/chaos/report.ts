import { operatorLooksAfterMs } from './desk-bot';
import type { ChaosResult } from './run';
import type { Verdicts } from './verdicts';

const verdictNames: Record<keyof Verdicts, string> = {
  lostCases: 'lost cases',
  wedged: 'wedged',
  duplicateSideEffects: 'duplicate side effects',
  missingSideEffects: 'missing side effects',
  actionsNotExactlyOnce: 'actions not exactly once',
};

export function passed(result: ChaosResult): boolean {
  return Object.values(result.verdicts).every((n) => n === 0);
}

/** The table a person reads: what happened, then each verdict; the findings when one is not 0. */
export function reportLines(result: ChaosResult): string[] {
  const { options, timeline } = result;
  const seconds = (what: string) =>
    timeline
      .filter((d) => d.what === what)
      .map((d) => `${(((d.endedAt ?? d.startedAt) - d.startedAt) / 1000).toFixed(1)} s`)
      .join(', ') || 'not reached';
  const exits = (kind: 'failedStarts' | 'crashes') =>
    Object.entries(result.exits)
      .filter(([, e]) => e[kind] > 0)
      .map(([name, e]) => `${name} ${e[kind]}`)
      .join(', ') || 'none';
  const lines = [
    '',
    `cases                   ${result.cases.completed} of ${options.cases} completed (${result.cases.booked} booked) in ${result.seconds.toFixed(1)} s`,
    `case time               p50 ${result.caseSeconds.p50.toFixed(0)} s, p90 ${result.caseSeconds.p90.toFixed(0)} s, longest ${result.caseSeconds.max.toFixed(0)} s (booking to completion)`,
    `agencies                ${options.errorRate * 100} % errors, ${options.latencyMs.join('-')} ms latency (seed ${options.seed})`,
    `worker kills            ${timeline.filter((d) => d.what.startsWith('kill worker')).length} (SIGKILL, every ~${options.workerKillEveryMs / 1000} s)`,
    `Temporal restart        ${seconds('kill Temporal')}`,
    `BRP down                ${seconds('BRP down')}`,
    `sandbox restart         ${options.killSandbox ? seconds('kill sandbox') : 'off (CHAOS_KILL_SANDBOX=0)'}`,
    `API requests            ${result.requests}, of which ${result.transient503} answered 503 and were retried`,
    `operator retries        ${result.operatorRetries} (the BRP step of a case still failing at BRP ${operatorLooksAfterMs / 1000} s after its outage)`,
    `failed starts           ${exits('failedStarts')} (tried again a second later)`,
    `crashes                 ${exits('crashes')}`,
    '',
    'verdict                     count',
    ...Object.entries(verdictNames).map(
      ([key, name]) => `${name.padEnd(27)} ${result.verdicts[key as keyof Verdicts]}`,
    ),
  ];
  if (result.findings.length > 0) lines.push('', 'findings:', ...result.findings.map((f) => `  ${f}`));
  return lines;
}

/** The last line: everything a script compares between runs. */
export function resultJson(result: ChaosResult): string {
  return JSON.stringify({
    passed: passed(result),
    cases: result.options.cases,
    completed: result.cases.completed,
    seconds: Number(result.seconds.toFixed(1)),
    caseSeconds: result.caseSeconds,
    seed: result.options.seed,
    verdicts: result.verdicts,
    workerKills: result.timeline.filter((d) => d.what.startsWith('kill worker')).length,
    disruptions: result.timeline.map((d) => ({
      what: d.what,
      seconds: Number((((d.endedAt ?? d.startedAt) - d.startedAt) / 1000).toFixed(1)),
    })),
    requests: result.requests,
    transient503: result.transient503,
    operatorRetries: result.operatorRetries,
    exits: result.exits,
  });
}
