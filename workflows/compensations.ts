/** How to undo one effect of the case at an agency, registered by the step right after the effect succeeded. */
export interface Compensation {
  /** Whether the effect still needs undoing when the case is withdrawn (a handed-over card does not). */
  needed: () => boolean;
  /** Undoes the effect; resolves what happened, in words, for the case's outcome (`IND application withdrawn`). */
  undo: () => Promise<string>;
  /** Also undone when the case closes as a no-show (an application the desk filed), not only on withdrawal. */
  onNoShow?: boolean;
}

/**
 * The saga of a case: a step that changes something at an agency registers its undo on the next line, so a new
 * step cannot forget it. A withdrawal runs them newest first.
 */
export class Compensations {
  private readonly registered: Compensation[] = [];

  register(compensation: Compensation): void {
    this.registered.unshift(compensation);
  }

  /** Undoes, newest first, what still needs undoing (after a no-show: what says so); returns what was undone. */
  async undoAll(ending: 'withdrawn' | 'closed-no-show' = 'withdrawn'): Promise<string[]> {
    const undone: string[] = [];
    for (const compensation of this.registered) {
      if (ending === 'closed-no-show' && !compensation.onNoShow) continue;
      if (!compensation.needed()) continue;
      undone.push(await compensation.undo());
    }
    return undone;
  }
}
