import { allHandlersFinished, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { agencyProxies, loadCaseSettings, type AgencyProxies } from './agencies';
import { withAgency } from './agency-call';
import { CaseState } from './case-state';
import type { Actor, NewcomerCaseInput, NewcomerCaseResult } from './definitions';
import { registerHandlers } from './handlers';
import { Notifier } from './notifications';
import { adviceStep, returnVisaStep } from './steps/desk-services';
import { biometricsStep } from './steps/biometrics';
import { brpStep } from './steps/brp';
import { cardStep } from './steps/card';
import { checkInStep } from './steps/check-in';
import { eligibilityStep } from './steps/eligibility';
import { permitStep } from './steps/permit';
import { defaultCaseSettings } from './settings';

const system: Actor = { id: 'system', role: 'operator' };

/**
 * One newcomer's case at the one-stop desk, from booking to its outcome. Every step starts as soon as what it
 * waits for holds; independent steps run in parallel. Withdrawal or a no-show past the reschedule window stops
 * the steps, and a withdrawal undoes what can be undone.
 */
export async function newcomerCaseWorkflow(input: NewcomerCaseInput): Promise<NewcomerCaseResult> {
  // Handlers first: a query or an update may arrive while the settings are still being read.
  const c = new CaseState(input.booking, input.settings ?? defaultCaseSettings);
  const late: { notifier?: Notifier } = {};
  registerHandlers(c, () => late.notifier!);
  if (!input.settings) c.settings = await loadCaseSettings();
  const agencies = agencyProxies(c.settings);
  const notifier = new Notifier(c, agencies);
  late.notifier = notifier;
  c.sync();
  notifier.send('case-opened', { location: c.appointment.location, startsAt: c.appointment.startsAt });

  const steps = new CancellationScope();
  const running = steps.run(async () => {
    if (!(await eligibilityStep(c, agencies))) return 'rejected' as const;
    await Promise.all([
      permitStep(c, agencies, notifier),
      checkInStep(c),
      brpStep(c, agencies, notifier),
      biometricsStep(c, agencies),
      cardStep(c, agencies, notifier),
      returnVisaStep(c, agencies, notifier),
      adviceStep(c),
    ]);
    return 'completed' as const;
  });
  const ending = condition(() => c.ending !== undefined).then(() => c.ending!);
  const status = await Promise.race([running, ending]);
  if (status === 'withdrawn' || status === 'closed-no-show') {
    steps.cancel();
    await running.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  }

  if (status === 'withdrawn') c.outcome = await compensate(c, agencies);
  else if (status === 'closed-no-show') c.outcome = 'closed: no-show, not rescheduled in time';
  else if (status === 'rejected') c.outcome = `rejected: ${c.step('eligibility').detail}`;
  else c.outcome = summary(c);
  c.status = status;
  c.record(system, 'case-closed', c.outcome);
  c.sync();
  notifier.send('case-closed', { status });
  await notifier.allSent();
  await condition(allHandlersFinished);
  return { caseId: c.caseId, status, outcome: c.outcome, steps: [...c.steps.values()] };
}

/** Undoes, newest first, what a withdrawal can undo; a BRP registration is a legal fact and stays. */
async function compensate(c: CaseState, agencies: AgencyProxies): Promise<string> {
  const undone: string[] = [];
  if (c.card.orderId && !c.card.handedOver) {
    const orderId = c.card.orderId;
    await withAgency(c, 'card', 'ind', () => agencies.ind.cancelResidenceCard({ caseId: c.caseId, orderId }));
    c.finish('card', 'cancelled');
    undone.push('card order cancelled');
  }
  await condition(() => !c.linkingApplication);
  if (c.permit.applicationNumber && c.permit.status === 'pending') {
    const applicationNumber = c.permit.applicationNumber;
    await withAgency(c, 'permit', 'ind', () =>
      agencies.ind.withdrawPermitApplication({ caseId: c.caseId, applicationNumber }),
    );
    c.permit.status = 'withdrawn';
    c.finish('permit', 'withdrawn');
    undone.push('IND application withdrawn');
  }
  if (!c.checkInSettled) {
    c.finish('check-in', 'appointment-released');
    undone.push('appointment released');
  }
  for (const step of c.steps.values()) {
    if (step.state !== 'done' && step.state !== 'not-wanted') c.finish(step.name, 'withdrawn');
  }
  const stays = c.results.bsn ? '; the BRP registration stays (a legal fact)' : '';
  return `withdrawn${undone.length ? `: ${undone.join(', ')}` : ''}${stays}`;
}

function summary(c: CaseState): string {
  const outcomes = [...c.steps.values()].filter((s) => s.state === 'done' && s.outcome !== 'not-wanted');
  return `completed: ${outcomes.map((s) => `${s.name} ${s.outcome}`).join(', ')}`;
}
