import { condition } from '@temporalio/workflow';

export interface Patience {
  /** Waits in a row that change nothing before the case counts as settled. */
  quietWaits: number;
  /** Waits at most. */
  maxWaits: number;
  /**
   * `microtask`: a `condition(() => true)`, which resolves at once (the SDK evaluates a condition when it is
   * made), so only promise continuations queued before it have run. `round`: the next round of the workflow's
   * condition checks, so every step whose condition came true in this one has run as well.
   */
  wait: 'microtask' | 'round';
}

/**
 * Waits, within the current activation and without commands, until the steps have reacted to what just
 * happened: until `revision()` stayed the same for `quietWaits` waits in a row, or `maxWaits` passed. Within a
 * wait, the caller's continuation may run before a step's, so one quiet wait proves little.
 */
export async function settled(revision: () => string | number, patience: Patience): Promise<void> {
  let before = revision();
  let quiet = 0;
  for (let waited = 0; waited < patience.maxWaits && quiet < patience.quietWaits; waited += 1) {
    await (patience.wait === 'round' ? nextRound() : condition(() => true));
    const after = revision();
    quiet = after === before ? quiet + 1 : 0;
    before = after;
  }
}

/** Resolves in the next round of the workflow's condition checks: false when made, true when checked again. */
function nextRound(): Promise<void> {
  let checked = false;
  return condition(() => {
    const again = checked;
    checked = true;
    return again;
  });
}
