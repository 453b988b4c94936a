import { CancellationScope, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { caseOutcome, currentDetails, type AgencyTrouble, type Overdue } from './current-details';
import { settled, type Patience } from './settle';
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
  CaseOutcome,
  CaseStatus,
  DeskLocation,
  Household,
  Municipality,
  NextDeadlineAt,
  PersonOverdue,
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
  /** Since when each step waits on what it waits on (ISO), for the current details. */
  readonly waitingSince?: Readonly<Partial<Record<StepView['name'], string>>>;
  /** Waits on a person past the person norm (`PersonOverdue`). */
  readonly overdue?: readonly Overdue[];
  /** Agencies whose calls keep failing, since when, and their last error. */
  readonly agencyTrouble?: readonly AgencyTrouble[];
  /** After how long of failures an agency call is handed to an operator. */
  readonly retryMaxMs?: number;
  /** Steps with an agency call that keeps failing, which an operator may retry now or skip (cases since the patch). */
  readonly stepsWithFailingCalls?: readonly StepView['name'][];
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
    deadlines: snapshot.deadlines.map((d) =>
      snapshot.status !== 'open' && (d.state === 'running' || d.state === 'paused') ? { ...d, state: 'stopped' } : d,
    ),
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

/**
 * The writer waits for the steps: for rounds of the workflow's condition checks in which nothing asked for a
 * change, so a check-in that moves three steps costs one upsert. Waiting costs nothing in the history, but each
 * round is another call into the workflow sandbox and a few promises, each with its stack trace.
 *
 * One quiet round is enough: a round resolves every condition that holds, and the steps it resolved run before
 * the round ends (the SDK drains the microtasks of each call into the sandbox), so a step that reacts to a change
 * asks for its write in the round after it. A reaction that comes later still (to a change that asked for no
 * write) gets an upsert of its own, in the same task. Cases started before `patched('one-quiet-round')` waited
 * for three quiet rounds, as their histories' order of commands says.
 */
const quietRounds = { cautious: 3, quick: 1 } as const;

/**
 * Keeps a case's search attributes current; upserts only what changed (each upsert is a history event). Cases
 * started since `patched('one-search-attribute-upsert')` write once the steps have settled, so an action that
 * moves five steps costs one upsert, not five; older cases upsert at every change, as their histories say.
 */
export class SearchAttributeSync {
  private last = '';
  private coalescing = false;
  /** Changes asked for; the writer waits until this stops moving. */
  private requested = 0;
  private writer?: Promise<void>;
  /** Whether the last upsert set `PersonOverdue`, so the next one clears it. */
  private overdueShown = false;

  constructor(private readonly snapshot: () => CaseSnapshot) {}

  private patience: Patience = { quietWaits: quietRounds.cautious, maxWaits: 16, wait: 'round' };

  /** From now on, many changes within an activation become one upsert, written after `rounds` quiet rounds. */
  coalesce(rounds: keyof typeof quietRounds): void {
    this.coalescing = true;
    this.patience = { ...this.patience, quietWaits: quietRounds[rounds] };
  }

  sync(): void {
    if (!this.coalescing) return this.upsert(this.snapshot());
    this.requested += 1;
    // A step asks from within the steps' scope; a withdrawal cancels that scope, but never this write.
    this.writer ??= CancellationScope.nonCancellable(() => this.writeWhenSettled());
  }

  /** Resolves once every change asked for is written: what a closing case waits for before it completes. */
  async current(): Promise<void> {
    while (this.writer) await this.writer;
  }

  private async writeWhenSettled(): Promise<void> {
    await settled(() => this.requested, this.patience);
    this.writer = undefined;
    this.upsert(this.snapshot());
  }

  private upsert(snapshot: CaseSnapshot): void {
    // Not a command: the Temporal UI reads it through the SDK's metadata query, so it is written as often as
    // the search attributes are considered, changed or not (the waits' times move when the attributes do not).
    setCurrentDetails(currentDetails(snapshot));
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
      outcome: caseOutcome(snapshot),
      overdue: open
        ? [...(snapshot.overdue ?? [])].sort((a, b) => a.since.localeCompare(b.since))[0]?.waitingOn
        : undefined,
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
      // Cases that never set these (open ones before a norm passed, all before the attributes existed) leave them
      // out, so the upsert of a recorded history stays as it was.
      ...(values.outcome ? [{ key: CaseOutcome, value: values.outcome }] : []),
      ...(values.overdue || this.overdueShown ? [{ key: PersonOverdue, value: values.overdue ?? null }] : []),
    ]);
    this.overdueShown = values.overdue !== undefined;
  }
}
