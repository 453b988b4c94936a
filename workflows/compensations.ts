/** How to undo one effect of the case at an agency, registered by the step right after the effect succeeded. */
export interface Compensation {
  /** Whether the effect still needs undoing when the case is withdrawn (a handed-over card does not). */
  needed: () => boolean;
  /** Undoes the effect; resolves what happened, in words, for the case's outcome (`IND application withdrawn`). */
  undo: () => Promise<string>;
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

  /** Undoes, newest first, what still needs undoing; returns what was undone. */
  async undoAll(): Promise<string[]> {
    const undone: string[] = [];
    for (const compensation of this.registered) {
      if (!compensation.needed()) continue;
      undone.push(await compensation.undo());
    }
    return undone;
  }
}
