import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { actionNames, caseActions, type ActionName, type ActionRequest } from './actions';
import type { ActionBehaviour, CaseState } from './case-state';
import * as d from './definitions';
import type { Notifier } from './notifications';

/** Officers' updates (validated, audited), agencies' call-backs and the status query. */
export function registerHandlers(state: CaseState, notifier: () => Notifier): void {
  setHandler(d.caseStatusQuery, () => state.view());
  setHandler(d.caseBookingQuery, () => state.booking);

  for (const name of actionNames) registerAction(state, notifier, name);

  setHandler(d.indDecisionSignal, (e) => state.receiveIndDecision(e.applicationNumber, e.decision));
  setHandler(d.cardReadySignal, (e) => state.receiveCardReady(e.orderId));
  setHandler(d.biometricsQualitySignal, (e) => state.receiveBiometricsQuality(e.captureReference, e.result));
}

/**
 * Every action alike: its validator rejects it (a rejected Update leaves no trace in the history), or it is
 * applied, audited with who took it, and answered with the case as it is now.
 */
function registerAction<A extends ActionName>(state: CaseState, notifier: () => Notifier, name: A): void {
  // TypeScript cannot relate an indexed catalogue entry to its request type; the catalogue's types guarantee it.
  const update = caseActions[name].update as unknown as UpdateDefinition<d.CaseView, [ActionRequest<A>]>;
  const behaviour = state.actions[name] as ActionBehaviour<A>;
  setHandler(
    update,
    (r) => {
      state.rememberKey(r.idempotency);
      const applied = behaviour.apply(r);
      const effect = typeof applied === 'object' ? applied : { detail: applied || undefined };
      if (effect.email) {
        const { milestone, ...details } = effect.email;
        notifier().send(milestone, details);
      }
      if (!behaviour.auditedByState) state.record(r.actor, name, effect.detail);
      state.sync();
      return state.view();
    },
    {
      validator: (r: ActionRequest<A>) => {
        state.refuseReusedKey(r.idempotency);
        behaviour.validate(r);
      },
    },
  );
}
