import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/** What a poll heartbeats: when it last asked, and the transient error it last met (none after a good answer). */
export interface PollHeartbeat {
  polledAt: string;
  attempts: number;
  lastError?: string;
}

/**
 * The polling fall-back of a call-back: asks every `intervalMs`, heartbeating in between (so history stays
 * small and a dead worker is noticed), until `done` holds. Cancelling the activity stops it at once.
 *
 * A transient agency error (5xx, 429, timeout, unreachable) does not end the poll: the activity keeps polling
 * and heartbeats the error, because ending it would hand the wait to Temporal's retry back-off, which grows to
 * minutes and turns a flaky agency into a late case. Only a definite answer ends it: `done`, or a refusal the
 * adapter marked non-retryable (e.g. the agency no longer knows the application), which the workflow acts on.
 */
export async function pollUntil<T>(
  look: () => Promise<T>,
  done: (value: T) => boolean,
  intervalMs: number,
): Promise<T> {
  const context = Context.current();
  for (let attempts = 1; ; attempts += 1) {
    let wait = intervalMs;
    try {
      const value = await look();
      if (done(value)) return value;
      context.heartbeat({ polledAt: new Date().toISOString(), attempts } satisfies PollHeartbeat);
    } catch (err) {
      if (context.cancellationSignal.aborted || !isTransient(err)) throw err;
      const delay = err.nextRetryDelay;
      if (typeof delay === 'number' && delay > wait) wait = delay;
      const lastError = err.message;
      // The type only: the agency's words may name the newcomer; the heartbeat (encrypted) keeps them.
      context.log.warn('poll answered with a transient error; polling on', { attempts, errorType: err.type });
      context.heartbeat({ polledAt: new Date().toISOString(), attempts, lastError } satisfies PollHeartbeat);
    }
    await context.sleep(wait);
  }
}

/** The adapters throw every agency error as an ApplicationFailure; anything else is a bug, for Temporal to retry. */
function isTransient(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && !err.nonRetryable;
}
