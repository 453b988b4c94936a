import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ActionBodies } from './action-bodies';
import { roles, type Actor, type CaseView, type Role } from './definitions';

interface ActionSpec<Wire extends string> {
  /** The Update's name in Temporal: a durable contract, a rename breaks running cases. */
  wireName: Wire;
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

/** Keeps the wire name's literal type, which names the Update. */
function action<const Wire extends string>(spec: ActionSpec<Wire>): ActionSpec<Wire> {
  return spec;
}

const actionSpecs = {
  'check-in': action({
    wireName: 'checkIn',
    roles: ['desk-officer'],
    summary: 'Check the newcomer in at the desk, with the outcome of the identity check',
  }),
  'resolve-identity': action({
    wireName: 'resolveIdentity',
    roles: ['desk-officer'],
    summary: 'Resolve an identity that was in doubt at check-in',
  }),
  'resolve-address': action({
    wireName: 'resolveAddress',
    roles: ['desk-officer'],
    summary: 'Decide on an address the municipality rejected',
  }),
  'capture-biometrics': action({
    wireName: 'captureBiometrics',
    roles: ['ind-officer'],
    summary: 'Record that biometrics were captured',
  }),
  'record-biometrics-quality': action({
    wireName: 'recordBiometricsQuality',
    roles: ['ind-officer'],
    summary: 'Record the quality check of captured biometrics',
  }),
  'record-embassy-prints': action({
    wireName: 'recordEmbassyPrints',
    roles: ['ind-officer'],
    summary: 'Judge the biometrics an MVV holder gave at the embassy: usable for the card, or a capture is needed',
  }),
  'record-permit-decision': action({
    wireName: 'recordPermitDecision',
    roles: ['ind-officer'],
    summary: 'Record the permit decision taken by an IND officer',
  }),
  'extend-decision-term': action({
    wireName: 'extendDecisionTerm',
    roles: ['ind-officer'],
    summary: 'Extend the legal decision term once, by up to 90 days, with a reason',
  }),
  'request-documents': action({
    wireName: 'requestDocuments',
    roles: ['ind-officer'],
    summary: 'Ask the newcomer for documents by a due date',
    futureDates: { dueAt: 'the due date' },
  }),
  'documents-supplied': action({
    wireName: 'documentsSupplied',
    roles: ['desk-officer', 'ind-officer'],
    summary: 'Record that the requested documents arrived',
  }),
  'decide-return-visa': action({
    wireName: 'decideReturnVisa',
    roles: ['ind-officer'],
    summary: 'Issue or refuse the return visa',
  }),
  'hand-over-card': action({
    wireName: 'handOverCard',
    roles: ['desk-officer'],
    summary: 'Hand the residence card over to the newcomer',
  }),
  'record-advice': action({
    wireName: 'recordAdvice',
    roles: ['expat-advisor'],
    summary: 'Record the advice session',
  }),
  reschedule: action({
    wireName: 'reschedule',
    roles: ['booking-site'],
    summary: 'Move the appointment',
    futureDates: { startsAt: 'the new appointment' },
  }),
  'schedule-visit': action({
    wireName: 'scheduleVisit',
    roles: ['booking-site', 'desk-officer'],
    summary: 'Book the newcomer back at the desk after check-in: a biometrics retake or a card collection',
    futureDates: { startsAt: 'the visit' },
  }),
  withdraw: action({
    wireName: 'withdraw',
    roles: ['booking-site', 'operator'],
    summary: 'Withdraw the case; what was started is undone where it can be',
  }),
  'correct-application-number': action({
    wireName: 'correctApplicationNumber',
    roles: ['ind-officer', 'operator'],
    summary: "Correct the booking's IND application number after IND refused to link it, and link that one now",
  }),
  'retry-step': action({
    wireName: 'retryStep',
    roles: ['operator'],
    summary: 'Retry a step whose agency kept failing, now',
  }),
  'skip-step': action({
    wireName: 'skipStep',
    roles: ['operator'],
    summary: 'Skip a step whose agency kept failing, with a reason',
  }),
};

export type ActionName = keyof typeof actionSpecs;

/** What an action's Update carries: the body (`action-bodies.ts`), and who took the action. */
export type ActionRequest<A extends ActionName> = Carried<ActionBodies[A]>;

type CaseAction<A extends ActionName> = (typeof actionSpecs)[A] & {
  update: UpdateDefinition<CaseView, [ActionRequest<A>], (typeof actionSpecs)[A]['wireName']>;
};

/**
 * Every officer action, once: its HTTP name (the key), its Update, who may take it and what it does; its body is
 * beside it in `action-bodies.ts`, under the same name. The API's routes, role matrix and OpenAPI document and the
 * README's table are derived from this list; the workflow's behaviour for each action is in `handlers.ts`.
 * Updates, not signals: the officer's screen must know at once whether the action was accepted.
 */
export const caseActions = Object.fromEntries(
  Object.entries(actionSpecs).map(([name, spec]) => [name, { ...spec, update: defineUpdate(spec.wireName) }]),
) as { [A in ActionName]: CaseAction<A> };
export type CaseActions = typeof caseActions;
export const actionNames = Object.keys(caseActions) as ActionName[];

export function isActionName(value: string): value is ActionName {
  return Object.hasOwn(caseActions, value);
}

/** Whether `role` may take `action`: the one role matrix of the officer actions, for the API and the case alike. */
export function mayTake(action: ActionName, role: Role): boolean {
  return caseActions[action].roles.includes(role);
}

/** An `actor` of exactly an id (1 to 128 characters) and a known role, as the API sends it. */
function isActor(value: unknown): value is Actor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { id, role, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof id === 'string' &&
    id.length >= 1 &&
    id.length <= 128 &&
    (roles as readonly unknown[]).includes(role)
  );
}

/**
 * The case's own check of who acts, in every Update's validator: the API checks the same matrix before it sends,
 * but an Update can reach the case without the API (the Temporal UI's "Send an Update", `temporal workflow update
 * execute`), with any `actor` typed by hand.
 */
export function refuseActorNotAllowed(action: ActionName, actor: unknown): void {
  const refuse = (message: string): never => {
    throw ApplicationFailure.create({ type: roleNotAllowed, message, nonRetryable: true });
  };
  if (!isActor(actor)) refuse(`${caseActions[action].wireName} needs "actor": { "id", "role" } of a known role`);
  else if (!mayTake(action, actor.role)) {
    refuse(`the role ${actor.role} may not ${action}; only ${caseActions[action].roles.join(', ')} may`);
  }
}
