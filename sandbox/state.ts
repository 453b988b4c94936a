import type { Agency } from '../domain/agency-failures';

/** One side effect an agency actually performed; replays and failed calls add none. */
export interface LedgerEntry {
  agency: Agency;
  operation: string;
  idempotencyKey: string;
  caseRef: string;
  /** ISO date-time. */
  at: string;
}

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: object;
}

export interface Registration {
  registrationId: string;
  burgerservicenummer: string;
  gemeenteVanInschrijving: string;
  registeredAt: string;
  caseRef: string;
  /** IND refused the permit the registration rested on, as the case reported it. */
  residenceDecision?: { decision: 'refused' | 'inadmissible'; decidedAt: string };
}

export const decisions = ['granted', 'refused', 'inadmissible'] as const;
export type Decision = (typeof decisions)[number];
export type ApplicationStatus = 'pending' | Decision | 'withdrawn';

export interface Application {
  applicationNumber: string;
  /** The case that filed or linked it; '' for a sponsor's filing no case has linked yet. */
  caseRef: string;
  purpose: string;
  route: string;
  sponsorNumber?: string;
  /** Where the decision call-back goes; the sandbox's default call-back URL when absent. */
  callbackUrl?: string;
  /** Filed by the sponsor and linked by us, rather than filed by us. */
  linked: boolean;
  status: ApplicationStatus;
  filedAt: string;
  decidedAt?: string;
  /** IND's reason for a refusal or inadmissibility. */
  reason?: string;
  /** The case reported that requested documents did not arrive in time: IND decides on inadmissibility. */
  documentsOverdue?: boolean;
}

export type CardStatus = 'in-production' | 'ready' | 'cancelled';

export interface CardOrder {
  orderId: string;
  applicationNumber: string;
  caseRef: string;
  callbackUrl?: string;
  status: CardStatus;
  orderedAt: string;
  readyAt?: string;
}

export interface ReturnVisa {
  visaNumber: string;
  applicationNumber: string;
  caseRef: string;
  issuedAt: string;
  validUntil: string;
}

export interface SentEmail {
  id: string;
  emailAddress: string;
  templateId: string;
  personalisation: Record<string, string>;
  reference: string;
  /** The template filled in (absent in state files written before the sandbox rendered them). */
  subject?: string;
  body?: string;
  sentAt: string;
}

/** What IND posts to a callbackUrl (docs/agency-api.md). */
export type CallbackEvent =
  | {
      event: 'decision';
      caseRef: string;
      applicationNumber: string;
      decision: Decision;
      decidedAt: string;
      reason?: string;
    }
  | { event: 'card-ready'; caseRef: string; orderId: string; applicationNumber: string; readyAt: string };

/** One call-back, updated in place while it is retried. */
export interface CallbackDelivery {
  url: string;
  body: CallbackEvent;
  /** HTTP status of the last attempt; null when it never got an answer. */
  status: number | null;
  attempts: number;
  delivered: boolean;
}

export interface Fault {
  /** Fraction of calls that fail, 0..1. */
  errorRate: number;
  /** Added before answering: a fixed delay or a uniform range [min, max], in milliseconds. */
  latencyMs: number | [number, number];
  /** Every call answers 503. */
  outage: boolean;
  /** Every call matching `call` (`METHOD path`, a regular expression) answers `status`. */
  answer?: { status: 404 | 409 | 422 | 500; call: string };
}

/**
 * Everything the sandbox remembers: in memory, and with SANDBOX_STATE_FILE also in that file (state-file.ts), so
 * a restarted sandbox goes on where it stopped. `POST /_admin/reset` empties it.
 */
export interface SandboxState {
  ledger: LedgerEntry[];
  /** Keyed by `idempotencyStoreKey(agency, key)`. */
  idempotency: Map<string, StoredResponse>;
  registrations: Map<string, Registration>;
  applications: Map<string, Application>;
  cards: Map<string, CardOrder>;
  returnVisas: Map<string, ReturnVisa>;
  emails: SentEmail[];
  callbacks: CallbackDelivery[];
  faults: Partial<Record<Agency, Fault>>;
}

export function createState(): SandboxState {
  return {
    ledger: [],
    idempotency: new Map(),
    registrations: new Map(),
    applications: new Map(),
    cards: new Map(),
    returnVisas: new Map(),
    emails: [],
    callbacks: [],
    faults: {},
  };
}

/** Empties the state in place, so everyone holding it sees the reset. */
export function resetState(state: SandboxState): void {
  Object.assign(state, createState());
}

export function idempotencyStoreKey(agency: Agency, key: string): string {
  return `${agency}\n${key}`;
}
