import { isUnrunnable, type UnrunnableCaseView } from '../lib/temporal/visibility';
import type { Actor, CaseView, Role } from '../workflows/definitions';
import { HttpProblem } from './problem';

/**
 * What the booking site sees of a case: where it stands and what the newcomer must do next. No results (the
 * BSN is personal data), no agency references, no audit trail (officers' ids, reasons and notes).
 */
export const bookingSiteFields = [
  'caseId',
  'bookingReference',
  'householdReference',
  'status',
  'outcome',
  'municipalityCode',
  'purpose',
  'services',
  'appointment',
  'returnVisit',
  'steps',
  'waitingOn',
  'deadlines',
] as const satisfies readonly (keyof CaseView)[];
export type BookingSiteCaseView = Pick<CaseView, (typeof bookingSiteFields)[number]>;

/** Roles that see the BSN: the desk registers it at BRP, IND files it with the application. */
const seesBsn: ReadonlySet<Role> = new Set<Role>(['desk-officer', 'ind-officer']);

/** Whether a role reads the newcomer's BSN: the officers who work with it at the desk and at IND. */
export const readsBsn = (role: Role): boolean => seesBsn.has(role);

export type RoleView = CaseView | BookingSiteCaseView | UnrunnableCaseView;

/**
 * The case as the caller's role may see it (docs/domain.md, "What each role sees"). A booking site sees only
 * the cases it booked; another's is answered as unknown, so it cannot even learn that the case exists.
 */
export function viewFor(actor: Actor, view: CaseView | UnrunnableCaseView): RoleView {
  if (isUnrunnable(view)) return view; // built from search attributes: no personal data
  if (actor.role === 'booking-site') {
    if (view.bookedBy !== undefined && view.bookedBy !== actor.id) {
      throw new HttpProblem(404, 'Not Found', `There is no case ${view.caseId}.`);
    }
    const projected: Partial<CaseView> = {};
    for (const field of bookingSiteFields) {
      if (view[field] !== undefined) Object.assign(projected, { [field]: view[field] });
    }
    return projected as BookingSiteCaseView;
  }
  if (seesBsn.has(actor.role) || view.results.bsn === undefined) return view;
  const results = Object.fromEntries(Object.entries(view.results).filter(([name]) => name !== 'bsn'));
  return { ...view, results };
}
