import { isUnrunnable } from '../../lib/temporal/visibility';
import type { ActionName } from '../../workflows/actions';
import type { Actor } from '../../workflows/definitions';
import type { CaseService } from '../case-service';
import { viewFor } from '../case-views';
import { HttpProblem } from '../problem';
import { listQuery } from '../routes/cases';
import { householdMembers } from '../routes/households';
import { sortedListLimit } from '../sorted-list';
import { casePage, type ActionOutcome } from './case-page';
import type { DayRow } from './day-list-page';
import { messages } from './i18n';
import type { PageContext } from './layout';

/** A refusal the officer can act on, shown beside the form; anything else is an error page. */
export function refusedOutcome(
  err: unknown,
  action: ActionName,
  form: Record<string, unknown>,
  ctx: PageContext,
): ActionOutcome | undefined {
  if (!(err instanceof HttpProblem) || ![400, 409, 422].includes(err.status)) return undefined;
  const t = messages[ctx.lang];
  const invalidFields = (err.extra.invalidParams as { name: string; reason: string }[] | undefined) ?? [];
  return {
    action,
    ok: false,
    title: err.status === 409 ? t.notNow : err.status === 400 ? t.invalid : t.unprocessable,
    message:
      err.status === 400 ? invalidFields.map((f) => `${f.name}: ${f.reason}`).join('; ') || err.detail : err.detail,
    invalidFields,
    values: form,
  };
}

/** The newcomer's name, from the booking the case started with: personal data, for the page body only. */
async function nameOf(cases: CaseService, caseId: string): Promise<string | undefined> {
  try {
    const booking = await cases.booking(caseId);
    if (!booking) return undefined;
    return `${booking.person.givenNames} ${booking.person.familyName}`;
  } catch {
    return undefined;
  }
}

export async function dayRows(cases: CaseService, actor: Actor, location: string, date: string): Promise<DayRow[]> {
  const found = await cases.listAll(listQuery({ location, appointmentDate: date }), sortedListLimit, {
    newcomerNames: true,
  });
  found.sort(
    (a, b) =>
      (a.appointmentAt?.getTime() ?? Infinity) - (b.appointmentAt?.getTime() ?? Infinity) ||
      a.caseId.localeCompare(b.caseId),
  );
  return Promise.all(
    found.map(async (visible) => {
      // One call per case: the fresh view. The name came with the search, from the case's memo; only a case
      // started before the memo held it costs a second call, to the first event of its history.
      const [view, name] = await Promise.all([
        cases.view(visible.caseId).catch(() => undefined),
        visible.newcomerName ?? nameOf(cases, visible.caseId),
      ]);
      const fresh = view && !isUnrunnable(view) ? viewFor(actor, view) : undefined;
      const waitingOn = fresh && 'waitingOn' in fresh ? fresh.waitingOn : visible.waitingOn;
      return {
        caseId: visible.caseId,
        appointmentAt: visible.appointmentAt,
        name,
        status: fresh?.status ?? visible.status,
        waitingOn,
        problem:
          !fresh ||
          visible.slaBreached ||
          visible.agencyRetrying.length > 0 ||
          visible.reportedProblems.length > 0 ||
          waitingOn.some((w) => w.startsWith('operator:')),
      };
    }),
  );
}

export async function renderCase(
  cases: CaseService,
  ctx: PageContext,
  caseId: string,
  outcome?: ActionOutcome,
): Promise<string> {
  const actor = ctx.session!.actor;
  const view = viewFor(actor, await cases.view(caseId));
  const reference = 'householdReference' in view ? view.householdReference : undefined;
  const others = reference
    ? (await householdMembers(cases, actor, reference)).filter((member) => member.caseId !== caseId)
    : [];
  const [name, household] = await Promise.all([
    nameOf(cases, caseId),
    Promise.all(
      others.map(async (member) => ({
        caseId: member.caseId,
        status: 'status' in member ? String(member.status) : undefined,
        name: await nameOf(cases, member.caseId),
      })),
    ),
  ]);
  return String(casePage(ctx, { view, name, household, outcome }));
}
