import { ApplicationFailure, condition, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { Booking, Service } from '../domain/booking';
import type { Milestone } from '../domain/emails';
import { maxAheadMs, returnVisaLatestDay } from '../domain/dates';
import {
  applicationNumberPattern,
  deskLocationMessage,
  deskLocationPattern,
  hasMvv,
  isEuCitizen,
} from '../domain/rules';
import { idempotencyKeyReused, reasonRequired, type ActionName, type ActionRequest, type Idempotency } from './actions';
import { FailingAgencyCalls } from './agency-trouble';
import { CaseClock, within } from './case-clock';
import { caseView, SearchAttributeSync, type CaseSnapshot } from './case-view';
import { personWaits, type AgencyTrouble, type Overdue } from './current-details';
import { defaultCaseSettings } from './settings';
import { readableDuration } from './summaries';
import type {
  Actor,
  AuditEntry,
  CaseStatusValue,
  CaseView,
  DeadlineView,
  ReturnVisit,
  StepName,
  StepView,
} from './definitions';
import { stepNames } from './definitions';
import type { CaseSettings } from './settings';

/** How many decisions for applications it has not linked yet a case keeps (`earlyDecisions`). */
const maxEarlyDecisions = 5;

export type PermitStatus = 'none' | 'pending' | 'granted' | 'refused' | 'inadmissible' | 'withdrawn';
export type PermitDecision = 'granted' | 'refused' | 'inadmissible';
export type CheckInState = 'pending' | 'verified' | 'in-doubt' | 'not-verified' | 'no-show';

export interface PermitState {
  status: PermitStatus;
  applicationNumber?: string;
  documentsDueAt?: string;
  /** When the case recorded IND's decision, and IND's (or its officer's) reason for it. */
  decidedAt?: string;
  reason?: string;
  /** When IND received the application, as IND says: the legal term and the sponsor target run from then. */
  receivedAt?: string;
  /** IND's one extension of the legal term. */
  termExtension?: { days: number; reason: string };
  /** Requested documents did not arrive by their due date: IND decides whether that makes it inadmissible. */
  documentsOverdue?: boolean;
}

/** What an officer action changed: the audit entry's detail, and an e-mail to the newcomer if any. */
export interface ActionEffect {
  detail?: string;
  email?: { milestone: Milestone } & Record<string, string>;
  /** The case answers once this holds: an effect the steps carry out after the action (a failing call cut short). */
  until?: () => boolean;
}

export interface ActionBehaviour<A extends ActionName> {
  validate: (r: ActionRequest<A>) => void;
  apply: (r: ActionRequest<A>) => string | void | ActionEffect;
  /** The state writes its own audit entry (a permit decision is audited alike whoever reports it). */
  auditedByState?: true;
  /** The step whose wait on an officer the action answers (its validator calls `assertWaiting` for it). */
  answers?: StepName;
}

/**
 * A validator's refusal: the message is what the officer reads (the API answers it as a 409). Validators, not
 * throws in the handlers, reject updates: a rejected update leaves no trace in the case's history.
 */
export class NotNow extends Error {
  override readonly name = 'NotNow';
}

function must(condition: boolean, reason: string): void {
  if (!condition) throw new NotNow(reason);
}

/** The API's body schema says so first; an Update sent otherwise (the Temporal UI, the CLI) is checked here. */
function mustBeDeskLocation(location: string | undefined): void {
  must(location === undefined || deskLocationPattern.test(location), `the location is not ${deskLocationMessage}`);
}

/**
 * A refusal must say why: the newcomer's e-mail and any objection rest on it. Checked before whether the case can
 * take the action now, and answered 422 (not 409): the request itself is incomplete.
 */
function mustGiveReason(refusing: boolean, reason: string | undefined, what: string): void {
  if (!refusing || (reason !== undefined && reason.trim().length > 0)) return;
  throw ApplicationFailure.create({
    type: reasonRequired,
    message: `${what} needs a reason: say why in "reason"`,
    nonRetryable: true,
  });
}

/** The reason and the note an action carries, for its audit entry: kept as written. */
export function remarksOf(request: object): { reason?: string; note?: string } {
  const { reason, note } = request as { reason?: unknown; note?: unknown };
  return {
    ...(typeof reason === 'string' && reason.trim() ? { reason } : {}),
    ...(typeof note === 'string' && note.trim() ? { note } : {}),
  };
}

const ind: Actor = { id: 'ind', role: 'agency' };
const system: Actor = { id: 'system', role: 'operator' };

/** The deadline of IND's legal decision term (docs/domain.md, "Deadlines"). */
export const legalTermDeadline = 'ind-decision-legal-term';

/**
 * Everything a case knows, and the one door through which it changes: fields are read-only from outside, and
 * every change is a named method here, so "how can this case change?" is answered by this file: the officer
 * actions (`actions`, one validator and one change each), the agencies' call-backs, and what the steps report. Every change that operators can see is pushed to
 * the search attributes (`SearchAttributeSync` upserts only what changed).
 */
export class CaseState {
  readonly caseId = workflowInfo().workflowId;
  private _settings: CaseSettings;
  private _status: CaseStatusValue = 'open';
  private _outcome?: string;
  private _ending?: 'withdrawn' | 'closed-no-show';
  private readonly _steps = new Map<StepName, StepView>();
  private readonly _audit: AuditEntry[] = [];
  private readonly _deadlines = new Map<string, DeadlineView>();
  /** The agency calls failing past the threshold (`AgencyRetrying`): since when, and the last error when read. */
  private readonly failingCalls = new FailingAgencyCalls();
  /** What each step waits on (a person, a call-back, an agency call) and since when. */
  private readonly _waitingSince = new Map<StepName, { on: string; since: string }>();
  /** Waits on a person past the person norm (`PersonOverdue`); watched in cases started since the patch. */
  private readonly _overdue = new Map<StepName, Overdue>();
  private personNormWatched = false;
  private _readsAgencyErrors = false;
  private _operatorsCutFailingCalls = false;
  private _clock?: CaseClock;
  /** Per step, its agency calls that keep failing (`AgencyRetrying`): an operator may cut them short. */
  private readonly failingCallsOf = new Map<StepName, number>();
  private readonly _results: Record<string, string> = {};
  private _slaBreached = false;
  private _appointment: { location: string; startsAt: string };
  private _appointmentVersion = 0;
  private _returnVisit?: ReturnVisit;
  private _visitVersion = 0;
  private _checkIn: CheckInState = 'pending';
  private _permit: PermitState = { status: 'none' };
  /**
   * IND decisions that came in before the case knew its application number (a call-back may overtake the filing's
   * answer), applied when it links one of them. A few at most: a case files one application.
   */
  private readonly earlyDecisions = new Map<
    string,
    { decision: PermitDecision; reason?: string; decidedAt?: string }
  >();
  private _biometrics: { captureReference?: string; result?: 'accepted' | 'retake-needed' } = {};
  private _embassyPrints?: 'usable' | 'unusable';
  private readonly capturesSeen = new Set<string>();
  private _card: { orderId?: string; ready: boolean; handedOver: boolean } = { ready: false, handedOver: false };
  private _addressDecision?: 'accept' | 'refer-to-rni' | 'refuse';
  /** The IND application number an officer put in place of the booking's, which IND refused to link. */
  private _correctedApplicationNumber?: string;
  private _returnVisaDecision?: 'issue' | 'refuse';
  private _returnVisaReason?: string;
  private _advice?: 'given' | 'declined';
  private readonly retryRequests = new Set<StepName>();
  private readonly skipRequests = new Map<StepName, string>();
  private readonly retryable = new Set<StepName>();
  /**
   * The waits an officer just answered, until their step moves on. Two officers' answers to one wait can reach the
   * case in one workflow task, the second validated before the step saw the first: only the first is applied.
   */
  private readonly answeredWaits = new Map<StepName, { waitingOn?: string; by: string }>();
  private _stepsBegun = false;
  /** Idempotency key → fingerprint of the action applied under it. */
  private readonly idempotencyKeys = new Map<string, string>();
  private readonly searchAttributes = new SearchAttributeSync(() => ({
    ...this.snapshot(),
    indexedHousehold: this.indexedHousehold,
  }));
  /** The household the case indexes (`Household`); cases started before the attribute existed index none. */
  private readonly indexedHousehold?: string;

  constructor(
    readonly booking: Booking,
    /** Replaced by the deployment's settings as soon as they are read, before any step starts. */
    settings: CaseSettings,
    readonly bookedBy?: string,
  ) {
    this._settings = settings;
    this._appointment = { ...booking.appointment };
    // Decided once, in the case's first activation (where the workflow reads its patches), and only for a
    // booking that names a household: the upserts of the others do not change.
    if (booking.householdReference !== undefined && patched('household-search-attribute')) {
      this.indexedHousehold = booking.householdReference;
    }
    for (const name of stepNames) this._steps.set(name, { name, state: 'blocked' });
  }

  // What the case knows.

  get settings(): CaseSettings {
    return this._settings;
  }
  get status(): CaseStatusValue {
    return this._status;
  }
  get outcome(): string | undefined {
    return this._outcome;
  }
  get ending(): 'withdrawn' | 'closed-no-show' | undefined {
    return this._ending;
  }
  get appointment(): Readonly<{ location: string; startsAt: string }> {
    return this._appointment;
  }
  /** The case has read its settings and started its steps. */
  get stepsBegun(): boolean {
    return this._stepsBegun;
  }
  beginSteps(): void {
    this._stepsBegun = true;
  }
  get returnVisit(): Readonly<ReturnVisit> | undefined {
    return this._returnVisit;
  }
  /** Counts the visits scheduled: a new one restarts the visit's clock. */
  get visitVersion(): number {
    return this._visitVersion;
  }
  /** Whether what the return visit is for has happened (a new capture, the card handed over). */
  visitServed(): boolean {
    if (this._returnVisit?.purpose === 'card-collection') return this._card.handedOver;
    return !this.captureOutstanding();
  }
  /** Whether what the return visit was for ended without it (biometrics not needed after all, the card not collected). */
  visitObsolete(): boolean {
    if (this._returnVisit?.purpose === 'card-collection') return this.done('card') && !this._card.handedOver;
    return this.done('biometrics') && this.captureOutstanding();
  }
  /**
   * Whether the newcomer must give biometrics again: IND asked for a retake, or an IND officer found the embassy
   * prints of an MVV holder unusable and none were captured since (the newcomer may have left the desk by then).
   */
  private captureOutstanding(): boolean {
    return (
      this._biometrics.result === 'retake-needed' ||
      (this._embassyPrints === 'unusable' && this._biometrics.captureReference === undefined)
    );
  }
  endVisit(state: 'done' | 'missed' | 'cancelled'): void {
    if (this._returnVisit) this._returnVisit = { ...this._returnVisit, state };
  }
  get appointmentVersion(): number {
    return this._appointmentVersion;
  }
  get checkInState(): CheckInState {
    return this._checkIn;
  }
  /** The application the case links at IND: the booking's number, or the one an officer corrected it to. */
  get applicationNumberToLink(): string | undefined {
    return this._correctedApplicationNumber ?? this.booking.permit?.indApplicationNumber;
  }
  get permit(): Readonly<PermitState> {
    return this._permit;
  }
  get biometrics(): Readonly<{ captureReference?: string; result?: 'accepted' | 'retake-needed' }> {
    return this._biometrics;
  }
  /** An IND officer's judgement of the biometrics an MVV holder gave at the embassy. */
  get embassyPrints(): 'usable' | 'unusable' | undefined {
    return this._embassyPrints;
  }
  get card(): Readonly<{ orderId?: string; ready: boolean; handedOver: boolean }> {
    return this._card;
  }
  get results(): Readonly<Record<string, string>> {
    return this._results;
  }
  get addressDecision(): 'accept' | 'refer-to-rni' | 'refuse' | undefined {
    return this._addressDecision;
  }
  get returnVisaDecision(): 'issue' | 'refuse' | undefined {
    return this._returnVisaDecision;
  }
  get returnVisaReason(): string | undefined {
    return this._returnVisaReason;
  }
  get advice(): 'given' | 'declined' | undefined {
    return this._advice;
  }
  get open(): boolean {
    return this._status === 'open';
  }
  get euCitizen(): boolean {
    return isEuCitizen(this.booking);
  }
  get hasMvv(): boolean {
    return hasMvv(this.booking);
  }
  get checkInSettled(): boolean {
    return this._checkIn === 'verified' || this._checkIn === 'not-verified';
  }
  get permitDecided(): boolean {
    return !['none', 'pending'].includes(this._permit.status);
  }
  wants(service: Service): boolean {
    return this.booking.services.includes(service);
  }
  step(name: StepName): Readonly<StepView> {
    return this._steps.get(name)!;
  }
  done(name: StepName): boolean {
    const state = this.step(name).state;
    return state === 'done' || state === 'not-wanted';
  }
  skipRequested(name: StepName): boolean {
    return this.skipRequests.has(name);
  }
  skipReason(name: StepName): string | undefined {
    return this.skipRequests.get(name);
  }
  view(): CaseView {
    return caseView(this.snapshot());
  }

  /**
   * What each officer action does: its validator (throws `NotNow` with the reason the officer reads) and its
   * change (returns the audit entry's detail). The mapped type makes a new entry of the action catalogue fail
   * to compile until its behaviour is written here.
   */
  readonly actions: { [A in ActionName]: ActionBehaviour<A> } = {
    'check-in': {
      answers: 'check-in',
      validate: () => {
        this.assertOpen();
        must(this._checkIn !== 'no-show', 'the newcomer was a no-show; the booking site must reschedule first');
        this.assertWaiting('check-in', 'desk:check-in', 'check-in');
      },
      apply: (r) => (this._checkIn = r.identity),
    },
    'resolve-identity': {
      answers: 'check-in',
      validate: (r) => {
        mustGiveReason(r.identity === 'not-verified', r.reason, 'an identity not verified');
        this.assertWaiting('check-in', 'desk:identity', 'resolving the identity');
      },
      apply: (r) => {
        this._checkIn = r.identity === 'verified' ? 'verified' : 'not-verified';
        return r.identity;
      },
    },
    'resolve-address': {
      answers: 'brp',
      validate: (r) => {
        mustGiveReason(r.decision === 'refuse', r.reason, 'refusing the address');
        this.assertWaiting('brp', 'desk:address', 'resolving the address');
      },
      apply: (r) => (this._addressDecision = r.decision),
    },
    'capture-biometrics': {
      answers: 'biometrics',
      validate: (r) => {
        this.assertWaiting('biometrics', 'ind:biometrics', 'capturing biometrics');
        must(!this.capturesSeen.has(r.captureReference), `capture ${r.captureReference} was already submitted`);
      },
      apply: (r) => {
        this.capturesSeen.add(r.captureReference);
        this._biometrics = { captureReference: r.captureReference };
        return r.captureReference;
      },
    },
    'record-biometrics-quality': {
      validate: (r) => {
        this.assertOpen();
        must(
          this._biometrics.captureReference === r.captureReference,
          `capture ${r.captureReference} is not the current one`,
        );
        must(this._card.orderId === undefined, 'the card is already ordered with these biometrics');
      },
      apply: (r) => (this._biometrics.result = r.result),
    },
    'record-embassy-prints': {
      answers: 'biometrics',
      validate: () => this.assertWaiting('biometrics', 'ind:embassy-prints', 'judging the embassy prints'),
      apply: (r) => (this._embassyPrints = r.quality),
    },
    'record-permit-decision': {
      validate: (r) => {
        mustGiveReason(r.decision !== 'granted', r.reason, `a permit decision "${r.decision}"`);
        this.assertPermitPending();
      },
      apply: (r) => void this.decidePermit(r.decision, r.actor, 'recorded by an IND officer', remarksOf(r)),
      auditedByState: true,
    },
    'extend-decision-term': {
      validate: (r) => {
        mustGiveReason(true, r.reason, 'extending the legal term');
        must(Number.isInteger(r.days) && r.days >= 1 && r.days <= 90, 'IND may extend the legal term by 1 to 90 days');
        this.assertPermitPending();
        const extended = this._permit.termExtension;
        must(
          extended === undefined,
          `the legal term was already extended once, by ${extended?.days} days (${extended?.reason}); IND may extend it only once`,
        );
        const term = this._deadlines.get(legalTermDeadline);
        must(
          term !== undefined && (term.state === 'running' || term.state === 'paused'),
          term?.state === 'breached'
            ? `the legal term ended on ${term.dueAt}; IND can extend it only before it ends`
            : 'the legal term is not running',
        );
      },
      apply: (r) => {
        this._permit = { ...this._permit, termExtension: { days: r.days, reason: r.reason } };
        return `by ${r.days} days`;
      },
    },
    'request-documents': {
      validate: (r) => {
        this.assertPermitPending();
        must(
          this._permit.documentsDueAt === undefined,
          `documents are already requested, due ${this._permit.documentsDueAt}`,
        );
        must(r.documents.length > 0, 'name at least one document');
        must(r.dueAt === undefined || Date.parse(r.dueAt) > Date.now(), 'the due date must be in the future');
        must(
          r.dueAt === undefined || Date.parse(r.dueAt) <= Date.now() + maxAheadMs,
          `the due date (${r.dueAt}) is more than a year ahead`,
        );
      },
      apply: (r) => {
        const dueAt = r.dueAt ?? new Date(Date.now() + this._settings.documentsTermMs).toISOString();
        this._permit = { ...this._permit, documentsDueAt: dueAt, documentsOverdue: undefined };
        const documents = r.documents.join(', ');
        return { detail: `${documents} due ${dueAt}`, email: { milestone: 'documents-requested', documents, dueAt } };
      },
    },
    'documents-supplied': {
      validate: () => {
        this.assertOpen();
        must(this._permit.documentsDueAt !== undefined, 'no documents are requested');
      },
      apply: () => void (this._permit = { ...this._permit, documentsDueAt: undefined }),
    },
    'decide-return-visa': {
      answers: 'return-visa',
      validate: (r) => {
        mustGiveReason(r.decision === 'refuse', r.reason, 'refusing the return visa');
        this.assertWaiting('return-visa', 'ind:return-visa', 'deciding the return visa');
        const returnDate = this.booking.returnVisa?.returnDate;
        const longest = returnVisaLatestDay(Date.now(), this._settings.returnVisaMaxValidityMs);
        must(
          r.decision !== 'issue' || returnDate === undefined || returnDate <= longest,
          `a return visa is valid until ${longest} at the longest, and the trip ends ${returnDate}; refuse it, or the newcomer rebooks the trip`,
        );
      },
      apply: (r) => {
        this._returnVisaDecision = r.decision;
        this._returnVisaReason = r.reason;
        return r.decision;
      },
    },
    'hand-over-card': {
      answers: 'card',
      validate: () => {
        this.assertOpen();
        must(!this.skipRequests.has('card'), 'handing over the card is not possible now: an operator just skipped it');
        const s = this.step('card');
        // The field, not only the step: a second officer's hand-over in the same workflow task sees the step waiting.
        must(!this._card.handedOver, 'the card was already handed over');
        must(this._card.ready, 'the card is not ready for pick-up yet');
        must(
          s.state === 'waiting' && (s.waitingOn === 'desk:card-hand-over' || s.waitingOn === 'operator:card'),
          `handing over the card is not possible now: the card step is ${s.state}${s.outcome ? ` (${s.outcome})` : ''}`,
        );
      },
      apply: () => void (this._card.handedOver = true),
    },
    'record-advice': {
      answers: 'advice',
      validate: () => this.assertWaiting('advice', 'expat:advice', 'recording advice'),
      apply: (r) => (this._advice = r.outcome),
    },
    reschedule: {
      validate: (r) => {
        this.assertOpen();
        this.assertBookedBy(r.actor, 'reschedule');
        must(this._checkIn === 'pending' || this._checkIn === 'no-show', 'the newcomer has already checked in');
        mustBeDeskLocation(r.location);
        must(Date.parse(r.startsAt) > Date.now(), 'the new appointment must be in the future');
        must(
          Date.parse(r.startsAt) <= Date.now() + maxAheadMs,
          `the new appointment (${r.startsAt}) is more than a year ahead`,
        );
      },
      apply: (r) => {
        this._appointment = { location: r.location ?? this._appointment.location, startsAt: r.startsAt };
        this._appointmentVersion += 1;
        return { detail: `to ${r.startsAt}`, email: { milestone: 'rescheduled', ...this._appointment } };
      },
    },
    'schedule-visit': {
      validate: (r) => {
        this.assertOpen();
        this.assertBookedBy(r.actor, 'schedule a visit for');
        must(
          this._checkIn === 'verified',
          'a return visit follows a check-in; the booking site reschedules the appointment instead',
        );
        if (r.purpose === 'biometrics-retake') {
          must(this.captureOutstanding(), 'no biometrics retake is needed');
        } else {
          must(
            this._card.ready && !this._card.handedOver,
            this._card.handedOver ? 'the card was already handed over' : 'the card is not ready for pick-up yet',
          );
        }
        mustBeDeskLocation(r.location);
        must(Date.parse(r.startsAt) > Date.now(), 'the visit must be in the future');
        must(Date.parse(r.startsAt) <= Date.now() + maxAheadMs, `the visit (${r.startsAt}) is more than a year ahead`);
      },
      apply: (r) => {
        const location = r.location ?? this._appointment.location;
        this._returnVisit = { purpose: r.purpose, location, startsAt: r.startsAt, state: 'scheduled' };
        this._visitVersion += 1;
        return {
          detail: `${r.purpose} at ${location} on ${r.startsAt}`,
          email: { milestone: 'visit-scheduled', purpose: r.purpose, location, startsAt: r.startsAt },
        };
      },
    },
    withdraw: {
      validate: (r) => {
        mustGiveReason(true, r.reason, 'a withdrawal');
        this.assertOpen();
        this.assertBookedBy(r.actor, 'withdraw');
      },
      apply: (r) => {
        this._ending = 'withdrawn';
        this._outcome = 'withdrawal in progress: undoing what can be undone';
        return r.reason;
      },
    },
    'correct-application-number': {
      validate: (r) => {
        mustGiveReason(true, r.reason, 'a correction of the application number');
        this.assertOpen();
        const linking = this.applicationNumberToLink;
        must(
          linking !== undefined,
          'the case has IND file a new application; it links no number that could be corrected',
        );
        must(
          this._permit.status === 'none' && this.retryable.has('permit'),
          `the permit step is not waiting on an operator after IND refused to link ${linking}; a number is corrected only then`,
        );
        must(r.applicationNumber !== linking, `the case already links ${linking}`);
        // The API's body schema says so first; an Update sent otherwise (the Temporal UI) is checked here.
        must(
          applicationNumberPattern.test(r.applicationNumber),
          `"${r.applicationNumber}" is not an IND application number (3-32 capitals, digits and dashes)`,
        );
      },
      apply: (r) => {
        const was = this.applicationNumberToLink;
        this._correctedApplicationNumber = r.applicationNumber;
        this.retryRequests.add('permit');
        return `${was} corrected to ${r.applicationNumber}`;
      },
    },
    'retry-step': {
      validate: (r) => {
        must(this.open, `the case is ${this._status}; it takes no more actions`);
        must(
          this.retryable.has(r.step) || this.callFailing(r.step),
          `the ${r.step} step is not waiting on an operator, and none of its agency calls keeps failing ` +
            `(AgencyRetrying); Temporal retries a failing call by itself until then`,
        );
      },
      apply: (r) => {
        this.retryRequests.add(r.step);
        return this.cutShort(r.step, r.step);
      },
    },
    'skip-step': {
      validate: (r) => {
        mustGiveReason(true, r.reason, 'skipping a step');
        must(this.open, `the case is ${this._status}; it takes no more actions`);
        // While a withdrawal undoes what it can, an undo the agency keeps refusing may still be skipped.
        must(
          this._ending === undefined || this.retryable.has(r.step) || this.callFailing(r.step),
          `the case is ${this._ending}; only a step that waits on an operator, or whose agency call keeps failing, ` +
            `may be skipped now`,
        );
        const s = this.step(r.step);
        must(s.state !== 'done' && s.state !== 'not-wanted', `the ${r.step} step is already ${s.outcome ?? s.state}`);
        this.assertSkippable(r.step);
      },
      apply: (r) => {
        this.skipRequests.set(r.step, `skipped by ${r.actor.id}: ${r.reason}`);
        return this.cutShort(r.step, `${r.step}: ${r.reason}`);
      },
    },
  };

  // Agency call-backs: the same one twice changes nothing.

  receiveIndDecision(applicationNumber: string, decision: PermitDecision, reason?: string, decidedAt?: string): void {
    const remarks = { ...(reason ? { reason } : {}), ...(decidedAt ? { decidedAt } : {}) };
    if (applicationNumber === this._permit.applicationNumber) this.decidePermit(decision, ind, 'call-back', remarks);
    else if (
      this._permit.applicationNumber === undefined &&
      !this.earlyDecisions.has(applicationNumber) &&
      this.earlyDecisions.size < maxEarlyDecisions
    )
      this.earlyDecisions.set(applicationNumber, { decision, ...remarks });
  }
  /**
   * The validator of IND's decision call-back: a decision other than the one the case has for that application
   * (recorded, or held until the application is linked) is refused, naming it; the same one again is taken (and
   * changes nothing).
   */
  refuseContradictingDecision(applicationNumber: string, decision: PermitDecision): void {
    const permit = this._permit;
    if (applicationNumber === permit.applicationNumber) {
      const decided = permit.status === 'granted' || permit.status === 'refused' || permit.status === 'inadmissible';
      must(
        !decided || permit.status === decision,
        `IND's decision on application ${applicationNumber} is recorded already: ${permit.status}` +
          `${permit.decidedAt ? ` on ${permit.decidedAt.slice(0, 10)}` : ''}. A case keeps its first decision; ` +
          `${decision} is not applied`,
      );
      return;
    }
    if (permit.applicationNumber !== undefined) return;
    const held = this.earlyDecisions.get(applicationNumber);
    must(
      held === undefined || held.decision === decision,
      `IND's decision on application ${applicationNumber} came in already: ${held?.decision}, held until the case ` +
        `links the application. A case keeps its first decision; ${decision} is not applied`,
    );
    must(
      held !== undefined || this.earlyDecisions.size < maxEarlyDecisions,
      `the case holds ${maxEarlyDecisions} decisions for applications it has not linked yet; call back once it ` +
        'has linked its application (its view shows the number)',
    );
  }
  receiveCardReady(orderId: string): void {
    if (orderId !== this._card.orderId || this._card.ready) return;
    this._card.ready = true;
    this.record(ind, 'card-ready', orderId);
    this.sync();
  }
  receiveBiometricsQuality(captureReference: string, result: 'accepted' | 'retake-needed'): void {
    if (captureReference !== this._biometrics.captureReference || this._biometrics.result === result) return;
    if (this._card.orderId !== undefined) return;
    this._biometrics.result = result;
    this.record(ind, 'biometrics-quality', result);
    this.sync();
  }

  // What the steps report.

  useSettings(settings: CaseSettings): void {
    this._settings = settings;
  }
  setStep(name: StepName, patch: Omit<StepView, 'name'>): void {
    const answered = this.answeredWaits.get(name);
    if (answered && (patch.state !== 'waiting' || patch.waitingOn !== answered.waitingOn)) {
      this.answeredWaits.delete(name);
    }
    this._steps.set(name, { name, ...patch });
    const on = patch.state === 'waiting' || patch.state === 'running' ? patch.waitingOn : undefined;
    if (on === undefined) this._waitingSince.delete(name);
    else if (this._waitingSince.get(name)?.on !== on) {
      this._waitingSince.set(name, { on, since: new Date().toISOString() });
    }
    this.sync();
  }
  finish(name: StepName, outcome: string, detail?: string): void {
    this.setStep(name, { state: 'done', outcome, ...(detail ? { detail } : {}) });
  }
  /** Waits on a person (or a call-back) for a step; resolves false when an operator skipped the step instead. */
  async waitOn(name: StepName, waitingOn: string, until: () => boolean, detail?: string): Promise<boolean> {
    this.setStep(name, { state: 'waiting', waitingOn, ...(detail ? { detail } : {}) });
    const done = (): boolean => until() || this.skipRequests.has(name);
    // Not one await more than before for the other waits: the order of a recorded case's commands rests on it.
    if (this.personNormWatched && (personWaits as readonly string[]).includes(waitingOn)) {
      const norm = this.personNorm(name, waitingOn, done);
      await condition(done);
      await norm;
    } else await condition(done);
    return until();
  }
  /** Whether the case reads a failing agency call's last error (cases started since the patch). */
  get readsAgencyErrors(): boolean {
    return this._readsAgencyErrors;
  }
  readAgencyErrors(): void {
    this._readsAgencyErrors = true;
  }
  /** Whether an operator may cut a failing agency call short (cases started since the patch). */
  get operatorsCutFailingCalls(): boolean {
    return this._operatorsCutFailingCalls;
  }
  letOperatorsCutFailingCalls(): void {
    this._operatorsCutFailingCalls = true;
  }
  /** A call of `step` keeps failing (`AgencyRetrying`), or no longer does (it ended, or was cut short). */
  stepCallFailing(step: StepName, failing: boolean): void {
    const count = (this.failingCallsOf.get(step) ?? 0) + (failing ? 1 : -1);
    if (count > 0) this.failingCallsOf.set(step, count);
    else this.failingCallsOf.delete(step);
  }
  private callFailing(step: StepName): boolean {
    return this.failingCallsOf.has(step);
  }
  /** Whether an operator asked to retry or skip the step: a failing call of it then stops at once. */
  operatorAsked(step: StepName): boolean {
    return this.retryRequests.has(step) || this.skipRequests.has(step);
  }
  /** A retry or skip of a step with failing calls is answered once they stopped, so the answer shows the step after. */
  private cutShort(step: StepName, detail: string): ActionEffect | string {
    return this.callFailing(step) ? { detail, until: () => !this.callFailing(step) } : detail;
  }
  /** The case's one timer, on which its clocks wait (cases started since the patch); undefined before. */
  get clock(): CaseClock | undefined {
    return this._clock;
  }
  /** From now on the case's clocks wait on one timer; the caller runs it. */
  keepOneClock(): CaseClock {
    this._clock = new CaseClock();
    return this._clock;
  }
  /** From now on, a wait on a person past `personNormMs` flags `PersonOverdue` (cases started since the patch). */
  watchPersonNorms(): void {
    this.personNormWatched = true;
  }
  /**
   * The person norm's timer beside a wait on a person: when it fires while the wait goes on, the case flags the
   * wait overdue; the flag goes when the wait ends. One timer per such wait, cancelled when the person acts.
   */
  private async personNorm(name: StepName, waitingOn: string, done: () => boolean): Promise<void> {
    const normMs = this._settings.personNormMs ?? defaultCaseSettings.personNormMs;
    try {
      const summary = `${waitingOn} norm ${readableDuration(normMs)}`;
      if (await within(this._clock, done, normMs, summary)) return;
      this._overdue.set(name, { waitingOn, since: this._waitingSince.get(name)?.since ?? '', normMs });
      this.sync();
      await condition(done);
    } catch (err) {
      if (!isCancellation(err)) throw err;
    } finally {
      if (this._overdue.delete(name)) this.sync();
    }
  }
  /** Marks a step skipped by an operator; returns true when it was. */
  skippedByOperator(name: StepName): boolean {
    const reason = this.skipRequests.get(name);
    if (reason === undefined) return false;
    this.finish(name, 'skipped', reason);
    return true;
  }
  /** An agency kept failing: an operator may now retry or skip the step. Returns "an operator decided". */
  handToOperator(name: StepName): () => boolean {
    this.retryRequests.delete(name);
    this.retryable.add(name);
    return () => this.retryRequests.has(name) || this.skipRequests.has(name);
  }
  /** The step was settled otherwise (a call-back, an officer) while it waited on an operator. */
  releaseFromOperator(name: StepName): void {
    this.retryable.delete(name);
  }
  operatorDecided(name: StepName): 'retry' | 'skip' {
    this.retryable.delete(name);
    if (this.skipRequests.has(name)) return 'skip';
    this.retryRequests.delete(name);
    return 'retry';
  }
  /** An agency call that began at `since` (epoch ms) keeps failing (`retrying`), or no longer does. */
  markAgencyRetrying(agency: string, retrying: boolean, since: number): void {
    if (retrying) this.failingCalls.failing(agency, since);
    else this.failingCalls.ended(agency, since);
    this.sync();
  }
  /** The last failed attempt of an agency call that keeps failing, as Temporal's retries saw it. */
  agencyLastError(agency: string, lastError: NonNullable<AgencyTrouble['lastError']>): void {
    if (this.failingCalls.lastError(agency, lastError)) this.sync();
  }
  setDeadline(name: string, dueAt: number, state: DeadlineView['state'], sla = true): void {
    this._deadlines.set(name, { name, dueAt: new Date(dueAt).toISOString(), state });
    if (state === 'breached' && sla) this._slaBreached = true;
    this.sync();
  }
  /** Refuses a key the case already took for another request; the same request again is Temporal's to dedupe. */
  refuseReusedKey(idempotency: Idempotency | undefined): void {
    const taken = idempotency && this.idempotencyKeys.get(idempotency.key);
    if (taken !== undefined && taken !== idempotency?.fingerprint) {
      throw ApplicationFailure.create({
        type: idempotencyKeyReused,
        message:
          `Idempotency key ${idempotency?.key} was already used for another request on this case; ` +
          'nothing was changed. Use a new key for a new request.',
      });
    }
  }
  rememberKey(idempotency: Idempotency | undefined): void {
    if (idempotency) this.idempotencyKeys.set(idempotency.key, idempotency.fingerprint);
  }

  record(actor: Actor, action: string, detail?: string, remarks: { reason?: string; note?: string } = {}): void {
    this._audit.push({ at: new Date().toISOString(), actor, action, ...(detail ? { detail } : {}), ...remarks });
  }

  markNoShow(): void {
    this._checkIn = 'no-show';
  }
  reopenCheckIn(): void {
    this._checkIn = 'pending';
  }
  closeAsNoShow(): void {
    this._ending = 'closed-no-show';
  }

  /** The application IND linked or filed; a decision that came in before it was known applies now. */
  linkApplication(application: { applicationNumber: string; status: PermitStatus; receivedAt?: string }): void {
    this._permit = {
      status: application.status === 'pending' ? 'pending' : application.status,
      applicationNumber: application.applicationNumber,
      ...(application.receivedAt ? { receivedAt: application.receivedAt } : {}),
    };
    this._results.indApplicationNumber = application.applicationNumber;
    const early = this.earlyDecisions.get(application.applicationNumber);
    if (early) {
      const { decision, ...remarks } = early;
      this.decidePermit(decision, ind, 'call-back', remarks);
    }
  }
  /** The TEV application IND granted when it issued the MVV: linked as granted, with no decision to wait for. */
  linkGrantedWithMvv(applicationNumber: string): void {
    this._permit = { status: 'granted', applicationNumber, decidedAt: new Date().toISOString() };
    this._results.indApplicationNumber = applicationNumber;
    this.record(ind, 'permit-decision', 'granted (the TEV application, with the MVV)');
    this.sync();
  }
  /**
   * Records IND's decision once, whoever reports it first (call-back, officer, or the polling fall-back). Its date
   * is IND's (`decidedAt`, when IND says it): the objection term runs from the decision, not from when the case
   * heard of it. A date IND cannot mean (in the future, before it received the application, not a date) is now.
   */
  decidePermit(
    decision: PermitStatus,
    actor: Actor,
    source: string,
    { decidedAt: saidAt, ...remarks }: { reason?: string; note?: string; decidedAt?: string } = {},
  ): boolean {
    if (this._permit.status !== 'pending') return false;
    const decidedAt = this.decisionDate(saidAt);
    this._permit = { ...this._permit, status: decision, documentsDueAt: undefined, decidedAt, reason: remarks.reason };
    this.record(actor, 'permit-decision', `${decision} (${source})`, remarks);
    this.sync();
    return true;
  }
  private decisionDate(saidAt: string | undefined): string {
    const now = Date.now();
    const said = saidAt === undefined ? NaN : Date.parse(saidAt);
    const received = this._permit.receivedAt === undefined ? NaN : Date.parse(this._permit.receivedAt);
    const possible = Number.isFinite(said) && said <= now && !(said < received);
    return new Date(possible ? said : now).toISOString();
  }
  /** The documents' due date passed; IND has been told and decides. The legal term runs again (Awb 4:15). */
  documentsOverdue(dueAt: string): void {
    this._permit = { ...this._permit, documentsDueAt: undefined, documentsOverdue: true };
    this.record(system, 'documents-overdue', `due ${dueAt}; put to IND, which decides on inadmissibility`);
    this.sync();
  }
  withdrawApplication(): void {
    this._permit = { ...this._permit, status: 'withdrawn' };
  }
  acceptBiometrics(result: 'accepted' | 'retake-needed', captureReference: string): void {
    if (this._biometrics.captureReference === captureReference && this._biometrics.result === undefined) {
      this._biometrics.result = result;
    }
  }
  cardOrdered(order: { orderId: string; status: string }): void {
    this._card.orderId = order.orderId;
    this._card.ready = order.status === 'ready';
  }
  cardReady(): void {
    this._card.ready = true;
  }
  addressRejected(): void {
    this._addressDecision = undefined;
  }
  addResults(results: Record<string, string>): void {
    Object.assign(this._results, results);
  }

  /** The case ends: its status, its outcome in words, and the audit entry that says so. */
  close(status: Exclude<CaseStatusValue, 'open'>, outcome: string, actor: Actor): void {
    this._outcome = outcome;
    this._status = status;
    this.record(actor, 'case-closed', outcome);
    this.sync();
  }

  /** Keeps the operator's search attributes current. */
  sync(): void {
    this.searchAttributes.sync();
  }

  /** Many changes within an activation become one upsert (cases started since the patch, see `SearchAttributeSync`). */
  coalesceSearchAttributes(rounds: 'cautious' | 'quick'): void {
    this.searchAttributes.coalesce(rounds);
  }

  /** Resolves once the search attributes show every change: a case completes only after that. */
  searchAttributesCurrent(): Promise<void> {
    return this.searchAttributes.current();
  }

  private snapshot(): CaseSnapshot {
    return {
      caseId: this.caseId,
      booking: this.booking,
      status: this._status,
      outcome: this._outcome,
      appointment: this._appointment,
      ...(this._returnVisit ? { returnVisit: this._returnVisit } : {}),
      steps: [...this._steps.values()],
      deadlines: [...this._deadlines.values()],
      slaBreached: this._slaBreached,
      agencyRetrying: this.failingCalls.agencies(),
      results: this._results,
      references: {
        ...(this._biometrics.captureReference ? { biometricsCapture: this._biometrics.captureReference } : {}),
        ...(this._card.orderId ? { cardOrder: this._card.orderId } : {}),
      },
      audit: this._audit,
      bookedBy: this.bookedBy,
      waitingSince: Object.fromEntries([...this._waitingSince].map(([step, wait]) => [step, wait.since])),
      overdue: [...this._overdue.values()],
      agencyTrouble: this.failingCalls.trouble(),
      retryMaxMs: this._settings.agencyRetryMaxMs,
      stepsWithFailingCalls: [...this.failingCallsOf.keys()],
    };
  }

  /** A booking site acts only on the cases it booked; officers and operators on any. */
  private assertBookedBy(actor: Actor, what: string): void {
    if (actor.role !== 'booking-site' || this.bookedBy === undefined) return;
    must(actor.id === this.bookedBy, `only the booking site that booked this case may ${what} it`);
  }

  private assertPermitPending(): void {
    this.assertOpen();
    must(this._permit.status === 'pending', `there is no pending permit application (it is ${this._permit.status})`);
  }

  private assertOpen(): void {
    must(
      this.open && this._ending === undefined,
      `the case is ${this._ending ?? this._status}; it takes no more actions`,
    );
  }

  private assertWaiting(step: StepName, waitingOn: string, what: string): void {
    this.assertOpen();
    const s = this.step(step);
    must(
      s.state === 'waiting' && s.waitingOn === waitingOn,
      `${what} is not possible now: the ${step} step is ${s.state}${s.outcome ? ` (${s.outcome})` : ''}${s.waitingOn ? `, waiting on ${s.waitingOn}` : ''}`,
    );
    const answered = this.answeredWaits.get(step);
    must(answered === undefined, `${what} is not possible now: ${answered?.by} was just applied to the ${step} step`);
    must(!this.skipRequests.has(step), `${what} is not possible now: an operator just skipped the ${step} step`);
  }

  /**
   * A step honours a skip while it waits (on a person, a call-back, its documents or an operator) or while its
   * agency call keeps failing. Before it begins, or while its call is under way, nothing would read the skip: the
   * step would go on to register, file or order all the same, with the operator told it was skipped.
   */
  private assertSkippable(step: StepName): void {
    // An officer's answer in the same workflow task wins over the skip: the step would take the answer.
    const answered = this.answeredWaits.get(step);
    must(answered === undefined, `skipping is not possible now: ${answered?.by} was just applied to the ${step} step`);
    if (this.retryable.has(step) || this.callFailing(step)) return;
    const s = this.step(step);
    // Cases started before operators could stop a failing call never say which call fails: as before, their skip of
    // a running call waits for its retries to give up.
    if (s.state === 'running' && !this._operatorsCutFailingCalls) return;
    must(
      s.state !== 'blocked',
      `the ${step} step has not begun${s.detail ? ` (${s.detail})` : ''}; it can be skipped once it waits`,
    );
    must(
      s.state !== 'running',
      `the ${step} step's call to ${s.waitingOn?.replace(/^agency:/, '') ?? 'an agency'} is under way and not failing; ` +
        'it can be skipped once the call keeps failing (AgencyRetrying) or the step waits on an operator',
    );
    must(
      s.waitingOn !== 'booking-site:reschedule',
      'the newcomer was a no-show: the booking site reschedules, or the case closes as a no-show when the window ends',
    );
  }

  /** Called with each applied action that `answers` a step's wait: see `answeredWaits`. */
  markAnswered(step: StepName, by: string): void {
    this.answeredWaits.set(step, { waitingOn: this.step(step).waitingOn, by });
  }
}
