import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';

interface Wait {
  dueAt: number;
  summary: string;
}

/**
 * The case's one timer (cases since the patch `one-case-clock`). Every clock of a case (its deadlines, the norms
 * of waits on a person, the retry watch of an agency call) waits on it instead of starting a timer of its own; the
 * timer runs to the earliest due date among them, and moves only when that changes. An action that starts three
 * clocks and stops one (check-in) then writes one timer command and one cancel where it wrote four, and each wait
 * costs the SDK a plain condition instead of a race of a timer and a condition in scopes of their own (a third of
 * the promises of check-in's task, each of which the SDK gives a stack trace).
 *
 * The Temporal UI's pending timer carries the summary of the earliest wait; the case view lists every clock.
 */
export class CaseClock {
  private readonly waits = new Map<number, Wait>();
  private nextId = 0;

  /**
   * Like `condition(until, ms)`: resolves true once `until()` holds, false once `ms` passed first. When both hold
   * in the same task, `until()` wins: what the clock waited for did happen.
   */
  within(until: () => boolean, ms: number, summary: string): Promise<boolean> {
    const dueAt = Date.now() + ms;
    const id = this.nextId++;
    this.waits.set(id, { dueAt, summary });
    // Not an async function: each wait on the clock is one promise fewer, and check-in makes three.
    return condition(() => until() || Date.now() >= dueAt).then(
      () => {
        this.waits.delete(id);
        return until();
      },
      (err: unknown) => {
        this.waits.delete(id);
        throw err;
      },
    );
  }

  /** Like `sleep(ms)`. */
  async sleep(ms: number, summary: string): Promise<void> {
    await this.within(() => false, ms, summary);
  }

  /**
   * Keeps the timer at the earliest due date, for the case's life. A timer fires after its due date in workflow
   * time (it starts when its task completes, after the task's time), so the waits due then see `Date.now()` past it.
   */
  async run(): Promise<never> {
    for (;;) {
      const next = this.earliest();
      if (!next) {
        await condition(() => this.waits.size > 0);
        continue;
      }
      const moved = (): boolean => this.earliest()?.dueAt !== next.dueAt;
      const ms = next.dueAt - Date.now();
      // Due (or fired): the waits due resolve in this round of condition checks and leave; then the next one.
      if (ms <= 0) {
        await condition(moved);
        continue;
      }
      // A timer in a scope of its own, not `condition(moved, ms)`: that races two promises in two scopes, and
      // this loop runs at every change of the earliest due date.
      let fired = false;
      const timer = new CancellationScope();
      void timer
        .run(() => sleep(ms, { summary: next.summary }))
        .then(
          () => (fired = true),
          (err: unknown) => {
            if (!isCancellation(err)) throw err;
          },
        );
      await condition(() => fired || moved());
      if (!fired) timer.cancel();
    }
  }

  private earliest(): Wait | undefined {
    let first: Wait | undefined;
    for (const wait of this.waits.values()) if (!first || wait.dueAt < first.dueAt) first = wait;
    return first;
  }
}

/**
 * `condition(until, ms)` on the case's clock, or on a timer of its own for a case started before it had one. The
 * promise is `condition`'s own for those: not one await more, as their recorded commands' order rests on it.
 */
export function within(
  clock: CaseClock | undefined,
  until: () => boolean,
  ms: number,
  summary: string,
): Promise<boolean> {
  return clock ? clock.within(until, ms, summary) : condition(until, ms, { summary });
}

/** `sleep(ms)` on the case's clock, or a timer of its own for a case started before it had one. */
export function sleepOn(clock: CaseClock | undefined, ms: number, summary: string): Promise<void> {
  return clock ? clock.sleep(ms, summary) : sleep(ms, { summary });
}
