/** Latency samples of one action on one path, in milliseconds. */
export class Samples {
  private readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[index]!;
  }
}

export function formatMs(ms: number): string {
  return Number.isNaN(ms) ? '-' : ms.toFixed(1);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Runs `tasks` with at most `concurrency` at a time, like officers working through a queue. */
export async function runPool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const officer = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, officer));
  return results;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

export function summarise(samples: Samples): Summary {
  return { n: samples.count, p50: samples.percentile(50), p95: samples.percentile(95), p99: samples.percentile(99) };
}

/** PASS when every ratio is within the target; a ratio without samples (NaN) misses. */
export function verdict(ratios: readonly number[], target: number): 'PASS' | 'MISS' {
  return ratios.every((r) => r <= target) ? 'PASS' : 'MISS';
}

export interface WindowRate {
  /** The window's first and last item, counted from 1. */
  from: number;
  to: number;
  seconds: number;
  perSecond: number;
}

/**
 * Throughput per window of `size` items, from the times (ms) at which each item finished and the time the first
 * window began; a last, shorter window keeps what is left.
 */
export function windowRates(finishedAtMs: readonly number[], startedAtMs: number, size: number): WindowRate[] {
  const sorted = [...finishedAtMs].sort((a, b) => a - b);
  const windows: WindowRate[] = [];
  for (let from = 0; from < sorted.length; from += size) {
    const to = Math.min(from + size, sorted.length);
    const began = from === 0 ? startedAtMs : sorted[from - 1]!;
    const seconds = (sorted[to - 1]! - began) / 1000;
    windows.push({ from: from + 1, to, seconds, perSecond: seconds > 0 ? (to - from) / seconds : NaN });
  }
  return windows;
}
