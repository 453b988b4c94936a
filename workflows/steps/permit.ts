import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import type { AgencyProxies } from '../agencies';
import { skipped, withAgency } from '../agency-call';
import type { CaseState, PermitStatus } from '../case-state';
import { runDeadline } from '../deadlines';
import type { Actor } from '../definitions';
import type { Notifier } from '../notifications';

const ind: Actor = { id: 'ind', role: 'agency' };

/** Records IND's decision once, whoever reports it first (call-back, officer, or the polling fall-back). */
export function decidePermit(c: CaseState, decision: PermitStatus, actor: Actor, source: string): boolean {
  if (c.permit.status !== 'pending') return false;
  c.permit = { ...c.permit, status: decision, documentsDueAt: undefined };
  c.record(actor, 'permit-decision', `${decision} (${source})`);
  c.sync();
  return true;
}

/**
 * The permit decision: link the sponsor's application (or file one), then wait for IND's decision while the
 * legal term and the sponsor target run. A documents request pauses the legal term; missing its due date
 * makes the application inadmissible.
 */
export async function permitStep(c: CaseState, agencies: AgencyProxies, notifier: Notifier): Promise<void> {
  if (!c.wants('residence-permit')) return c.finish('permit', 'not-wanted');
  const route = c.booking.permit?.route === 'tev' ? 'tev' : 'vvr';
  const link = () =>
    agencies.ind.linkPermitApplication({
      caseId: c.caseId,
      purpose: c.booking.stay.purpose,
      route,
      ...(c.booking.sponsor ? { sponsorNumber: c.booking.sponsor.recognisedSponsorNumber } : {}),
      ...(c.booking.permit?.indApplicationNumber ? { applicationNumber: c.booking.permit.indApplicationNumber } : {}),
    });
  // A withdrawal while IND files the application must not orphan it: the call finishes, so the number is known
  // and the compensation can withdraw it. Cases started before this change keep the old, cancellable call.
  const survivesWithdrawal = patched('link-application-survives-withdrawal');
  c.linkingApplication = survivesWithdrawal;
  const linked = await withAgency(c, 'permit', 'ind', () =>
    survivesWithdrawal ? CancellationScope.nonCancellable(link) : link(),
  ).finally(() => {
    c.linkingApplication = false;
  });
  if (linked === skipped) return c.finish('permit', 'skipped', c.skipRequests.get('permit'));
  c.permit = {
    status: linked.status === 'pending' ? 'pending' : linked.status,
    applicationNumber: linked.applicationNumber,
  };
  c.results.indApplicationNumber = linked.applicationNumber;
  const early = c.earlyDecisions.get(linked.applicationNumber);
  if (early) decidePermit(c, early, ind, 'call-back');

  const poll = new CancellationScope();
  const polling = poll
    .run(() => agencies.indPoll.awaitPermitDecision({ applicationNumber: linked.applicationNumber }))
    .then(
      (application) => {
        if (application.status !== 'pending' && application.status !== 'withdrawn') {
          decidePermit(c, application.status, ind, 'polled');
        }
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );

  const short = c.booking.stay.purpose === 'researcher' || c.booking.stay.purpose === 'student';
  const legalTerm = runDeadline(
    c,
    'ind-decision-legal-term',
    short ? c.settings.indLegalTermShortMs : c.settings.indLegalTermMs,
    {
      until: () => c.permit.status !== 'pending' || c.skipRequests.has('permit'),
      pausedWhile: () => c.permit.documentsDueAt !== undefined,
      onBreach: () => c.record(ind, 'escalated', 'the legal decision term has passed'),
    },
  );
  const sponsorTarget = c.booking.sponsor
    ? runDeadline(c, 'ind-decision-sponsor-target', c.settings.indSponsorTargetMs, {
        until: () => c.permit.status !== 'pending' || c.skipRequests.has('permit'),
      })
    : Promise.resolve('met');

  while (c.permit.status === 'pending' && !c.skipRequests.has('permit')) {
    const dueAt = c.permit.documentsDueAt;
    if (dueAt === undefined) {
      await c.waitOn(
        'permit',
        'ind:decision',
        () => c.permit.status !== 'pending' || c.permit.documentsDueAt !== undefined,
      );
      continue;
    }
    c.setStep('permit', { state: 'waiting', waitingOn: 'newcomer:documents', detail: `documents due ${dueAt}` });
    const settled = await condition(
      () => c.permit.documentsDueAt !== dueAt || c.permit.status !== 'pending' || c.skipRequests.has('permit'),
      Math.max(Date.parse(dueAt) - Date.now(), 1),
    );
    if (!settled) decidePermit(c, 'inadmissible', ind, 'documents not supplied by the due date');
  }
  poll.cancel();
  await Promise.all([polling, legalTerm, sponsorTarget]);
  if (c.skippedByOperator('permit')) return;
  c.finish('permit', c.permit.status);
  notifier.send('permit-decided', { decision: c.permit.status });
}
