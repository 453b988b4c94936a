import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Booking } from '../domain/booking';
import type { CaseSettings } from './settings';

/** Default task queue of the case workflows (overridden by TEMPORAL_TASK_QUEUE). */
export const defaultCaseTaskQueue = 'newcomer-cases';

/** The workflow id of a case: derived from the booking site's opaque reference, never from personal data. */
export function caseWorkflowId(bookingReference: string): string {
  return `case-${bookingReference}`;
}

/**
 * Each agency's activities run on their own task queue beside the case queue, so a rate limit per queue caps
 * what all workers together send to that agency.
 */
export function agencyTaskQueue(caseTaskQueue: string, agency: 'brp' | 'ind' | 'notify'): string {
  return `${caseTaskQueue}.${agency}`;
}

export interface NewcomerCaseInput {
  booking: Booking;
  /** The booking site that started the case (its actor id): only it may reschedule or withdraw it. */
  bookedBy?: string;
  /** Deadlines of this case; when omitted the worker's configuration is read once at case start and recorded. */
  settings?: CaseSettings;
  /**
   * A keyed hash of the booking and who booked it, taken by the API (api/booking-fingerprint.ts): what a repeated
   * booking is compared with. It reveals no personal data; absent for cases started by hand or before it existed.
   */
  bookingFingerprint?: string;
}

export const caseStatuses = ['open', 'completed', 'rejected', 'withdrawn', 'closed-no-show'] as const;
export type CaseStatusValue = (typeof caseStatuses)[number];

export const roles = ['booking-site', 'desk-officer', 'ind-officer', 'expat-advisor', 'agency', 'operator'] as const;
export type Role = (typeof roles)[number];

/** Who did something to a case, and in which role (docs/domain.md roles). */
export interface Actor {
  id: string;
  role: Role;
}

export const stepNames = [
  'eligibility',
  'permit',
  'check-in',
  'brp',
  'biometrics',
  'card',
  'return-visa',
  'advice',
] as const;
export type StepName = (typeof stepNames)[number];

/**
 * `blocked`: waits for another step; `waiting`: waits on a person or a call-back (see `waitingOn`);
 * `running`: an agency call is under way; `done`: has its outcome.
 */
export type StepState = 'not-wanted' | 'blocked' | 'waiting' | 'running' | 'done';

export interface StepView {
  name: StepName;
  state: StepState;
  outcome?: string;
  /** e.g. `desk:check-in`, `ind:decision`, `agency:brp`, `operator:brp`. */
  waitingOn?: string;
  detail?: string;
}

export interface DeadlineView {
  name: string;
  dueAt: string;
  /** `stopped`: the case closed (withdrawn, rejected, a no-show) while it ran; it can no longer be met or breached. */
  state: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
}

export interface AuditEntry {
  at: string;
  actor: Actor;
  action: string;
  detail?: string;
  /** Why a decision went as it did: required of an officer's refusal, given by IND when it says. */
  reason?: string;
  /** The officer's note with the action, kept as written. */
  note?: string;
}

/** The case as the API and the Temporal UI show it. */
export interface CaseView {
  caseId: string;
  bookingReference: string;
  householdReference?: string;
  status: CaseStatusValue;
  outcome?: string;
  municipalityCode: string;
  purpose: string;
  services: string[];
  appointment: { location: string; startsAt: string };
  /** A follow-up appointment at the desk after check-in (a biometrics retake, a card collection). */
  returnVisit?: ReturnVisit;
  steps: StepView[];
  waitingOn: string[];
  deadlines: DeadlineView[];
  slaBreached: boolean;
  agencyRetrying: string[];
  /** Results the newcomer and officers need: the BSN, the application number, the visa. */
  results: Record<string, string>;
  /** The agencies' references of this case's current biometrics capture and card order: call-backs name them. */
  references: CaseReferences;
  audit: AuditEntry[];
  /** The booking site that started the case; absent for cases started by hand or before it was recorded. */
  bookedBy?: string;
}

export const visitPurposes = ['biometrics-retake', 'card-collection'] as const;
export interface ReturnVisit {
  purpose: (typeof visitPurposes)[number];
  location: string;
  startsAt: string;
  /**
   * `missed`: nobody came by its start plus the check-in grace; the booking site or desk schedules another.
   * `cancelled`: what it was for is no longer needed (a refused permit needs no retake or card).
   */
  state: 'scheduled' | 'done' | 'missed' | 'cancelled';
}

export interface CaseReferences {
  biometricsCapture?: string;
  cardOrder?: string;
}

export interface NewcomerCaseResult {
  caseId: string;
  status: Exclude<CaseStatusValue, 'open'>;
  outcome: string;
  steps: StepView[];
}

/** IND's decision call-back. */
export interface IndDecisionEvent {
  applicationNumber: string;
  decision: 'granted' | 'refused' | 'inadmissible';
  decidedAt?: string;
  /** IND's reason for a refusal or inadmissibility, when it gives one. */
  reason?: string;
}
export interface CardReadyEvent {
  orderId: string;
  readyAt?: string;
}
export interface BiometricsQualityEvent {
  captureReference: string;
  result: 'accepted' | 'retake-needed';
}

// The officer actions and their Updates are in the action catalogue, `actions.ts`.

// Signals for agencies: they fire and forget, and the same call-back twice must change nothing.
/** IND's decision as cases took it before `indDecisionUpdate`; kept for the signals in their histories. */
export const indDecisionSignal = defineSignal<[IndDecisionEvent]>('indDecision');
/**
 * IND's decision call-back, as an Update: its validator refuses a decision other than the one the case has (a case
 * keeps its first), so IND is told 409 instead of taking a 202 for its decision being kept.
 */
export const indDecisionUpdate = defineUpdate<void, [IndDecisionEvent]>('indDecisionCallBack');
export const cardReadySignal = defineSignal<[CardReadyEvent]>('cardReady');
export const biometricsQualitySignal = defineSignal<[BiometricsQualityEvent]>('biometricsQuality');

/** The case's only query: what the API, the operator command and the Temporal UI's Queries tab show. */
export const caseStatusQuery = defineQuery<CaseView>('caseStatus');
export const caseStatusQueryDescription =
  'The case without personal data: status, steps, what it waits on, deadlines, results and audit trail';
/**
 * Sent with the start of a case (update-with-start): answers the case once it has read its settings and its
 * steps have begun, so a new booking is answered with what the case waits on, in one round trip.
 */
export const caseOpenedUpdate = defineUpdate<CaseView>('caseOpened');

/** How a card step waiting on an operator because nobody collected the card begins its detail. */
export const cardNotCollected = 'card not collected';
