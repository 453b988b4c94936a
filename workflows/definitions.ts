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
  /** Deadlines of this case; when omitted the worker's configuration is read once at case start and recorded. */
  settings?: CaseSettings;
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
  state: 'running' | 'paused' | 'met' | 'breached';
}

export interface AuditEntry {
  at: string;
  actor: Actor;
  action: string;
  detail?: string;
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
  steps: StepView[];
  waitingOn: string[];
  deadlines: DeadlineView[];
  slaBreached: boolean;
  agencyRetrying: string[];
  /** Results the newcomer and officers need: the BSN, the application number, the visa. */
  results: Record<string, string>;
  audit: AuditEntry[];
}

export interface NewcomerCaseResult {
  caseId: string;
  status: Exclude<CaseStatusValue, 'open'>;
  outcome: string;
  steps: StepView[];
}

interface ByActor {
  actor: Actor;
}

export interface CheckInRequest extends ByActor {
  identity: 'verified' | 'in-doubt';
  note?: string;
}
export interface ResolveIdentityRequest extends ByActor {
  identity: 'verified' | 'not-verified';
  note?: string;
}
export interface ResolveAddressRequest extends ByActor {
  decision: 'accept' | 'refer-to-rni' | 'refuse';
  note?: string;
}
export interface CaptureBiometricsRequest extends ByActor {
  captureReference: string;
}
export interface BiometricsQualityRequest extends ByActor {
  captureReference: string;
  result: 'accepted' | 'retake-needed';
}
export interface PermitDecisionRequest extends ByActor {
  decision: 'granted' | 'refused' | 'inadmissible';
  note?: string;
}
export interface RequestDocumentsRequest extends ByActor {
  documents: string[];
  /** ISO date-time; defaults to now + the configured documents term. */
  dueAt?: string;
}
export type DocumentsSuppliedRequest = ByActor;
export interface DecideReturnVisaRequest extends ByActor {
  decision: 'issue' | 'refuse';
  note?: string;
}
export type HandOverCardRequest = ByActor;
export interface RecordAdviceRequest extends ByActor {
  outcome: 'given' | 'declined';
  note?: string;
}
export interface RescheduleRequest extends ByActor {
  startsAt: string;
  location?: string;
}
export interface WithdrawRequest extends ByActor {
  reason: string;
}
export interface RetryStepRequest extends ByActor {
  step: StepName;
}
export interface SkipStepRequest extends ByActor {
  step: StepName;
  reason: string;
}

/** IND's decision call-back. */
export interface IndDecisionEvent {
  applicationNumber: string;
  decision: 'granted' | 'refused' | 'inadmissible';
  decidedAt?: string;
}
export interface CardReadyEvent {
  orderId: string;
  readyAt?: string;
}
export interface BiometricsQualityEvent {
  captureReference: string;
  result: 'accepted' | 'retake-needed';
}

// Updates, not signals, for officers: the officer's screen must know at once whether the action was accepted.
export const checkInUpdate = defineUpdate<CaseView, [CheckInRequest]>('checkIn');
export const resolveIdentityUpdate = defineUpdate<CaseView, [ResolveIdentityRequest]>('resolveIdentity');
export const resolveAddressUpdate = defineUpdate<CaseView, [ResolveAddressRequest]>('resolveAddress');
export const captureBiometricsUpdate = defineUpdate<CaseView, [CaptureBiometricsRequest]>('captureBiometrics');
export const recordBiometricsQualityUpdate = defineUpdate<CaseView, [BiometricsQualityRequest]>(
  'recordBiometricsQuality',
);
export const recordPermitDecisionUpdate = defineUpdate<CaseView, [PermitDecisionRequest]>('recordPermitDecision');
export const requestDocumentsUpdate = defineUpdate<CaseView, [RequestDocumentsRequest]>('requestDocuments');
export const documentsSuppliedUpdate = defineUpdate<CaseView, [DocumentsSuppliedRequest]>('documentsSupplied');
export const decideReturnVisaUpdate = defineUpdate<CaseView, [DecideReturnVisaRequest]>('decideReturnVisa');
export const handOverCardUpdate = defineUpdate<CaseView, [HandOverCardRequest]>('handOverCard');
export const recordAdviceUpdate = defineUpdate<CaseView, [RecordAdviceRequest]>('recordAdvice');
export const rescheduleUpdate = defineUpdate<CaseView, [RescheduleRequest]>('reschedule');
export const withdrawUpdate = defineUpdate<CaseView, [WithdrawRequest]>('withdraw');
export const retryStepUpdate = defineUpdate<CaseView, [RetryStepRequest]>('retryStep');
export const skipStepUpdate = defineUpdate<CaseView, [SkipStepRequest]>('skipStep');

// Signals for agencies: they fire and forget, and the same call-back twice must change nothing.
export const indDecisionSignal = defineSignal<[IndDecisionEvent]>('indDecision');
export const cardReadySignal = defineSignal<[CardReadyEvent]>('cardReady');
export const biometricsQualitySignal = defineSignal<[BiometricsQualityEvent]>('biometricsQuality');

export const caseStatusQuery = defineQuery<CaseView>('caseStatus');
/** The booking the case started from: the API compares a repeated booking with it. */
export const caseBookingQuery = defineQuery<Booking>('caseBooking');
