import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { Router } from 'express';
import { intakeViolations } from '../../domain/booking';
import * as sa from '../../workflows/search-attributes';
import type { Authenticate } from '../auth';
import { requirePermission } from '../auth';
import type { CaseService } from '../case-service';
import type { PageTokens } from '../page-token';
import { HttpProblem } from '../problem';
import { caseIdPattern, CreateCaseRequestSchema, ListCasesQuerySchema } from '../schemas';
import { parse } from '../validate';

export interface CasesRouterDeps {
  cases: CaseService;
  namespace: string;
  authenticate: Authenticate;
  pageTokens: PageTokens;
}

export function caseIdParam(value: unknown): string {
  const caseId = String(value);
  if (!caseIdPattern.test(caseId)) throw new HttpProblem(404, 'Not Found', `There is no case ${caseId.slice(0, 80)}.`);
  return caseId;
}

/** `POST /v1/cases`, `GET /v1/cases/{caseId}`, `GET /v1/cases`. */
export function casesRouter({ cases, namespace, authenticate, pageTokens }: CasesRouterDeps): Router {
  const router = Router();

  router.post('/', requirePermission(authenticate, 'create-case'), async (req, res) => {
    const booking = parse(CreateCaseRequestSchema, req.body);
    const violations = intakeViolations(booking);
    if (violations.length > 0) {
      throw new HttpProblem(422, 'Unprocessable Content', violations.map((v) => v.reason).join('; '), {
        invalidParams: violations.map((v) => ({ name: v.field, reason: v.reason })),
      });
    }
    const { created, view } = await cases.create(booking);
    res
      .status(created ? 201 : 200)
      .location(`/v1/cases/${view.caseId}`)
      .json({ caseId: view.caseId, status: view.status, case: view });
  });

  router.get('/:caseId', requirePermission(authenticate, 'read-case'), async (req, res) => {
    res.json(await cases.view(caseIdParam(req.params.caseId)));
  });

  router.get('/', requirePermission(authenticate, 'list-cases'), async (req, res) => {
    const q = parse(ListCasesQuerySchema, req.query, 'query');
    // Values are pattern-checked above, so they cannot break out of the quotes.
    const conditions = [`WorkflowType = 'newcomerCaseWorkflow'`];
    if (q.status) conditions.push(`CaseStatus = '${q.status}'`);
    if (q.waitingOn) conditions.push(`WaitingOn = '${q.waitingOn}'`);
    if (q.municipality) conditions.push(`Municipality = '${q.municipality}'`);
    if (q.location) conditions.push(`DeskLocation = '${q.location}'`);
    if (q.slaBreached) conditions.push(`SlaBreached = ${q.slaBreached}`);
    if (q.agencyRetrying) conditions.push(`AgencyRetrying = '${q.agencyRetrying}'`);
    const nextPageToken = q.pageToken ? pageTokens.verify(q.pageToken) : undefined;
    if (q.pageToken && !nextPageToken) {
      throw new HttpProblem(400, 'Bad Request', 'pageToken is not one this API handed out.');
    }
    const page = await cases.list({ namespace, query: conditions.join(' AND '), pageSize: q.pageSize, nextPageToken });
    res.json({
      cases: page.executions.map((e) => {
        const attrs = decodeTypedSearchAttributes(e.searchAttributes?.indexedFields);
        return {
          caseId: e.execution?.workflowId,
          status: attrs.get(sa.CaseStatus),
          waitingOn: attrs.get(sa.WaitingOn) ?? [],
          municipality: attrs.get(sa.Municipality),
          purpose: attrs.get(sa.Purpose),
          location: attrs.get(sa.DeskLocation),
          appointmentAt: attrs.get(sa.AppointmentAt)?.toISOString(),
          nextDeadlineAt: attrs.get(sa.NextDeadlineAt)?.toISOString(),
          slaBreached: attrs.get(sa.SlaBreached) ?? false,
          agencyRetrying: attrs.get(sa.AgencyRetrying) ?? [],
        };
      }),
      ...(page.nextPageToken?.length ? { nextPageToken: pageTokens.sign(page.nextPageToken) } : {}),
    });
  });

  return router;
}
