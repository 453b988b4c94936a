import { Router } from 'express';
import { caseWorkflowsQuery } from '../../lib/temporal/visibility';
import type { Actor } from '../../workflows/definitions';
import { requirePermission, type Authenticate } from '../auth';
import type { CaseService } from '../case-service';
import type { RoleView } from '../case-views';
import { HttpProblem } from '../problem';
import { householdReferencePattern } from '../schemas';

interface HouseholdsRouterDeps {
  cases: CaseService;
  authenticate: Authenticate;
}

/** A family books once; more members than this is not a household but a mistake worth a look. */
const maxMembers = 50;

/**
 * `GET /v1/households/{householdReference}`: every member's case, each as the caller's role may see it. A booking
 * site sees the members it booked; a household of which it booked none reads as unknown, like another's case.
 */
export function householdsRouter({ cases, authenticate }: HouseholdsRouterDeps): Router {
  const router = Router();
  router.get('/:householdReference', requirePermission(authenticate, 'read-household'), async (req, res) => {
    const reference = String(req.params.householdReference);
    const unknown = new HttpProblem(404, 'Not Found', `There is no household ${reference.slice(0, 80)}.`);
    if (!householdReferencePattern.test(reference)) throw unknown;
    const members = await householdMembers(cases, res.locals.actor as Actor, reference);
    if (members.length === 0) throw unknown;
    res.json({ householdReference: reference, members });
  });
  return router;
}

/**
 * Every member's case the actor may see, earliest appointment first; none for a reference that is not one. The API
 * and the desk console's case page both read a household through here.
 */
export async function householdMembers(cases: CaseService, actor: Actor, reference: string): Promise<RoleView[]> {
  if (!householdReferencePattern.test(reference)) return [];
  const found = await cases.listAll(`${caseWorkflowsQuery} AND Household = '${reference}'`, maxMembers);
  const ordered = found.sort(
    (a, b) =>
      (a.appointmentAt?.getTime() ?? Infinity) - (b.appointmentAt?.getTime() ?? Infinity) ||
      a.caseId.localeCompare(b.caseId),
  );
  return (await Promise.all(ordered.map((c) => visibleTo(cases, actor, c.caseId)))).filter(
    (view): view is RoleView => view !== undefined,
  );
}

async function visibleTo(cases: CaseService, actor: Actor, caseId: string): Promise<RoleView | undefined> {
  try {
    return await cases.viewAs(actor, caseId);
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 404) return undefined; // another booking site's member
    throw err;
  }
}
