import type { UpdateDefinition } from '@temporalio/client';
import { Router } from 'express';
import type { z } from 'zod';
import { actionNames, caseActions, isActionName, type ActionName, type ActionRequest } from '../../workflows/actions';
import { actionBodies } from '../../workflows/action-bodies';
import type { Actor, CaseView } from '../../workflows/definitions';
import type { Authenticate } from '../auth';
import { requirePermission } from '../auth';
import type { CaseService } from '../case-service';
import { dateOutOfBounds } from '../../domain/dates';
import { HttpProblem } from '../problem';
import { idempotencyKeyOf, idempotencyOf } from '../idempotency';
import { viewFor } from '../case-views';
import { parse } from '../validate';
import { caseIdParam } from './cases';

function actionParam(value: unknown): ActionName {
  const action = String(value);
  if (!isActionName(action)) {
    throw new HttpProblem(
      404,
      'Not Found',
      `There is no action ${action.slice(0, 40)}; known: ${actionNames.join(', ')}.`,
    );
  }
  return action;
}

/**
 * Refuses a date the caller set that lies in the past or more than a year ahead: the request itself is wrong,
 * whatever the case's state (422 naming the field, not the validator's 409), and the case never sees it.
 */
function refuseDatesOutOfBounds(action: ActionName, body: Record<string, unknown>): void {
  const now = Date.now();
  const invalidParams = Object.entries(caseActions[action].futureDates ?? {}).flatMap(([field, what]) => {
    const value = body[field];
    const reason = typeof value === 'string' ? dateOutOfBounds(value, what, now, now) : undefined;
    return reason ? [{ name: field, reason }] : [];
  });
  if (invalidParams.length === 0) return;
  throw new HttpProblem(422, 'Unprocessable Content', invalidParams.map((p) => p.reason).join('; '), {
    invalidParams,
  });
}

/** The action's Update with its request: the parsed body, the actor from the bearer token, the caller's key. */
function actionUpdate<A extends ActionName>(action: A, body: unknown, actor: Actor, key: string) {
  const bodySchema: z.ZodObject = actionBodies[action];
  const parsed = parse(bodySchema, body ?? {});
  refuseDatesOutOfBounds(action, parsed);
  const idempotency = idempotencyOf(key, action, parsed, actor);
  const request = { ...parsed, actor, idempotency } as ActionRequest<A>;
  // One cast for all actions: TypeScript cannot relate an indexed catalogue entry to its request type.
  const update = caseActions[action].update as unknown as UpdateDefinition<CaseView, [ActionRequest<A>]>;
  return { update, request, idempotency };
}

/**
 * The Update id of an action. A retry of the same request under the same key is the same Update: applied at most
 * once, answered alike. The same key with another request is another Update, which the case's validator refuses.
 */
export function actionUpdateId(action: ActionName, key: string, fingerprint: string): string {
  return `${action}:${key}:${fingerprint}`;
}

/**
 * Takes an officer action on a case: the body parsed by the catalogue's schema, applied at most once per key, the
 * workflow's validator deciding. The API's route and the desk console both come through here; the caller has
 * checked the role matrix.
 */
export async function takeAction(
  cases: CaseService,
  request: { caseId: string; action: ActionName; body: unknown; actor: Actor; key: string },
): Promise<CaseView> {
  const {
    update,
    request: carried,
    idempotency,
  } = actionUpdate(request.action, request.body, request.actor, request.key);
  await cases.refuseOtherSite(request.actor, request.caseId);
  return cases.act(request.caseId, (handle) =>
    handle.executeUpdate(update, {
      args: [carried],
      updateId: actionUpdateId(request.action, request.key, idempotency.fingerprint),
    }),
  );
}

/**
 * `POST /v1/cases/{caseId}/actions/{action}`: each action of the catalogue is the workflow Update it names, and
 * the workflow's validator decides whether it is possible now. Answers the case view after the action.
 */
export function actionsRouter({ cases, authenticate }: { cases: CaseService; authenticate: Authenticate }): Router {
  const router = Router({ mergeParams: true });
  router.post(
    '/:caseId/actions/:action',
    (req, _res, next) => {
      actionParam(req.params.action);
      next();
    },
    requirePermission(authenticate, (req) => actionParam(req.params.action)),
    async (req, res) => {
      const caseId = caseIdParam(req.params.caseId);
      const action = actionParam(req.params.action);
      const key = idempotencyKeyOf(req, res);
      const actor = res.locals.actor as Actor;
      const view = await takeAction(cases, { caseId, action, body: req.body, actor, key });
      res.json(viewFor(res.locals.actor as Actor, view));
    },
  );
  return router;
}
