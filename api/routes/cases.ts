import { Router } from 'express';
import type { Actor } from '../../workflows/definitions';
import { viewFor } from '../case-views';
import { intakeViolations } from '../../domain/booking';
import { deskDayBounds } from '../../domain/dates';
import { caseWorkflowsQuery, type VisibleCase } from '../../lib/temporal/visibility';
import type { Authenticate } from '../auth';
import { requirePermission } from '../auth';
import type { CaseService } from '../case-service';
import type { PageTokens } from '../page-token';
import { HttpProblem } from '../problem';
import { caseIdPattern, CreateCaseRequestSchema, ListCasesQuerySchema, type ListCasesQuery } from '../schemas';
import { isCursor, sortedListLimit, sortedPage } from '../sorted-list';
import { parse } from '../validate';

interface CasesRouterDeps {
  cases: CaseService;
  authenticate: Authenticate;
  pageTokens: PageTokens;
}

export function caseIdParam(value: unknown): string {
  const caseId = String(value);
  if (!caseIdPattern.test(caseId)) throw new HttpProblem(404, 'Not Found', `There is no case ${caseId.slice(0, 80)}.`);
  return caseId;
}

/** The visibility query of a work list. Values are pattern-checked by the schema, so they cannot leave the quotes. */
export function listQuery(q: Omit<ListCasesQuery, 'pageSize'>): string {
  const conditions = [caseWorkflowsQuery];
  if (q.status) conditions.push(`CaseStatus = '${q.status}'`);
  if (q.waitingOn) conditions.push(`WaitingOn = '${q.waitingOn}'`);
  if (q.municipality) conditions.push(`Municipality = '${q.municipality}'`);
  if (q.location) conditions.push(`DeskLocation = '${q.location}'`);
  if (q.appointmentDate) {
    const { from, to } = deskDayBounds(q.appointmentDate);
    conditions.push(`AppointmentAt >= '${from.toISOString()}' AND AppointmentAt < '${to.toISOString()}'`);
  }
  if (q.householdReference) conditions.push(`Household = '${q.householdReference}'`);
  if (q.slaBreached) conditions.push(`SlaBreached = ${q.slaBreached}`);
  if (q.agencyRetrying) conditions.push(`AgencyRetrying = '${q.agencyRetrying}'`);
  return conditions.join(' AND ');
}

/** `POST /v1/cases`, `GET /v1/cases/{caseId}`, `GET /v1/cases`. */
export function casesRouter({ cases, authenticate, pageTokens }: CasesRouterDeps): Router {
  const router = Router();

  router.post('/', requirePermission(authenticate, 'create-case'), async (req, res) => {
    const booking = parse(CreateCaseRequestSchema, req.body);
    const violations = intakeViolations(booking);
    if (violations.length > 0) {
      throw new HttpProblem(422, 'Unprocessable Content', violations.map((v) => v.reason).join('; '), {
        invalidParams: violations.map((v) => ({ name: v.field, reason: v.reason })),
      });
    }
    const actor = res.locals.actor as Actor;
    const { created, caseId, view } = await cases.create(booking, actor.id);
    res.location(`/v1/cases/${caseId}`);
    if (!view) {
      // Temporal holds the case; no worker has run it yet. The same booking again answers the same way.
      res.status(202).setHeader('retry-after', '5');
      res.json({ accepted: true, caseId });
      return;
    }
    res.status(created ? 201 : 200).json({ caseId, status: view.status, case: viewFor(actor, view) });
  });

  router.get('/:caseId', requirePermission(authenticate, 'read-case'), async (req, res) => {
    res.json(await cases.viewAs(res.locals.actor as Actor, caseIdParam(req.params.caseId)));
  });

  router.get('/', requirePermission(authenticate, 'list-cases'), async (req, res) => {
    const q = parse(ListCasesQuerySchema, req.query, 'query');
    const query = listQuery(q);
    const sorted = q.sort === 'appointmentAt' || q.appointmentDate !== undefined || q.householdReference !== undefined;
    let page: { cases: VisibleCase[]; nextPageToken?: string };
    if (sorted) {
      page = sortedPage(await cases.listAll(query, sortedListLimit), q.pageSize, pageTokens, q.pageToken);
    } else {
      const nextPageToken = q.pageToken ? pageTokens.verify(q.pageToken) : undefined;
      if (q.pageToken && (!nextPageToken || isCursor(nextPageToken))) {
        throw new HttpProblem(400, 'Bad Request', 'pageToken is not one this API handed out for this list.');
      }
      const temporalPage = await cases.list({ query, pageSize: q.pageSize, nextPageToken });
      page = {
        cases: temporalPage.cases,
        ...(temporalPage.nextPageToken ? { nextPageToken: pageTokens.sign(temporalPage.nextPageToken) } : {}),
      };
    }
    res.json({
      cases: page.cases.map((c) => ({
        ...c,
        appointmentAt: c.appointmentAt?.toISOString(),
        nextDeadlineAt: c.nextDeadlineAt?.toISOString(),
      })),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    });
  });

  return router;
}
