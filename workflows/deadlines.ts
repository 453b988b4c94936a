import { condition, isCancellation } from '@temporalio/workflow';
import { within } from './case-clock';
import type { CaseState } from './case-state';
import { deadlineSummary } from './summaries';

export interface DeadlineOptions {
  /** The clock stops (met) once this holds. */
  until: () => boolean;
  /** While this holds the clock is paused (opschorting) and the due date moves by the pause. */
  pausedWhile?: () => boolean;
  /** What happens when the clock runs out. */
  onBreach?: () => void;
  /** A service-level clock (the default) flags `SlaBreached` when it runs out; a procedural one does not. */
  sla?: boolean;
  /** When the clock started (ms since the epoch), if before now: e.g. IND's receipt of an application. */
  from?: number;
  /** Time added to the clock so far (an extension, verlenging), in ms; the due date moves when it grows. */
  extendedBy?: () => number;
}

/**
 * A durable clock of the case: a timer that survives restarts, shown in the case view and in `NextDeadlineAt`.
 * Resolves `'met'` or `'breached'` (or `'cancelled'` when the case stops).
 */
export function runDeadline(
  state: CaseState,
  name: string,
  durationMs: number,
  options: DeadlineOptions,
): Promise<'met' | 'breached' | 'cancelled'> {
  // A clock runs beside its step; when the step is cancelled (withdrawal) nobody may be awaiting the clock yet.
  return clock(state, name, durationMs, options).catch((err: unknown) => {
    if (isCancellation(err)) return 'cancelled' as const;
    throw err;
  });
}

async function clock(
  state: CaseState,
  name: string,
  durationMs: number,
  options: DeadlineOptions,
): Promise<'met' | 'breached'> {
  const paused = options.pausedWhile ?? (() => false);
  const extendedBy = options.extendedBy ?? (() => 0);
  let extended = 0;
  let remaining = durationMs - (options.from === undefined ? 0 : Date.now() - options.from);
  for (;;) {
    remaining += extendedBy() - extended;
    extended = extendedBy();
    if (options.until()) {
      state.setDeadline(name, Date.now() + remaining, 'met');
      return 'met';
    }
    if (paused()) {
      state.setDeadline(name, Date.now() + remaining, 'paused');
      await condition(() => !paused() || options.until() || extendedBy() !== extended);
      continue;
    }
    const startedAt = Date.now();
    state.setDeadline(name, startedAt + remaining, 'running');
    // A clock that started long enough ago has run out already: no timer for it.
    const settled =
      remaining > 0 &&
      (await within(
        state.clock,
        () => options.until() || paused() || extendedBy() !== extended,
        remaining,
        deadlineSummary(name, remaining),
      ));
    if (!settled) {
      state.setDeadline(name, startedAt + remaining, 'breached', options.sla ?? true);
      options.onBreach?.();
      return 'breached';
    }
    remaining -= Date.now() - startedAt;
  }
}
