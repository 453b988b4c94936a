import { Router } from 'express';
import { isUnrunnable } from '../../lib/temporal/visibility';
import { toHttpProblem } from '../temporal-errors';
import * as d from '../../workflows/definitions';
import type { Authenticate } from '../auth';
import { requirePermission } from '../auth';
import type { CaseService } from '../case-service';
import { HttpProblem } from '../problem';
import { callbackSchemas, caseIdPattern, type CallbackKind } from '../schemas';
import { parse } from '../validate';

const isKind = (value: string): value is CallbackKind => Object.prototype.hasOwnProperty.call(callbackSchemas, value);

/**
 * `POST /v1/agency-callbacks/{agency}/{event}`: an agency reports a decision, a ready card or a biometrics
 * result. Answered 202 once the case has the signal; the same call-back twice changes the case once.
 */
export function callbacksRouter({ cases, authenticate }: { cases: CaseService; authenticate: Authenticate }): Router {
  const router = Router();
  router.post('/:agency/:event', requirePermission(authenticate, 'agency-callback'), async (req, res) => {
    const kind = `${String(req.params.agency)}/${String(req.params.event)}`;
    if (!isKind(kind)) throw new HttpProblem(404, 'Not Found', `No call-back ${kind.slice(0, 60)} is known.`);
    const event = parse(callbackSchemas[kind], req.body);
    const unknown = (what: string) => new HttpProblem(404, 'Not Found', `Unknown ${what} for case ${event.caseRef}.`);
    if (!caseIdPattern.test(event.caseRef)) throw unknown('case');
    const view = await cases.view(event.caseRef).catch((err: unknown) => {
      throw err instanceof HttpProblem && err.status === 404 ? unknown('case') : err;
    });
    // Its targets cannot be checked now; the agency retries once an operator has repaired the case.
    if (isUnrunnable(view)) throw toHttpProblem({ kind: 'task-failing' }, event.caseRef);
    if (view.status !== 'open') throw toHttpProblem({ kind: 'closed', status: view.status }, event.caseRef);
    await cases.act(event.caseRef, async (handle) => {
      if ('decision' in event) {
        // A decision may overtake the linking of the application; the case keeps it until the number is known.
        const linked = view.results.indApplicationNumber;
        const mismatch =
          linked === undefined ? !view.services.includes('residence-permit') : linked !== event.applicationNumber;
        if (mismatch) {
          throw unknown(`application ${event.applicationNumber}`);
        }
        refuseContradiction(view, event);
        await handle.signal(d.indDecisionSignal, event);
      } else if ('orderId' in event) {
        if (view.references.cardOrder !== event.orderId) throw unknown(`card order ${event.orderId}`);
        await handle.signal(d.cardReadySignal, event);
      } else {
        if (view.references.biometricsCapture !== event.captureReference) {
          throw unknown(`biometrics capture ${event.captureReference}`);
        }
        await handle.signal(d.biometricsQualitySignal, event);
      }
    });
    res.status(202).json({ accepted: true, caseId: event.caseRef });
  });
  return router;
}

/**
 * A decision on an application the case has a different decision on is not applied (a case keeps its first
 * decision): 409 naming the decision it has, so IND's system does not take the 202 for its decision being kept.
 * The same decision again is the replay of a call-back and accepted.
 */
function refuseContradiction(view: d.CaseView, event: d.IndDecisionEvent): void {
  const recorded = [...view.audit].reverse().find((entry) => entry.action === 'permit-decision');
  const decision = recorded?.detail?.split(' ')[0];
  if (recorded && decision !== event.decision) {
    throw new HttpProblem(
      409,
      'Conflict',
      `The permit of case ${view.caseId} was already decided: ${recorded.detail} at ${recorded.at}. ` +
        `A case keeps its first decision; ${event.decision} is not applied.`,
    );
  }
}
