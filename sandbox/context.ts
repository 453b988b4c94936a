import { randomInt } from 'node:crypto';
import { createLogger, type Logger } from '../lib/logger';
import type { CallbackSender } from './callbacks';
import type { FaultInjector } from './faults';
import type { IdFactory } from './ids';
import type { SandboxState } from './state';
import type { StateStore } from './state-store';

/** How the sandbox agencies behave; every field has the default of the matching `SANDBOX_*` variable. */
export interface SandboxOptions {
  /** Bearer token every agency route expects; default `sandbox-dev-token`. */
  token?: string;
  /** Where IND call-backs go when the request carried no `callbackUrl`; none by default. */
  callbackUrl?: string;
  /** Bearer token sent on call-backs; default `agency-dev-token`. */
  callbackToken?: string;
  /** Decide IND applications `granted` this many ms after filing; 0 (default): only on `POST /_admin/ind/decide`. */
  decisionDelayMs?: number;
  /** Make ordered cards ready this many ms later; 0 (default): only on `POST /_admin/ind/card-ready`. */
  cardReadyDelayMs?: number;
  /** Sponsor numbers the IND register does not know; default `['RS-UNKNOWN']`. */
  unrecognisedSponsors?: readonly string[];
  /** Postcodes every municipality rejects; default `['9999ZZ']`. */
  rejectedPostcodes?: readonly string[];
  /** Seed of the fault randomness, so a run can be repeated; default random. */
  seed?: number;
  /** First call-back retry delay in ms, doubling per retry; default 200. */
  callbackRetryDelayMs?: number;
  /** Default: silent. */
  logger?: Logger;
  /**
   * JSON file the state is loaded from at start and saved to after each change, so a restarted sandbox forgets
   * nothing; none by default (memory only). A missing file starts empty; an unreadable one throws a ConfigError.
   */
  stateFile?: string;
  /**
   * Bearer token `/_admin` requires, from any address. None (default): `/_admin` answers only callers on
   * loopback, without a token.
   */
  adminToken?: string;
}

type OptionalOptions = 'callbackUrl' | 'stateFile' | 'adminToken';
export type ResolvedOptions = Required<Omit<SandboxOptions, OptionalOptions>> & Pick<SandboxOptions, OptionalOptions>;

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  return {
    token: options.token ?? 'sandbox-dev-token',
    callbackUrl: options.callbackUrl,
    stateFile: options.stateFile,
    adminToken: options.adminToken,
    callbackToken: options.callbackToken ?? 'agency-dev-token',
    decisionDelayMs: options.decisionDelayMs ?? 0,
    cardReadyDelayMs: options.cardReadyDelayMs ?? 0,
    unrecognisedSponsors: options.unrecognisedSponsors ?? ['RS-UNKNOWN'],
    rejectedPostcodes: (options.rejectedPostcodes ?? ['9999ZZ']).map(normalisePostcode),
    seed: options.seed ?? randomInt(2 ** 31),
    callbackRetryDelayMs: options.callbackRetryDelayMs ?? 200,
    logger: options.logger ?? createLogger({ name: 'sandbox', level: 'silent' }),
  };
}

export function normalisePostcode(postcode: string): string {
  return postcode.replace(/\s+/g, '').toUpperCase();
}

/** Timers that `close()` and `POST /_admin/reset` stop; none keeps the process alive. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  after(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** What every sandbox module shares. */
export interface SandboxContext {
  options: ResolvedOptions;
  state: SandboxState;
  /** Every change to `state` is saved through it; see StateStore for when to await it. */
  store: StateStore;
  faults: FaultInjector;
  callbacks: CallbackSender;
  scheduler: Scheduler;
  ids: IdFactory;
  logger: Logger;
}

export function nowIso(): string {
  return new Date().toISOString();
}
