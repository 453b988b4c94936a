import { condition } from '@temporalio/workflow';
import { returnVisaLatestDay } from '../../domain/dates';
import { refusalDetails } from '../../domain/objection';
import { skipped, withAgency } from '../agency-call';
import { checkedInWithApplication } from './prerequisites';
import type { StepContext } from './step-context';

/**
 * The return visa: only while a first permit is pending. An IND officer judges the compelling reason; IND
 * issues the visa. A permit granted first makes it unnecessary.
 */
export async function returnVisaStep({ state, agencies, notifier }: StepContext): Promise<void> {
  const visa = state.booking.returnVisa;
  if (!state.wants('return-visa') || !visa) return state.finish('return-visa', 'not-wanted');
  if (!(await checkedInWithApplication(state, 'return-visa'))) return;
  const decided = await state.waitOn(
    'return-visa',
    'ind:return-visa',
    () => state.returnVisaDecision !== undefined || state.permit.status !== 'pending',
  );
  if (!decided && state.skippedByOperator('return-visa')) return;
  if (state.permit.status === 'granted')
    return state.finish('return-visa', 'not-needed', 'the permit was granted first');
  if (state.permit.status !== 'pending')
    return state.finish('return-visa', 'not-possible', `permit ${state.permit.status}`);
  if (state.returnVisaDecision === 'refuse') {
    state.finish('return-visa', 'refused');
    return notifier.send('return-visa-decided', {
      decision: 'refused',
      ...refusalDetails(state.returnVisaReason, new Date()),
    });
  }
  const applicationNumber = state.permit.applicationNumber!;
  // The case's setting caps the validity, within the legal 3 months; the adapter refuses a longer one.
  const longest = returnVisaLatestDay(Date.now(), state.settings.returnVisaMaxValidityMs);
  const validUntil = visa.returnDate < longest ? visa.returnDate : longest;
  const issued = await withAgency(state, 'return-visa', 'ind', () =>
    agencies.ind.issueReturnVisa({ caseId: state.caseId, applicationNumber, ...visa, validUntil }),
  );
  if (issued === skipped) return state.finish('return-visa', 'skipped', state.skipReason('return-visa'));
  state.addResults({ returnVisaNumber: issued.visaNumber, returnVisaValidUntil: issued.validUntil });
  state.finish('return-visa', 'issued', `valid until ${issued.validUntil}`);
  notifier.send('return-visa-decided', { decision: 'issued', validUntil: issued.validUntil });
}

/** Advice on working and living in the Netherlands, recorded by an Expat Centre advisor after check-in. */
export async function adviceStep({ state }: StepContext): Promise<void> {
  if (!state.wants('advice')) return state.finish('advice', 'not-wanted');
  state.setStep('advice', { state: 'blocked', detail: 'waits for check-in' });
  await condition(() => state.checkInSettled || state.done('check-in'));
  if (state.checkInState !== 'verified')
    return state.finish('advice', 'not-possible', 'identity not verified at check-in');
  const recorded = await state.waitOn('advice', 'expat:advice', () => state.advice !== undefined);
  if (!recorded && state.skippedByOperator('advice')) return;
  state.finish('advice', state.advice!);
}
