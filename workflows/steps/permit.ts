import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { refusalDetails } from '../../domain/objection';
import { hasShortLegalTerm } from '../../domain/rules';
import {
  pollBeside,
  settledMeanwhile,
  skipped,
  undoneAtAgency,
  unusableAs,
  withAgency,
  withAgencyUnlessSettled,
} from '../agency-call';
import { maxAheadMs } from '../../domain/dates';
import { legalTermDeadline } from '../case-state';
import { within } from '../case-clock';
import { runDeadline } from '../deadlines';
import { readableDuration } from '../summaries';
import type { Actor } from '../definitions';
import type { StepContext } from './step-context';

const ind: Actor = { id: 'ind', role: 'agency' };
const dayMs = 86_400_000;

/**
 * IND's receipt date as the start of its clocks, or now when IND gives none. Never later than now (IND cannot
 * have received it tomorrow), nor more than a year back: a date like the year 1 is a mistake, and the due dates
 * shown should stay dates a person can read (the term is breached either way).
 */
function receiptOf(receivedAt: string | undefined): number {
  const now = Date.now();
  const at = receivedAt === undefined ? NaN : Date.parse(receivedAt);
  return Number.isNaN(at) ? now : Math.min(now, Math.max(at, now - maxAheadMs));
}

/**
 * The permit decision: link the sponsor's application (or file one), then wait for IND's decision while the
 * legal term and the sponsor target run. A documents request pauses the legal term; missing its due date
 * makes the application inadmissible.
 */
export async function permitStep({ state, agencies, notifier, compensations, patches }: StepContext): Promise<void> {
  if (!state.wants('residence-permit')) return state.finish('permit', 'not-wanted');
  const { booking, caseId } = state;
  const route = booking.permit?.route === 'tev' ? 'tev' : 'vvr';
  // An issued MVV means IND granted the TEV application: the case links it, files nothing and waits for no
  // decision. Cases started before this rule waited for a new decision, and keep doing so.
  const grantedWithMvv = state.hasMvv && patched('tev-mvv-granted');
  const tevApplication = booking.permit?.indApplicationNumber;
  if (grantedWithMvv && !tevApplication) {
    return state.finish('permit', 'not-possible', 'the TEV application number of the MVV is missing');
  }
  const link = () =>
    agencies.ind.linkPermitApplication({
      caseId,
      purpose: booking.stay.purpose,
      route,
      ...(booking.sponsor ? { sponsorNumber: booking.sponsor.recognisedSponsorNumber } : {}),
      // Read at each attempt: an officer may correct a number IND refused to link (`correct-application-number`).
      ...(tevApplication ? { applicationNumber: state.applicationNumberToLink } : {}),
      ...(grantedWithMvv ? { mvvIssued: true } : {}),
    });
  // A withdrawal while IND files the application must not orphan it: the call finishes, so the number is known
  // and the compensation can withdraw it. Cases started before this change keep the old, cancellable call. An
  // operator's retry or skip stops the call (cases since 'operators-cut-the-filing'); before, the call was shielded
  // from them too, and a skip while IND kept failing waited for the retries to give up, for up to a week.
  const survivesWithdrawal = patched('link-application-survives-withdrawal');
  const linked =
    survivesWithdrawal && patched('operators-cut-the-filing')
      ? await withAgency(state, 'permit', 'ind', link, [], { survivesWithdrawal: true })
      : await withAgency(state, 'permit', 'ind', () =>
          survivesWithdrawal ? CancellationScope.nonCancellable(link) : link(),
        );
  if (linked === skipped) return state.finish('permit', 'skipped', state.skipReason('permit'));
  const { applicationNumber } = linked;
  // IND's answer, not the booking, says whether the MVV's application was granted: a mistyped number may hold
  // another decision, which the case must not record as a grant (nor withdraw later: it is not the desk's). Cases
  // started before this took the booking's word for it.
  if (grantedWithMvv && linked.status !== 'granted' && patches.tevGrantFromInd) {
    return state.finish(
      'permit',
      'not-possible',
      `IND holds ${applicationNumber} as ${linked.status}, not granted with the MVV: check the TEV application number`,
    );
  }
  compensations.register({
    needed: () => state.permit.status === 'pending',
    undo: async () => {
      const withdraw = () => agencies.ind.withdrawPermitApplication({ caseId, applicationNumber });
      if (!(await undoneAtAgency(state, 'permit', 'ind', withdraw))) {
        return 'IND application not withdrawn (skipped by an operator)';
      }
      state.withdrawApplication();
      state.finish('permit', 'withdrawn');
      return 'IND application withdrawn';
    },
    // The desk filed it for the newcomer; one the sponsor filed is the sponsor's to withdraw.
    onNoShow: tevApplication === undefined,
  });
  if (grantedWithMvv) {
    state.linkGrantedWithMvv(applicationNumber);
    return state.finish('permit', 'granted', 'IND granted the TEV application with the MVV');
  }
  state.linkApplication(linked);

  const undecided = () => state.permit.status === 'pending' && !state.skipRequested('permit');
  const poll = new CancellationScope();
  const polling = poll
    .run(() =>
      pollBeside(
        state,
        'permit',
        'ind',
        unusableAs(
          () => agencies.indPoll.awaitPermitDecision({ applicationNumber }),
          (application) =>
            application.status === 'withdrawn' && undecided()
              ? `IND answered that application ${applicationNumber} is withdrawn, which this case did not ask`
              : undefined,
        ),
        () => !undecided(),
      ),
    )
    .then(
      (application) => {
        if (application && application.status !== 'pending' && application.status !== 'withdrawn') {
          state.decidePermit(application.status, ind, 'polled', {
            ...(application.reason ? { reason: application.reason } : {}),
            ...(application.decidedAt ? { decidedAt: application.decidedAt } : {}),
          });
        }
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );

  // The clocks run from IND's receipt of the application, not from the link: a sponsor may have filed weeks
  // before the appointment. Cases started before this ran them from the link, and keep doing so.
  const from = patched('term-from-receipt') ? receiptOf(state.permit.receivedAt) : undefined;
  const legalTerm = runDeadline(
    state,
    legalTermDeadline,
    hasShortLegalTerm(booking.stay.purpose) ? state.settings.indLegalTermShortMs : state.settings.indLegalTermMs,
    {
      until: () => !undecided(),
      pausedWhile: () => state.permit.documentsDueAt !== undefined,
      onBreach: () => state.record(ind, 'escalated', 'the legal decision term has passed'),
      from,
      extendedBy: () => (state.permit.termExtension?.days ?? 0) * dayMs,
    },
  );
  const sponsorTarget = booking.sponsor
    ? runDeadline(state, 'ind-decision-sponsor-target', state.settings.indSponsorTargetMs, {
        until: () => !undecided(),
        from,
      })
    : Promise.resolve('met');

  // A passed due date is IND's to judge (inadmissibility is open to objection): the case tells IND and waits for
  // its decision, or an IND officer's. Cases started before this declared the application inadmissible themselves.
  const overdueToInd = patched('inadmissibility-by-ind');
  while (undecided()) {
    const dueAt = state.permit.documentsDueAt;
    if (dueAt === undefined) {
      await state.waitOn(
        'permit',
        'ind:decision',
        () => state.permit.status !== 'pending' || state.permit.documentsDueAt !== undefined,
        state.permit.documentsOverdue ? 'documents overdue' : undefined,
      );
      continue;
    }
    state.setStep('permit', { state: 'waiting', waitingOn: 'newcomer:documents', detail: `documents due ${dueAt}` });
    const dueIn = Math.max(Date.parse(dueAt) - Date.now(), 1);
    const settled = await within(
      state.clock,
      () => state.permit.documentsDueAt !== dueAt || !undecided(),
      dueIn,
      `Requested documents due ${readableDuration(dueIn)}`,
    );
    if (settled) continue;
    if (!overdueToInd) {
      state.decidePermit('inadmissible', ind, 'documents not supplied by the due date');
      continue;
    }
    const report = () => agencies.ind.reportDocumentsOverdue({ caseId, applicationNumber, dueAt });
    // A decision (IND's call-back, an IND officer) while the report waits on an operator is taken at once. Cases
    // started before kept the step on the operator, whose skip ended the permit `skipped`.
    const reported = patches.decisionEndsOverdueReport
      ? await withAgencyUnlessSettled(state, 'permit', 'ind', report, () => !undecided())
      : await withAgency(state, 'permit', 'ind', report);
    if (reported === settledMeanwhile) continue;
    if (reported !== skipped && state.permit.documentsDueAt === dueAt) state.documentsOverdue(dueAt);
  }
  poll.cancel();
  await Promise.all([polling, legalTerm, sponsorTarget]);
  if (state.skippedByOperator('permit')) return;
  state.finish('permit', state.permit.status);
  const { status, reason, decidedAt } = state.permit;
  const refused = status === 'refused' || status === 'inadmissible';
  notifier.send('permit-decided', {
    decision: status,
    ...(refused ? refusalDetails(reason, new Date(decidedAt ?? Date.now())) : {}),
  });
}
