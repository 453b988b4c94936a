import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { roles, stepNames, visitPurposes, type Actor, type CaseView, type Role } from './definitions';

const note = z.string().max(2000).optional();
const reason = z.string().min(1).max(2000);
/** Why an officer refuses: required for a refusal (the validator says so with a 422), absent otherwise. */
const refusalReason = z.string().max(2000).optional();
/** The capture device's reference; the images stay on the device. */
export const CaptureReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{3,64}$/, 'a capture reference of 3-64 letters, digits and dashes');
const isoDateTime = z.iso.datetime({ offset: true });

interface ActionSpec<Wire extends string, Body extends z.ZodObject> {
  /** The Update's name in Temporal: a durable contract, a rename breaks running cases. */
  wireName: Wire;
  /** What the caller sends; the actor comes from the bearer token, never from the body. */
  body: Body;
  /** Who may take the action; the API and the workflow's validators both enforce it. */
  roles: readonly Role[];
  summary: string;
  /**
   * Date fields the caller sets that must lie ahead, within a year (field → what it is, for the message). The API
   * answers one out of bounds with a 422 naming the field, before the case sees it.
   */
  futureDates?: Readonly<Record<string, string>>;
}

/**
 * The caller's idempotency key (`Idempotency-Key`, or `x-request-id`) and the fingerprint of what it asked
 * under that key: the case refuses the same key for another request.
 */
export interface Idempotency {
  key: string;
  fingerprint: string;
}

/** The failure type of a validator's refusal of a reused idempotency key: the API answers it with 422. */
export const idempotencyKeyReused = 'IdempotencyKeyReused';

/** The failure type of a validator's refusal of a refusal without its reason: the API answers it with 422. */
export const reasonRequired = 'ReasonRequired';

/** The failure type of a validator's refusal of an actor whose role may not take the action: the API answers 403. */
export const roleNotAllowed = 'RoleNotAllowed';

/** The body with the actor: what the Update carries. (zod types an empty strict object as an index signature.) */
type Carried<Body extends z.ZodObject> = (string extends keyof z.infer<Body> ? unknown : z.infer<Body>) & {
  actor: Actor;
  /** Absent when the caller (an operator's command, a test) relies on the Update id alone. */
  idempotency?: Idempotency;
};

interface CaseAction<Wire extends string = string, Body extends z.ZodObject = z.ZodObject> extends ActionSpec<
  Wire,
  Body
> {
  update: UpdateDefinition<CaseView, [Carried<Body>], Wire>;
}

function action<const Wire extends string, Body extends z.ZodObject>(
  spec: ActionSpec<Wire, Body>,
): CaseAction<Wire, Body> {
  return { ...spec, update: defineUpdate<CaseView, [Carried<Body>], Wire>(spec.wireName) };
}

/**
 * Every officer action, once: its HTTP name (the key), its Update, its body, who may take it and what it does.
 * The API's routes, role matrix and OpenAPI document and the README's table are derived from this list; the
 * workflow's behaviour for each action is in `handlers.ts`. Updates, not signals: the officer's screen must know
 * at once whether the action was accepted.
 */
export const caseActions = {
  'check-in': action({
    wireName: 'checkIn',
    body: z.strictObject({ identity: z.enum(['verified', 'in-doubt']), note }),
    roles: ['desk-officer'],
    summary: 'Check the newcomer in at the desk, with the outcome of the identity check',
  }),
  'resolve-identity': action({
    wireName: 'resolveIdentity',
    body: z.strictObject({ identity: z.enum(['verified', 'not-verified']), reason: refusalReason, note }),
    roles: ['desk-officer'],
    summary: 'Resolve an identity that was in doubt at check-in',
  }),
  'resolve-address': action({
    wireName: 'resolveAddress',
    body: z.strictObject({ decision: z.enum(['accept', 'refer-to-rni', 'refuse']), reason: refusalReason, note }),
    roles: ['desk-officer'],
    summary: 'Decide on an address the municipality rejected',
  }),
  'capture-biometrics': action({
    wireName: 'captureBiometrics',
    body: z.strictObject({ captureReference: CaptureReferenceSchema }),
    roles: ['ind-officer'],
    summary: 'Record that biometrics were captured',
  }),
  'record-biometrics-quality': action({
    wireName: 'recordBiometricsQuality',
    body: z.strictObject({ captureReference: CaptureReferenceSchema, result: z.enum(['accepted', 'retake-needed']) }),
    roles: ['ind-officer'],
    summary: 'Record the quality check of captured biometrics',
  }),
  'record-embassy-prints': action({
    wireName: 'recordEmbassyPrints',
    body: z.strictObject({ quality: z.enum(['usable', 'unusable']), note }),
    roles: ['ind-officer'],
    summary: 'Judge the biometrics an MVV holder gave at the embassy: usable for the card, or a capture is needed',
  }),
  'record-permit-decision': action({
    wireName: 'recordPermitDecision',
    body: z.strictObject({ decision: z.enum(['granted', 'refused', 'inadmissible']), reason: refusalReason, note }),
    roles: ['ind-officer'],
    summary: 'Record the permit decision taken by an IND officer',
  }),
  'extend-decision-term': action({
    wireName: 'extendDecisionTerm',
    body: z.strictObject({ days: z.number().int().min(1).max(90), reason }),
    roles: ['ind-officer'],
    summary: 'Extend the legal decision term once, by up to 90 days, with a reason',
  }),
  'request-documents': action({
    wireName: 'requestDocuments',
    body: z.strictObject({
      documents: z.array(z.string().min(1).max(200)).min(1).max(20),
      /** Defaults to now + the configured documents term. */
      dueAt: isoDateTime.optional(),
    }),
    roles: ['ind-officer'],
    summary: 'Ask the newcomer for documents by a due date',
    futureDates: { dueAt: 'the due date' },
  }),
  'documents-supplied': action({
    wireName: 'documentsSupplied',
    body: z.strictObject({}),
    roles: ['desk-officer', 'ind-officer'],
    summary: 'Record that the requested documents arrived',
  }),
  'decide-return-visa': action({
    wireName: 'decideReturnVisa',
    body: z.strictObject({ decision: z.enum(['issue', 'refuse']), reason: refusalReason, note }),
    roles: ['ind-officer'],
    summary: 'Issue or refuse the return visa',
  }),
  'hand-over-card': action({
    wireName: 'handOverCard',
    body: z.strictObject({}),
    roles: ['desk-officer'],
    summary: 'Hand the residence card over to the newcomer',
  }),
  'record-advice': action({
    wireName: 'recordAdvice',
    body: z.strictObject({ outcome: z.enum(['given', 'declined']), note }),
    roles: ['expat-advisor'],
    summary: 'Record the advice session',
  }),
  reschedule: action({
    wireName: 'reschedule',
    body: z.strictObject({ startsAt: isoDateTime, location: z.string().min(1).max(64).optional() }),
    roles: ['booking-site'],
    summary: 'Move the appointment',
    futureDates: { startsAt: 'the new appointment' },
  }),
  'schedule-visit': action({
    wireName: 'scheduleVisit',
    body: z.strictObject({
      purpose: z.enum(visitPurposes),
      startsAt: isoDateTime,
      /** Defaults to the desk of the appointment. */
      location: z.string().min(1).max(64).optional(),
    }),
    roles: ['booking-site', 'desk-officer'],
    summary: 'Book the newcomer back at the desk after check-in: a biometrics retake or a card collection',
    futureDates: { startsAt: 'the visit' },
  }),
  withdraw: action({
    wireName: 'withdraw',
    body: z.strictObject({ reason }),
    roles: ['booking-site', 'operator'],
    summary: 'Withdraw the case; what was started is undone where it can be',
  }),
  'retry-step': action({
    wireName: 'retryStep',
    body: z.strictObject({ step: z.enum(stepNames) }),
    roles: ['operator'],
    summary: 'Retry a step whose agency kept failing, now',
  }),
  'skip-step': action({
    wireName: 'skipStep',
    body: z.strictObject({ step: z.enum(stepNames), reason }),
    roles: ['operator'],
    summary: 'Skip a step whose agency kept failing, with a reason',
  }),
};

export type CaseActions = typeof caseActions;
export type ActionName = keyof CaseActions;
export const actionNames = Object.keys(caseActions) as ActionName[];

/** What an action's Update carries: the body, and who took the action. */
export type ActionRequest<A extends ActionName> = Carried<CaseActions[A]['body']>;

export function isActionName(value: string): value is ActionName {
  return Object.hasOwn(caseActions, value);
}

/** Whether `role` may take `action`: the one role matrix of the officer actions, for the API and the case alike. */
export function mayTake(action: ActionName, role: Role): boolean {
  return caseActions[action].roles.includes(role);
}

const ActorSchema = z.strictObject({ id: z.string().min(1).max(128), role: z.enum(roles) });

/**
 * The case's own check of who acts, in every Update's validator: the API checks the same matrix before it sends,
 * but an Update can reach the case without the API (the Temporal UI's "Send an Update", `temporal workflow update
 * execute`), with any `actor` typed by hand.
 */
export function refuseActorNotAllowed(action: ActionName, actor: unknown): void {
  const parsed = ActorSchema.safeParse(actor);
  const refuse = (message: string): never => {
    throw ApplicationFailure.create({ type: roleNotAllowed, message, nonRetryable: true });
  };
  if (!parsed.success) refuse(`${caseActions[action].wireName} needs "actor": { "id", "role" } of a known role`);
  else if (!mayTake(action, parsed.data.role)) {
    refuse(`the role ${parsed.data.role} may not ${action}; only ${caseActions[action].roles.join(', ')} may`);
  }
}
