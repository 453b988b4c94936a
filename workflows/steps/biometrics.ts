import { condition } from '@temporalio/workflow';
import { skipped, withAgency } from '../agency-call';
import { checkedInWithApplication } from './prerequisites';
import type { StepContext } from './step-context';

/**
 * Biometrics at the desk: an IND officer captures them (the device keeps the images; we keep the capture
 * reference) and the system submits the reference to IND. A retake goes back to the officer, also when IND
 * reports poor quality later, until the card is ordered.
 */
export async function biometricsStep({ state, agencies }: StepContext): Promise<void> {
  if (!state.wants('biometrics')) return state.finish('biometrics', 'not-wanted');
  if (!(await checkedInWithApplication(state, 'biometrics'))) return;
  const applicationNumber = state.permit.applicationNumber;
  if (!applicationNumber) return state.finish('biometrics', 'not-possible', 'no IND application to link them to');

  for (;;) {
    const previous = state.biometrics.captureReference;
    const captured = await state.waitOn(
      'biometrics',
      'ind:biometrics',
      () => state.biometrics.captureReference !== previous,
      state.biometrics.result === 'retake-needed' ? 'retake needed' : undefined,
    );
    if (!captured && state.skippedByOperator('biometrics')) return;
    const captureReference = state.biometrics.captureReference!;
    const submitted = await withAgency(state, 'biometrics', 'ind', () =>
      agencies.ind.submitBiometrics({ caseId: state.caseId, applicationNumber, captureReference }),
    );
    if (submitted === skipped) return state.finish('biometrics', 'skipped', state.skipReason('biometrics'));
    state.acceptBiometrics(submitted.result, captureReference);
    if (state.biometrics.result !== 'accepted') continue;
    state.finish('biometrics', 'accepted');
    if (!state.wants('residence-permit')) return;
    const retakeNeeded = (): boolean => state.biometrics.result === 'retake-needed';
    await condition(() => retakeNeeded() || state.card.orderId !== undefined || state.done('card'));
    if (!retakeNeeded()) return;
  }
}
