import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Booking } from '../domain/booking';

/** Default task queue of the case workflows (overridden by TEMPORAL_TASK_QUEUE). */
export const defaultCaseTaskQueue = 'newcomer-cases';

/** The workflow id of a case: derived from the booking site's opaque reference, never from personal data. */
export function caseWorkflowId(bookingReference: string): string {
  return `case-${bookingReference}`;
}

export type NewcomerCaseInput = Booking;

export const caseStatuses = ['open', 'completed', 'rejected', 'withdrawn', 'closed-no-show'] as const;
export type CaseStatusValue = (typeof caseStatuses)[number];

/** Who did something to a case, and in which role (DOMAIN.md roles). */
export interface Actor {
  id: string;
  role: 'booking-site' | 'desk-officer' | 'ind-officer' | 'expat-advisor' | 'agency' | 'operator';
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
  status: CaseStatusValue;
  municipalityCode: string;
  purpose: string;
  services: string[];
  waitingOn: string[];
  audit: AuditEntry[];
}

export interface NewcomerCaseResult {
  caseId: string;
  status: Exclude<CaseStatusValue, 'open'>;
}

export interface WithdrawRequest {
  actor: Actor;
  reason: string;
}

export const caseStatusQuery = defineQuery<CaseView>('caseStatus');
export const withdrawUpdate = defineUpdate<CaseView, [WithdrawRequest]>('withdraw');
