import { Context } from '@temporalio/activity';

/**
 * The polling fall-back of a call-back: asks every `intervalMs`, heartbeating in between (so history stays
 * small and a dead worker is noticed), until `done` holds. Cancelling the activity stops it at once.
 */
export async function pollUntil<T>(
  look: () => Promise<T>,
  done: (value: T) => boolean,
  intervalMs: number,
): Promise<T> {
  const context = Context.current();
  for (;;) {
    const value = await look();
    if (done(value)) return value;
    context.heartbeat({ polledAt: new Date().toISOString() });
    await context.sleep(intervalMs);
  }
}
