import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Samples } from '../stats';
import type { ChaosOptions } from './config';
import { DeskBot } from './desk-bot';
import { apiLogErrors, caseEvidence, ledgerOf, retryAttempts } from './evidence';
import { PatientHttp } from './http';
import { ChaosMonkey, type Disruption } from './monkey';
import { startChaosStack } from './stack';
import {
  actionsOffCount,
  brokenAnswers,
  duplicates,
  judge,
  missingOperations,
  type CaseEvidence,
  type Verdicts,
} from './verdicts';

export interface ChaosResult {
  options: ChaosOptions;
  /** From the first booking until the last case finished (or the run stalled). */
  seconds: number;
  cases: { booked: number; completed: number };
  /** Seconds from booking until the bot saw the case finished: p50, p90 and the longest. */
  caseSeconds: { p50: number; p90: number; max: number };
  verdicts: Verdicts;
  timeline: Disruption[];
  /** Requests the bot sent to the API, and the transient 503s among their answers. */
  requests: number;
  transient503: number;
  /** The bot operator's retries of a BRP step the case took (the call was still failing after the outage). */
  operatorRetries: number;
  /** Per process: starts that failed (and were tried again), and deaths the chaos did not cause. */
  exits: Record<string, { failedStarts: number; crashes: number }>;
  /** One line per finding behind a verdict that is not 0. */
  findings: string[];
}

/** Starts the stack, lets the desk bot work while the monkey breaks things, then judges what is left. */
export async function runChaos(options: ChaosOptions, say: (line: string) => void): Promise<ChaosResult> {
  mkdirSync(options.runDir, { recursive: true });
  const stack = await startChaosStack(options.runDir, options.seed);
  const teardown = new AbortController();
  try {
    const botStopped = new AbortController();
    const api = new PatientHttp(stack.apiUrl, botStopped.signal);
    const admin = new PatientHttp(stack.sandboxUrl, teardown.signal, false);
    const bot = new DeskBot(api, admin, options, botStopped.signal);
    const monkey = new ChaosMonkey(stack, admin, options, () => bot.finished);
    await monkey.degradeAgencies();

    const started = Date.now();
    const monkeyStopped = new AbortController();
    const chaos = monkey.run(monkeyStopped.signal);
    let reported = 0;
    let attempts: number | undefined;
    const watch = setInterval(() => {
      bot.brpBackAt ??= monkey.timeline.find((d) => d.what === 'BRP down')?.endedAt;
      // Stalled: nothing moved since the last one-off disruption ended (worker kills go on for ever).
      const oneOffs = monkey.timeline.filter((d) => !d.what.startsWith('kill worker'));
      const lastMove = Math.max(bot.lastProgressAt, ...oneOffs.map((d) => d.endedAt ?? Date.now()));
      if (Date.now() - lastMove > options.stallTimeoutMs) botStopped.abort();
      if (Date.now() - started >= reported + 30_000) {
        reported += 30_000;
        say(progressLine(bot, monkey, started));
        const open = bot.cases.filter((c) => c.booked && c.status === undefined).map((c) => c.caseId);
        void retryAttempts(stack.client, open).then((now) => {
          if (now !== undefined && attempts !== undefined && now !== attempts) bot.noteProgress();
          attempts = now ?? attempts;
        });
      }
    }, 1000);
    try {
      await bot.run();
    } finally {
      clearInterval(watch);
    }
    const seconds = (Date.now() - started) / 1000;
    say(progressLine(bot, monkey, started));
    monkeyStopped.abort();
    await chaos;

    say('chaos: reading every case, its history and the ledger...');
    // A safety net, not a measure: reading 200 cases takes seconds, unless the API stopped answering for good.
    const reader = new PatientHttp(
      stack.apiUrl,
      AbortSignal.any([teardown.signal, AbortSignal.timeout(600_000)]),
      false,
    );
    const evidence = await caseEvidence(bot.cases, reader, stack.client);
    const ledger = await ledgerOf(admin);
    const broken = brokenAnswers(apiLogErrors(path.join(options.runDir, 'api.log')), api.retried);
    const services = [stack.api, stack.sandbox, ...stack.workers];
    return {
      options,
      seconds,
      cases: { booked: bot.cases.filter((c) => c.booked).length, completed: count(evidence, 'completed') },
      caseSeconds: caseSeconds(bot.cases),
      verdicts: judge(evidence, ledger, broken.length),
      timeline: monkey.timeline,
      requests: api.requests,
      transient503: api.retried.filter((a) => a.transient).length,
      operatorRetries: bot.operatorRetries,
      exits: Object.fromEntries(services.map((s) => [s.name, { failedStarts: s.failedStarts, crashes: s.crashes }])),
      findings: [
        ...evidence.filter((c) => c.status !== 'completed').map((c) => lostLine(c, bot.cases)),
        ...evidence.flatMap((c) =>
          c.workflowTaskFailures.map((cause) => `${c.caseId}: workflow task failed (${cause})`),
        ),
        ...evidence.filter((c) => c.reportedProblems).map((c) => `${c.caseId}: TemporalReportedProblems is set`),
        ...broken,
        ...duplicates(ledger).map((d) => `side effect twice: ${d}`),
        ...evidence
          .filter((c) => c.status === 'completed')
          .flatMap((c) => missingOperations(c, ledger).map((op) => `${c.caseId}: no ${op} in the ledger`)),
        ...evidence.flatMap((c) => actionsOffCount(c).map((a) => `${c.caseId}: audit trail has ${a}`)),
      ],
    };
  } finally {
    teardown.abort();
    await stack.stop();
  }
}

function progressLine(bot: DeskBot, monkey: ChaosMonkey, started: number): string {
  const open = bot.cases.filter((c) => c.status === undefined).length;
  const oneOffs = monkey.timeline.filter((d) => !d.what.startsWith('kill worker')).map((d) => d.what);
  return (
    `chaos: ${Math.round((Date.now() - started) / 1000)} s, ${bot.finished}/${bot.cases.length} cases finished, ` +
    `${open} open; ${monkey.workerKills} worker kills${oneOffs.length ? `; ${oneOffs.join(', ')}` : ''}`
  );
}

function lostLine(c: CaseEvidence, cases: DeskBot['cases']): string {
  const surprises = cases.find((b) => b.caseId === c.caseId)?.surprises ?? [];
  return `${c.caseId} (${c.kind}) is ${c.status}, waiting on [${c.waitingOn.join(', ')}]${surprises.length ? `; the bot saw: ${surprises.join('; ')}` : ''}`;
}

function caseSeconds(cases: DeskBot['cases']): ChaosResult['caseSeconds'] {
  const samples = new Samples();
  for (const c of cases) if (c.bookedAt && c.finishedAt) samples.add((c.finishedAt - c.bookedAt) / 1000);
  const at = (p: number) => Math.round(samples.percentile(p) * 10) / 10;
  return { p50: at(50), p90: at(90), max: at(100) };
}

function count(evidence: CaseEvidence[], status: string): number {
  return evidence.filter((c) => c.status === status).length;
}
