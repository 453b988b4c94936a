import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { actionNames, caseActions, type ActionName, type ActionRequest } from './actions';
import type { CaseState } from './case-state';
import * as d from './definitions';
import type { Notifier } from './notifications';

interface Behaviour<A extends ActionName> {
  validate: (r: ActionRequest<A>) => void;
  /** Applies the action; what it returns is the audit entry's detail. */
  apply: (r: ActionRequest<A>) => string | void;
  /** The state writes its own audit entry (a permit decision is audited alike whoever reports it). */
  auditedByState?: true;
}

/**
 * What each officer action does to the case: the validator and the change, both methods of the case state.
 * The mapped type makes a new action in the catalogue fail to compile until its behaviour is written here.
 */
function behaviours(state: CaseState, notifier: () => Notifier): { [A in ActionName]: Behaviour<A> } {
  return {
    'check-in': { validate: () => state.assertCanCheckIn(), apply: (r) => state.checkIn(r) },
    'resolve-identity': { validate: () => state.assertCanResolveIdentity(), apply: (r) => state.resolveIdentity(r) },
    'resolve-address': { validate: () => state.assertCanResolveAddress(), apply: (r) => state.resolveAddress(r) },
    'capture-biometrics': {
      validate: (r) => state.assertCanCaptureBiometrics(r),
      apply: (r) => state.captureBiometrics(r),
    },
    'record-biometrics-quality': {
      validate: (r) => state.assertCanRecordBiometricsQuality(r),
      apply: (r) => state.recordBiometricsQuality(r),
    },
    'record-permit-decision': {
      validate: () => state.assertCanRecordPermitDecision(),
      apply: (r) => state.recordPermitDecision(r),
      auditedByState: true,
    },
    'request-documents': {
      validate: (r) => state.assertCanRequestDocuments(r),
      apply: (r) => {
        const { dueAt, detail } = state.requestDocuments(r);
        notifier().send('documents-requested', { documents: r.documents.join(', '), dueAt });
        return detail;
      },
    },
    'documents-supplied': {
      validate: () => state.assertCanRecordDocumentsSupplied(),
      apply: () => state.recordDocumentsSupplied(),
    },
    'decide-return-visa': {
      validate: () => state.assertCanDecideReturnVisa(),
      apply: (r) => state.decideReturnVisa(r),
    },
    'hand-over-card': { validate: () => state.assertCanHandOverCard(), apply: () => state.handOverCard() },
    'record-advice': { validate: () => state.assertCanRecordAdvice(), apply: (r) => state.recordAdvice(r) },
    reschedule: { validate: (r) => state.assertCanReschedule(r), apply: (r) => state.reschedule(r) },
    withdraw: { validate: () => state.assertCanWithdraw(), apply: (r) => state.withdraw(r) },
    'retry-step': { validate: (r) => state.assertCanRetryStep(r), apply: (r) => state.retryStep(r) },
    'skip-step': { validate: (r) => state.assertCanSkipStep(r), apply: (r) => state.skipStep(r) },
  };
}

/** Officers' updates (validated, audited), agencies' call-backs and the status query. */
export function registerHandlers(state: CaseState, notifier: () => Notifier): void {
  setHandler(d.caseStatusQuery, () => state.view());
  setHandler(d.caseBookingQuery, () => state.booking);

  const all = behaviours(state, notifier);
  for (const name of actionNames) registerAction(state, name, all[name] as Behaviour<typeof name>);

  setHandler(d.indDecisionSignal, (e) => state.receiveIndDecision(e.applicationNumber, e.decision));
  setHandler(d.cardReadySignal, (e) => state.receiveCardReady(e.orderId));
  setHandler(d.biometricsQualitySignal, (e) => state.receiveBiometricsQuality(e.captureReference, e.result));
}

/** Every action alike: validated first, then applied, audited with who did it, and answered with the new view. */
function registerAction<A extends ActionName>(state: CaseState, name: A, behaviour: Behaviour<A>): void {
  const update = caseActions[name].update as unknown as UpdateDefinition<d.CaseView, [ActionRequest<A>]>;
  setHandler(
    update,
    (r) => {
      const detail = behaviour.apply(r);
      if (!behaviour.auditedByState) state.record(r.actor, name, detail || undefined);
      state.sync();
      return state.view();
    },
    { validator: (r: ActionRequest<A>) => behaviour.validate(r) },
  );
}
