import type { Logger } from '../lib/logger';
import type { Scheduler } from './context';
import type { CallbackDelivery, CallbackEvent, SandboxState } from './state';
import type { StateStore } from './state-store';

export interface CallbackOptions {
  /** Bearer token sent with every call-back. */
  token: string;
  /** Delay before the first retry in ms; it doubles per retry. */
  retryDelayMs: number;
  state: SandboxState;
  store: StateStore;
  scheduler: Scheduler;
  logger: Logger;
}

/** Retries after the first attempt, so at most six attempts in all. */
const maxRetries = 5;
const attemptTimeoutMs = 5000;

/**
 * Delivers IND's call-backs like an agency would: in the background, retried with back-off on network
 * errors and non-2xx answers, and given up on after the last retry. Every delivery is recorded in
 * `state.callbacks` (url, body, last status, attempts) for tests; logs carry no body. At least once: a restart
 * in the middle of an attempt repeats it.
 */
export class CallbackSender {
  private aborter = new AbortController();

  constructor(private readonly options: CallbackOptions) {}

  send(url: string | undefined, body: CallbackEvent): void {
    if (!url) {
      this.options.logger.warn({ event: body.event }, 'call-back dropped: no callbackUrl and no SANDBOX_CALLBACK_URL');
      return;
    }
    // The event names the endpoint: `<callbackUrl>/decision`, `<callbackUrl>/card-ready`.
    const delivery: CallbackDelivery = {
      url: `${url.replace(/\/$/, '')}/${body.event}`,
      body,
      status: null,
      attempts: 0,
      delivered: false,
    };
    this.options.state.callbacks.push(delivery);
    // A call-back reports a change: it leaves only once that change is saved, as an answer does. A failed save is
    // logged by the store; the call-back goes all the same.
    const stopped = this.aborter.signal;
    void this.options.store
      .save()
      .catch(() => undefined)
      .then(() => this.attempt(delivery, stopped));
  }

  /** Takes up the deliveries of a loaded state that were neither delivered nor given up. */
  resume(): void {
    for (const delivery of this.options.state.callbacks) {
      if (delivery.delivered || delivery.attempts > maxRetries) continue;
      const stopped = this.aborter.signal;
      this.options.scheduler.after(this.options.retryDelayMs, () => void this.attempt(delivery, stopped));
    }
  }

  /** Stops retries and in-flight deliveries. */
  stop(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
  }

  private async attempt(delivery: CallbackDelivery, stopped: AbortSignal): Promise<void> {
    delivery.attempts += 1;
    let failure: string;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.any([stopped, AbortSignal.timeout(attemptTimeoutMs)]),
      });
      await response.body?.cancel();
      delivery.status = response.status;
      if (response.ok) {
        delivery.delivered = true;
        this.options.store.changed();
        return;
      }
      failure = `answered ${response.status}`;
    } catch (err) {
      failure = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    if (stopped.aborted) return;
    this.options.store.changed();
    const retry = delivery.attempts <= maxRetries;
    const log = { url: delivery.url, event: delivery.body.event, attempts: delivery.attempts };
    this.options.logger.warn({ ...log, failure, retry }, retry ? 'call-back failed; retrying' : 'call-back given up');
    if (retry) {
      const delay = this.options.retryDelayMs * 2 ** (delivery.attempts - 1);
      this.options.scheduler.after(delay, () => void this.attempt(delivery, stopped));
    }
  }
}
