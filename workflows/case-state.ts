import { condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Booking, Service } from '../domain/booking';
import { euEeaSwiss } from '../domain/booking';
import type { Actor, AuditEntry, CaseStatusValue, CaseView, DeadlineView, StepName, StepView } from './definitions';
import { stepNames } from './definitions';
import {
  AgencyRetrying,
  AppointmentAt,
  CaseStatus,
  DeskLocation,
  Municipality,
  NextDeadlineAt,
  Purpose,
  SlaBreached,
  WaitingOn,
} from './search-attributes';
import type { CaseSettings } from './settings';

export type PermitStatus = 'none' | 'pending' | 'granted' | 'refused' | 'inadmissible' | 'withdrawn';
export type CheckInState = 'pending' | 'verified' | 'in-doubt' | 'not-verified' | 'no-show';

/** Everything a case knows, and the one place that turns it into the view and the search attributes. */
export class CaseState {
  readonly caseId = workflowInfo().workflowId;
  status: CaseStatusValue = 'open';
  outcome?: string;
  readonly steps = new Map<StepName, StepView>();
  readonly audit: AuditEntry[] = [];
  readonly deadlines = new Map<string, DeadlineView>();
  readonly agencyRetrying = new Map<string, number>();
  readonly results: Record<string, string> = {};
  slaBreached = false;

  appointment: { location: string; startsAt: string };
  checkIn: CheckInState = 'pending';
  permit: { status: PermitStatus; applicationNumber?: string; documentsDueAt?: string } = { status: 'none' };
  biometrics: { captureReference?: string; result?: 'accepted' | 'retake-needed'; seen: Set<string> } = {
    seen: new Set(),
  };
  card: { orderId?: string; ready: boolean; handedOver: boolean } = { ready: false, handedOver: false };
  /** Steps an operator asked to retry now (after an agency kept failing) or to skip. */
  readonly retryRequests = new Set<StepName>();
  readonly skipRequests = new Map<StepName, string>();
  /** Steps whose agency call gave up and that an operator may retry. */
  readonly retryable = new Set<StepName>();
  /** IND decisions that arrived before the application was linked, by application number. */
  readonly earlyDecisions = new Map<string, 'granted' | 'refused' | 'inadmissible'>();
  /** IND is filing or linking the application right now; a withdrawal waits for the number. */
  linkingApplication = false;
  /** Bumped on every reschedule, so the check-in clock restarts. */
  appointmentVersion = 0;
  addressDecision?: 'accept' | 'refer-to-rni' | 'refuse';
  returnVisaDecision?: 'issue' | 'refuse';
  advice?: 'given' | 'declined';
  /** Set by withdrawal or by a no-show past the reschedule window: the steps stop. */
  ending?: 'withdrawn' | 'closed-no-show';

  private lastSearchAttributes = '';

  constructor(
    readonly booking: Booking,
    /** Replaced by the deployment's settings as soon as they are read, before any step starts. */
    public settings: CaseSettings,
  ) {
    this.appointment = { ...booking.appointment };
    for (const name of stepNames) this.steps.set(name, { name, state: 'blocked' });
  }

  wants(service: Service): boolean {
    return this.booking.services.includes(service);
  }

  get euCitizen(): boolean {
    return this.booking.stay.purpose === 'eu-citizen' || euEeaSwiss.has(this.booking.person.nationality);
  }

  get hasMvv(): boolean {
    return this.booking.permit?.route === 'tev' && this.booking.permit.mvvIssued === true;
  }

  get open(): boolean {
    return this.status === 'open';
  }

  step(name: StepName): StepView {
    return this.steps.get(name)!;
  }

  setStep(name: StepName, patch: Omit<StepView, 'name'>): void {
    this.steps.set(name, { name, ...patch });
    this.sync();
  }

  done(name: StepName): boolean {
    const state = this.step(name).state;
    return state === 'done' || state === 'not-wanted';
  }

  finish(name: StepName, outcome: string, detail?: string): void {
    this.setStep(name, { state: 'done', outcome, ...(detail ? { detail } : {}) });
  }

  /** Waits on a person (or a call-back) for a step; resolves false when an operator skipped the step instead. */
  async waitOn(name: StepName, waitingOn: string, until: () => boolean, detail?: string): Promise<boolean> {
    this.setStep(name, { state: 'waiting', waitingOn, ...(detail ? { detail } : {}) });
    await condition(() => until() || this.skipRequests.has(name));
    return until();
  }

  /** Marks a step skipped by an operator; returns true when it was. */
  skippedByOperator(name: StepName): boolean {
    const reason = this.skipRequests.get(name);
    if (reason === undefined) return false;
    this.finish(name, 'skipped', reason);
    return true;
  }

  get checkInSettled(): boolean {
    return this.checkIn === 'verified' || this.checkIn === 'not-verified';
  }

  get permitDecided(): boolean {
    return !['none', 'pending'].includes(this.permit.status);
  }

  record(actor: Actor, action: string, detail?: string): void {
    this.audit.push({ at: new Date().toISOString(), actor, action, ...(detail ? { detail } : {}) });
  }

  setDeadline(name: string, dueAt: number, state: DeadlineView['state'], sla = true): void {
    this.deadlines.set(name, { name, dueAt: new Date(dueAt).toISOString(), state });
    if (state === 'breached' && sla) this.slaBreached = true;
    this.sync();
  }

  markAgencyRetrying(agency: string, retrying: boolean): void {
    const count = (this.agencyRetrying.get(agency) ?? 0) + (retrying ? 1 : -1);
    if (count > 0) this.agencyRetrying.set(agency, count);
    else this.agencyRetrying.delete(agency);
    this.sync();
  }

  waitingOn(): string[] {
    if (!this.open) return [];
    const waits = [...this.steps.values()].filter((s) => s.state !== 'done' && s.waitingOn).map((s) => s.waitingOn!);
    return [...new Set(waits)].sort();
  }

  view(): CaseView {
    const b = this.booking;
    return {
      caseId: this.caseId,
      bookingReference: b.bookingReference,
      ...(b.householdReference ? { householdReference: b.householdReference } : {}),
      status: this.status,
      ...(this.outcome ? { outcome: this.outcome } : {}),
      municipalityCode: b.residence.municipalityCode,
      purpose: b.stay.purpose,
      services: b.services,
      appointment: this.appointment,
      steps: [...this.steps.values()],
      waitingOn: this.waitingOn(),
      deadlines: [...this.deadlines.values()],
      slaBreached: this.slaBreached,
      agencyRetrying: [...this.agencyRetrying.keys()].sort(),
      results: { ...this.results },
      audit: [...this.audit],
    };
  }

  /** Keeps the operator's search attributes current; upserts only what changed (each upsert is a history event). */
  sync(): void {
    const running = [...this.deadlines.values()].filter((d) => d.state === 'running').map((d) => d.dueAt);
    const next = this.open && running.length > 0 ? running.sort()[0] : undefined;
    const values = {
      status: this.status,
      waitingOn: this.waitingOn(),
      appointmentAt: this.appointment.startsAt,
      location: this.appointment.location,
      next,
      sla: this.slaBreached,
      retrying: [...this.agencyRetrying.keys()].sort(),
    };
    const serialised = JSON.stringify(values);
    if (serialised === this.lastSearchAttributes) return;
    this.lastSearchAttributes = serialised;
    upsertSearchAttributes([
      { key: CaseStatus, value: values.status },
      { key: WaitingOn, value: values.waitingOn.length > 0 ? values.waitingOn : null },
      { key: Municipality, value: this.booking.residence.municipalityCode },
      { key: Purpose, value: this.booking.stay.purpose },
      { key: DeskLocation, value: values.location },
      { key: AppointmentAt, value: new Date(values.appointmentAt) },
      { key: NextDeadlineAt, value: values.next ? new Date(values.next) : null },
      { key: SlaBreached, value: values.sla },
      { key: AgencyRetrying, value: values.retrying.length > 0 ? values.retrying : null },
    ]);
  }
}
