import { say } from './io';
import type { SoakRun } from './soak';
import type { ProcessSample } from './watch';
import { mb, windowRates } from './stats';

const rows = 20;

/** A table for people, then one JSON line with every figure for whatever collects them. */
export function printSoakReport(run: SoakRun): void {
  const perSecond = run.booked / run.seconds;
  const windows = windowRates(run.bookedAtMs, 0, 1000);
  say('');
  say(
    `booked ${run.booked} of ${run.cases} cases (${run.failed} failed), ${run.concurrency} at a time, in ` +
      `${run.seconds.toFixed(1)} s: ${perSecond.toFixed(1)} cases/s`,
  );
  for (const error of run.errors) say(`  failed: ${error}`);
  if (run.failed > 0) say('  the API logged why, by request id: test-artifacts/bench-soak/api.log');
  say(
    run.drainSeconds === undefined
      ? 'the worker had not caught up (opening e-mails) 10 minutes after the last booking'
      : `the worker caught up (every case's opening e-mail sent) ${run.drainSeconds.toFixed(1)} s after the last booking`,
  );
  say(`load average (1 min): ${run.load.before.toFixed(2)} before, ${run.load.after.toFixed(2)} after`);
  say('');
  say('cases          seconds  cases/s');
  for (const w of windows) {
    say(`${`${w.from}-${w.to}`.padEnd(13)} ${w.seconds.toFixed(1).padStart(8)}  ${w.perSecond.toFixed(1).padStart(7)}`);
  }

  say('');
  say(`RSS every ${run.sampleMs / 1000} s: the worker (child \`node dist/worker/main.js\`, prebuilt bundle), Temporal`);
  say('     s  booked   worker MB  temporal MB');
  for (const s of thin(run.samples, rows)) {
    say(
      `${s.atSeconds.toFixed(0).padStart(6)}  ${String(s.booked).padStart(6)}  ${toMb(s.workerBytes).padStart(10)}  ${toMb(s.temporalBytes).padStart(11)}`,
    );
  }
  const worker = run.samples.map((s) => s.workerBytes);
  const rss = { start: worker[0] ?? NaN, peak: Math.max(...worker), end: worker.at(-1) ?? NaN };
  say(`worker RSS: ${mb(rss.start)} at the start, ${mb(rss.peak)} at the peak, ${mb(rss.end)} at the end`);
  const [first, last] = [run.samples[0], run.samples.at(-1)];
  const cpu = Object.fromEntries(
    (['worker', 'temporal', 'bench'] as const).map((p) => [
      p,
      (last?.cpuSeconds[p] ?? NaN) - (first?.cpuSeconds[p] ?? NaN),
    ]),
  ) as Record<'worker' | 'temporal' | 'bench', number>;
  say(
    `CPU seconds over the run: worker ${cpu.worker.toFixed(0)}, Temporal ${cpu.temporal.toFixed(0)}, ` +
      `bench process (API, sandbox, bookings) ${cpu.bench.toFixed(0)}; ` +
      `${((1000 * (cpu.worker + cpu.temporal + cpu.bench)) / run.booked).toFixed(0)} ms of CPU per case`,
  );
  const { start, end } = run.db;
  const perCase = run.booked ? (end.total - start.total) / run.booked : NaN;
  say(
    `Temporal database (SQLite file + -wal, -shm, -journal): ${mb(start.total)} at the start, ` +
      `${mb(end.total)} at the end (file ${mb(end.db)}, -wal ${mb(end.wal)}), ${(perCase / 1024).toFixed(1)} KB per case`,
  );

  say(
    JSON.stringify(
      {
        bench: 'soak',
        cases: run.cases,
        concurrency: run.concurrency,
        booked: run.booked,
        failed: run.failed,
        seconds: run.seconds,
        casesPerSecond: perSecond,
        perThousand: windows,
        drainSeconds: run.drainSeconds ?? null,
        load1m: run.load,
        workerRssBytes: rss,
        cpuSeconds: cpu,
        dbBytes: { start, end, perCase },
        samples: run.samples,
      },
      (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value),
    ),
  );
}

const toMb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** At most `count` samples, evenly spread, always with the last. */
function thin(samples: ProcessSample[], count: number): ProcessSample[] {
  if (samples.length <= count) return samples;
  const step = (samples.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => samples[Math.round(i * step)]!);
}
