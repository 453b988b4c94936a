import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Booking } from '../domain/booking';
import type {
  AuditEntry,
  CaseReferences,
  CaseStatusValue,
  CaseView,
  DeadlineView,
  ReturnVisit,
  StepView,
} from './definitions';
import {
  AgencyRetrying,
  AppointmentAt,
  CaseStatus,
  DeskLocation,
  Household,
  Municipality,
  NextDeadlineAt,
  Purpose,
  SlaBreached,
  WaitingOn,
} from './search-attributes';

/** What the case shows: read from `CaseState`, never written through. */
export interface CaseSnapshot {
  readonly caseId: string;
  readonly booking: Booking;
  readonly status: CaseStatusValue;
  readonly outcome: string | undefined;
  readonly appointment: Readonly<{ location: string; startsAt: string }>;
  readonly returnVisit?: Readonly<ReturnVisit>;
  readonly steps: readonly StepView[];
  readonly deadlines: readonly DeadlineView[];
  readonly slaBreached: boolean;
  readonly agencyRetrying: readonly string[];
  readonly results: Readonly<Record<string, string>>;
  readonly references: Readonly<CaseReferences>;
  readonly audit: readonly AuditEntry[];
  readonly bookedBy: string | undefined;
  /** The household to index in `Household`; undefined for cases that do not index it (started before it was). */
  readonly indexedHousehold?: string;
}

/** What an open case waits on now: each waiting step's `waitingOn`, once, sorted. */
function waitingOn(snapshot: CaseSnapshot): string[] {
  if (snapshot.status !== 'open') return [];
  const waits = snapshot.steps.filter((s) => s.state !== 'done' && s.waitingOn).map((s) => s.waitingOn!);
  return [...new Set(waits)].sort();
}

/** The case as the API and the Temporal UI show it. */
export function caseView(snapshot: CaseSnapshot): CaseView {
  const b = snapshot.booking;
  return {
    caseId: snapshot.caseId,
    bookingReference: b.bookingReference,
    ...(b.householdReference ? { householdReference: b.householdReference } : {}),
    status: snapshot.status,
    ...(snapshot.outcome ? { outcome: snapshot.outcome } : {}),
    municipalityCode: b.residence.municipalityCode,
    purpose: b.stay.purpose,
    services: b.services,
    appointment: { ...snapshot.appointment },
    ...(snapshot.returnVisit ? { returnVisit: { ...snapshot.returnVisit } } : {}),
    steps: [...snapshot.steps],
    waitingOn: waitingOn(snapshot),
    deadlines: [...snapshot.deadlines],
    slaBreached: snapshot.slaBreached,
    agencyRetrying: [...snapshot.agencyRetrying],
    results: { ...snapshot.results },
    references: { ...snapshot.references },
    audit: [...snapshot.audit],
    ...(snapshot.bookedBy ? { bookedBy: snapshot.bookedBy } : {}),
  };
}

/**
 * Temporal refuses a Datetime search attribute out of its range, and a refused upsert fails every workflow
 * task of the case. Intake and the validators bound the dates people set; this keeps a case that got past
 * them (started by hand, or before the bounds) running, with the true date still in its view.
 */
const latestIndexable = Date.parse('9000-01-01T00:00:00Z');
const indexable = (iso: string): Date => new Date(Math.max(0, Math.min(Date.parse(iso), latestIndexable)));

/** Keeps a case's search attributes current; upserts only what changed (each upsert is a history event). */
export class SearchAttributeSync {
  private last = '';

  sync(snapshot: CaseSnapshot): void {
    const open = snapshot.status === 'open';
    const running = snapshot.deadlines.filter((d) => d.state === 'running').map((d) => d.dueAt);
    const next = open && running.length > 0 ? running.sort()[0] : undefined;
    const values = {
      status: snapshot.status,
      waitingOn: waitingOn(snapshot),
      appointmentAt: snapshot.appointment.startsAt,
      location: snapshot.appointment.location,
      next,
      sla: snapshot.slaBreached,
      retrying: [...snapshot.agencyRetrying],
    };
    const serialised = JSON.stringify(values);
    if (serialised === this.last) return;
    this.last = serialised;
    upsertSearchAttributes([
      { key: CaseStatus, value: values.status },
      { key: WaitingOn, value: values.waitingOn.length > 0 ? values.waitingOn : null },
      { key: Municipality, value: snapshot.booking.residence.municipalityCode },
      { key: Purpose, value: snapshot.booking.stay.purpose },
      { key: DeskLocation, value: values.location },
      { key: AppointmentAt, value: indexable(values.appointmentAt) },
      { key: NextDeadlineAt, value: values.next ? indexable(values.next) : null },
      { key: SlaBreached, value: values.sla },
      { key: AgencyRetrying, value: values.retrying.length > 0 ? values.retrying : null },
      ...(snapshot.indexedHousehold ? [{ key: Household, value: snapshot.indexedHousehold }] : []),
    ]);
  }
}
