import type { UpdateDefinition } from '@temporalio/common';
import { condition, patched, setHandler } from '@temporalio/workflow';
import { actionNames, caseActions, refuseActorNotAllowed, type ActionName, type ActionRequest } from './actions';
import { remarksOf, type ActionBehaviour, type CaseState } from './case-state';
import * as d from './definitions';
import { settled } from './settle';
import type { Notifier } from './notifications';

/**
 * When the case answers an Update, decided in its first activation: `settled` once the search-attribute writer
 * found the steps quiet (cases since 'answer-when-settled'); `reacted` after quiet microtasks of its own (cases
 * since 'answer-after-steps-react', read at their first action; before it, at once).
 */
export type AnswerWhen = 'settled' | 'reacted';

/** Officers' updates (validated, audited), agencies' call-backs and the status query. */
export function registerHandlers(state: CaseState, notifier: () => Notifier, answerWhen: AnswerWhen): void {
  // The only query, and the first the Temporal UI opens: it holds no personal data. (Cases used to answer
  // `caseBooking` with the booking itself; a query leaves no trace in a history, so dropping it needs no patch.)
  setHandler(d.caseStatusQuery, () => state.view(), { description: d.caseStatusQueryDescription });
  setHandler(d.caseOpenedUpdate, async () => {
    await condition(() => state.stepsBegun);
    await (answerWhen === 'settled' ? state.searchAttributesCurrent() : stepsReacted(state));
    return state.view();
  });

  for (const name of actionNames) registerAction(state, notifier, name, answerWhen);

  const receiveIndDecision = (e: d.IndDecisionEvent) =>
    state.receiveIndDecision(e.applicationNumber, e.decision, e.reason, e.decidedAt);
  setHandler(d.indDecisionSignal, receiveIndDecision);
  setHandler(d.indDecisionUpdate, receiveIndDecision, {
    validator: (e: d.IndDecisionEvent) => state.refuseContradictingDecision(e.applicationNumber, e.decision),
  });
  setHandler(d.cardReadySignal, (e) => state.receiveCardReady(e.orderId));
  setHandler(d.biometricsQualitySignal, (e) => state.receiveBiometricsQuality(e.captureReference, e.result));
}

/**
 * Every action alike: its validator rejects it (a rejected Update leaves no trace in the history), or it is
 * applied, audited with who took it, and answered with the case as it is now.
 */
function registerAction<A extends ActionName>(
  state: CaseState,
  notifier: () => Notifier,
  name: A,
  answerWhen: AnswerWhen,
): void {
  // TypeScript cannot relate an indexed catalogue entry to its request type; the catalogue's types guarantee it.
  const update = caseActions[name].update as unknown as UpdateDefinition<d.CaseView, [ActionRequest<A>]>;
  const behaviour = state.actions[name] as ActionBehaviour<A>;
  setHandler(
    update,
    async (r) => {
      state.rememberKey(r.idempotency);
      const applied = behaviour.apply(r);
      if (behaviour.answers) state.markAnswered(behaviour.answers, `${name} by ${r.actor.id}`);
      const effect = typeof applied === 'object' ? applied : { detail: applied || undefined };
      // Cases started before e-mails went out on every milestone sent only the documents request's.
      if (effect.email && (effect.email.milestone === 'documents-requested' || patched('milestone-emails'))) {
        const { milestone, ...details } = effect.email;
        notifier().send(milestone, details);
      }
      if (!behaviour.auditedByState) state.record(r.actor, name, effect.detail, remarksOf(r));
      state.sync();
      if (effect.until) await condition(effect.until);
      // Not one await more on the older paths: their recorded commands interleave with the steps' microtasks.
      if (answerWhen === 'settled') await state.searchAttributesCurrent();
      // Cases started before this answered at once, before their steps had seen the action.
      else if (patched('answer-after-steps-react')) await stepsReacted(state);
      return state.view();
    },
    {
      validator: (r: ActionRequest<A>) => {
        refuseActorNotAllowed(name, (r as { actor?: unknown } | undefined)?.actor);
        state.refuseReusedKey(r.idempotency);
        behaviour.validate(r);
      },
    },
  );
}

/**
 * Lets the steps react to an action before the case answers, so the answer shows its immediate effects (the
 * check-in's step done, the next step running): quiet microtasks, as recorded histories of cases since
 * 'answer-after-steps-react' expect. Cases since 'answer-when-settled' wait for the search-attribute writer
 * instead, which waits for the steps anyway, in rounds of the workflow's condition checks: a few promises where
 * these microtask waits cost about fifty and a serialised view each (the SDK takes a stack trace of every promise,
 * for the Temporal UI). Their answer follows the upsert: another order of commands, hence the patch.
 */
function stepsReacted(state: CaseState): Promise<void> {
  return settled(() => JSON.stringify(state.view()), { quietWaits: 3, maxWaits: 12, wait: 'microtask' });
}
