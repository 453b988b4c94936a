/**
 * Where the sandbox's state goes after a change. A request handler awaits `save()` before it answers, so an answer
 * never reports a change that a crash could still take back; changes made on the sandbox's own time (a timer, a
 * call-back attempt) only call `changed()`.
 */
export interface StateStore {
  /** Records a change; it is written soon, together with the changes around it. */
  changed(): void;
  /** Records a change and resolves once it is written. */
  save(): Promise<void>;
  /** Resolves once every change recorded so far is written; at once when none is pending. */
  flushed(): Promise<void>;
}

/** The store of a sandbox without a state file: it keeps nothing, and everything is written at once. */
export const memoryOnly: StateStore = {
  changed() {},
  save: () => Promise.resolve(),
  flushed: () => Promise.resolve(),
};

interface Waiter {
  /** The number of changes that must be written before this waiter is answered. */
  upTo: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Writes a snapshot of the state after changes, one write at a time, and coalesces: every change recorded while a
 * write runs shares the next write, so a burst of a hundred calls costs two or three writes, not a hundred.
 */
export class CoalescingWriter implements StateStore {
  private recorded = 0;
  private written = 0;
  private running: Promise<void> | undefined;
  private waiters: Waiter[] = [];

  /**
   * @param snapshot the state as it is now, serialised; taken at the start of each write
   * @param write puts a snapshot on disk, whole or not at all
   * @param onError told of a failed write; every waiter fails with it, and the next change tries again
   */
  constructor(
    private readonly snapshot: () => string,
    private readonly write: (text: string) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  changed(): void {
    this.recorded += 1;
    this.running ??= this.drain();
  }

  save(): Promise<void> {
    this.changed();
    return this.flushed();
  }

  flushed(): Promise<void> {
    if (this.written >= this.recorded) return Promise.resolve();
    const upTo = this.recorded;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
    this.running ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    // One turn of the event loop first, so the changes of requests arriving together share the first write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.written < this.recorded) {
      const upTo = this.recorded;
      try {
        await this.write(this.snapshot());
        this.written = upTo;
        this.answer(upTo, (waiter) => waiter.resolve());
      } catch (err) {
        // Every waiter fails, not only this write's: the next write would meet the same disk. The next change retries.
        this.onError(err);
        this.answer(Infinity, (waiter) => waiter.reject(err));
        break;
      }
    }
    this.running = undefined;
  }

  private answer(upTo: number, settle: (waiter: Waiter) => void): void {
    const due = this.waiters.filter((waiter) => waiter.upTo <= upTo);
    this.waiters = this.waiters.filter((waiter) => waiter.upTo > upTo);
    for (const waiter of due) settle(waiter);
  }
}
