import { condition, isCancellation } from '@temporalio/workflow';
import type { CaseState } from './case-state';

export interface DeadlineOptions {
  /** The clock stops (met) once this holds. */
  until: () => boolean;
  /** While this holds the clock is paused (opschorting) and the due date moves by the pause. */
  pausedWhile?: () => boolean;
  /** What happens when the clock runs out. */
  onBreach?: () => void;
  /** A service-level clock (the default) flags `SlaBreached` when it runs out; a procedural one does not. */
  sla?: boolean;
}

/**
 * A durable clock of the case: a timer that survives restarts, shown in the case view and in `NextDeadlineAt`.
 * Resolves `'met'` or `'breached'` (or `'cancelled'` when the case stops).
 */
export function runDeadline(
  c: CaseState,
  name: string,
  durationMs: number,
  options: DeadlineOptions,
): Promise<'met' | 'breached' | 'cancelled'> {
  // A clock runs beside its step; when the step is cancelled (withdrawal) nobody may be awaiting the clock yet.
  return clock(c, name, durationMs, options).catch((err: unknown) => {
    if (isCancellation(err)) return 'cancelled' as const;
    throw err;
  });
}

async function clock(
  c: CaseState,
  name: string,
  durationMs: number,
  options: DeadlineOptions,
): Promise<'met' | 'breached'> {
  const paused = options.pausedWhile ?? (() => false);
  let remaining = durationMs;
  for (;;) {
    if (options.until()) {
      c.setDeadline(name, Date.now() + remaining, 'met');
      return 'met';
    }
    if (paused()) {
      c.setDeadline(name, Date.now() + remaining, 'paused');
      await condition(() => !paused() || options.until());
      continue;
    }
    const startedAt = Date.now();
    c.setDeadline(name, startedAt + remaining, 'running');
    const settled = await condition(() => options.until() || paused(), remaining);
    if (!settled) {
      c.setDeadline(name, startedAt + remaining, 'breached', options.sla ?? true);
      options.onBreach?.();
      return 'breached';
    }
    remaining -= Date.now() - startedAt;
  }
}
