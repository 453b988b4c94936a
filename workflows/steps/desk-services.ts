import { condition } from '@temporalio/workflow';
import type { AgencyProxies } from '../agencies';
import { skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';
import type { Notifier } from '../notifications';

/**
 * The return visa: only while a first permit is pending. An IND officer judges the compelling reason; IND
 * issues the visa. A permit granted first makes it unnecessary.
 */
export async function returnVisaStep(c: CaseState, agencies: AgencyProxies, notifier: Notifier): Promise<void> {
  const visa = c.booking.returnVisa;
  if (!c.wants('return-visa') || !visa) return c.finish('return-visa', 'not-wanted');
  c.setStep('return-visa', { state: 'blocked', detail: 'waits for check-in and the IND application' });
  await condition(
    () => (c.checkInSettled || c.done('check-in')) && (c.permit.applicationNumber !== undefined || c.done('permit')),
  );
  if (c.checkIn !== 'verified') return c.finish('return-visa', 'not-possible', 'identity not verified at check-in');
  const decided = await c.waitOn(
    'return-visa',
    'ind:return-visa',
    () => c.returnVisaDecision !== undefined || c.permit.status !== 'pending',
  );
  if (!decided && c.skippedByOperator('return-visa')) return;
  if (c.permit.status === 'granted') return c.finish('return-visa', 'not-needed', 'the permit was granted first');
  if (c.permit.status !== 'pending') return c.finish('return-visa', 'not-possible', `permit ${c.permit.status}`);
  if (c.returnVisaDecision === 'refuse') {
    c.finish('return-visa', 'refused');
    return notifier.send('return-visa-decided', { decision: 'refused' });
  }
  const applicationNumber = c.permit.applicationNumber!;
  const issued = await withAgency(c, 'return-visa', 'ind', () =>
    agencies.ind.issueReturnVisa({ caseId: c.caseId, applicationNumber, ...visa }),
  );
  if (issued === skipped) return c.finish('return-visa', 'skipped', c.skipRequests.get('return-visa'));
  c.results.returnVisaNumber = issued.visaNumber;
  c.results.returnVisaValidUntil = issued.validUntil;
  c.finish('return-visa', 'issued', `valid until ${issued.validUntil}`);
  notifier.send('return-visa-decided', { decision: 'issued', validUntil: issued.validUntil });
}

/** Advice on working and living in the Netherlands, recorded by an Expat Centre advisor after check-in. */
export async function adviceStep(c: CaseState): Promise<void> {
  if (!c.wants('advice')) return c.finish('advice', 'not-wanted');
  c.setStep('advice', { state: 'blocked', detail: 'waits for check-in' });
  await condition(() => c.checkInSettled || c.done('check-in'));
  if (c.checkIn !== 'verified') return c.finish('advice', 'not-possible', 'identity not verified at check-in');
  const recorded = await c.waitOn('advice', 'expat:advice', () => c.advice !== undefined);
  if (!recorded && c.skippedByOperator('advice')) return;
  c.finish('advice', c.advice!);
}
