import { condition } from '@temporalio/workflow';
import type { AgencyProxies } from '../agencies';
import { skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';

/**
 * Biometrics at the desk: an IND officer captures them (the device keeps the images; we keep the capture
 * reference) and the system submits the reference to IND. A retake goes back to the officer, also when IND
 * reports poor quality later, until the card is ordered.
 */
export async function biometricsStep(c: CaseState, agencies: AgencyProxies): Promise<void> {
  if (!c.wants('biometrics')) return c.finish('biometrics', 'not-wanted');
  c.setStep('biometrics', { state: 'blocked', detail: 'waits for check-in and the IND application' });
  await condition(
    () => (c.checkInSettled || c.done('check-in')) && (c.permit.applicationNumber !== undefined || c.done('permit')),
  );
  if (c.checkIn !== 'verified') return c.finish('biometrics', 'not-possible', 'identity not verified at check-in');
  const applicationNumber = c.permit.applicationNumber;
  if (!applicationNumber) return c.finish('biometrics', 'not-possible', 'no IND application to link them to');

  for (;;) {
    const previous = c.biometrics.captureReference;
    const captured = await c.waitOn(
      'biometrics',
      'ind:biometrics',
      () => c.biometrics.captureReference !== previous,
      c.biometrics.result === 'retake-needed' ? 'retake needed' : undefined,
    );
    if (!captured && c.skippedByOperator('biometrics')) return;
    const captureReference = c.biometrics.captureReference!;
    const submitted = await withAgency(c, 'biometrics', 'ind', () =>
      agencies.ind.submitBiometrics({ caseId: c.caseId, applicationNumber, captureReference }),
    );
    if (submitted === skipped) return c.finish('biometrics', 'skipped', c.skipRequests.get('biometrics'));
    if (c.biometrics.captureReference === captureReference && c.biometrics.result === undefined) {
      c.biometrics.result = submitted.result;
    }
    if (c.biometrics.result !== 'accepted') continue;
    c.finish('biometrics', 'accepted');
    if (!c.wants('residence-permit')) return;
    const retakeNeeded = (): boolean => c.biometrics.result === 'retake-needed';
    await condition(() => retakeNeeded() || c.card.orderId !== undefined || c.done('card'));
    if (!retakeNeeded()) return;
  }
}
