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
        // An Update, not a signal: the case refuses a decision other than the one it has (409), also one sent at
        // the same moment as another. Its id makes the same call-back again one Update, not another event.
        await handle.executeUpdate(d.indDecisionUpdate, {
          args: [event],
          updateId: `ind-decision:${event.applicationNumber}:${event.decision}`,
        });
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
