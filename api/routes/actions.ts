import type { UpdateDefinition } from '@temporalio/client';
import { Router } from 'express';
import * as d from '../../workflows/definitions';
import type { Authenticate } from '../auth';
import { requirePermission } from '../auth';
import type { CaseService } from '../case-service';
import { HttpProblem } from '../problem';
import { actions, type Action } from '../roles';
import { actionSchemas } from '../schemas';
import { parse } from '../validate';
import { caseIdParam } from './cases';

// Each action is the workflow Update of the same name; the workflow's validator decides whether it is possible.
const updates: Record<Action, UpdateDefinition<d.CaseView, [{ actor: d.Actor }]>> = {
  'check-in': d.checkInUpdate,
  'resolve-identity': d.resolveIdentityUpdate,
  'resolve-address': d.resolveAddressUpdate,
  'capture-biometrics': d.captureBiometricsUpdate,
  'record-biometrics-quality': d.recordBiometricsQualityUpdate,
  'record-permit-decision': d.recordPermitDecisionUpdate,
  'request-documents': d.requestDocumentsUpdate,
  'documents-supplied': d.documentsSuppliedUpdate,
  'decide-return-visa': d.decideReturnVisaUpdate,
  'hand-over-card': d.handOverCardUpdate,
  'record-advice': d.recordAdviceUpdate,
  reschedule: d.rescheduleUpdate,
  withdraw: d.withdrawUpdate,
  'retry-step': d.retryStepUpdate,
  'skip-step': d.skipStepUpdate,
};

const isAction = (value: string): value is Action => (actions as readonly string[]).includes(value);

function actionParam(value: unknown): Action {
  const action = String(value);
  if (!isAction(action)) {
    throw new HttpProblem(404, 'Not Found', `There is no action ${action.slice(0, 40)}; known: ${actions.join(', ')}.`);
  }
  return action;
}

/** `POST /v1/cases/{caseId}/actions/{action}`: answers the case view after the action. */
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
      const body = parse(actionSchemas[action], req.body ?? {}) as object;
      const actor = res.locals.actor as d.Actor;
      const view = await cases.act(caseId, (handle) =>
        handle.executeUpdate(updates[action], {
          args: [{ ...body, actor }],
          // A retry of the same HTTP request (same x-request-id) is the same Update: applied at most once.
          updateId: `${action}:${res.getHeader('x-request-id') as string}`,
        }),
      );
      res.json(view);
    },
  );
  return router;
}
