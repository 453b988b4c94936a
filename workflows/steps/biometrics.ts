import { condition, patched } from '@temporalio/workflow';
import { skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';
import { checkedInWithApplication } from './prerequisites';
import type { StepContext } from './step-context';

/**
 * Biometrics at the desk: an IND officer captures them (the device keeps the images; we keep the capture
 * reference) and the system submits the reference to IND. A retake goes back to the officer, also when IND
 * reports poor quality later, until the card is ordered. An MVV holder gave them at the embassy: an IND officer
 * judges those prints, and unusable ones need a capture like anyone else's.
 */
export async function biometricsStep({ state, agencies, patches }: StepContext): Promise<void> {
  if (state.wants('biometrics')) {
    if (!(await checkedInWithApplication(state, 'biometrics'))) return;
  } else if (!(await embassyPrintsUnusable(state))) return;
  const applicationNumber = state.permit.applicationNumber;
  if (!applicationNumber) return state.finish('biometrics', 'not-possible', 'no IND application to link them to');

  // IND makes no card on a refused permit, so nobody need come for a capture. Cases started before this rule
  // waited for one all the same.
  const noCard = (): string | undefined => (patches.refusalEndsBiometrics ? noCardToMake(state) : undefined);
  for (;;) {
    const previous = state.biometrics.captureReference;
    const captured = await state.waitOn(
      'biometrics',
      'ind:biometrics',
      () => state.biometrics.captureReference !== previous || noCard() !== undefined,
      state.biometrics.result === 'retake-needed' ? 'retake needed' : captureDetail(state),
    );
    const why = noCard();
    if (why !== undefined) return state.finish('biometrics', 'not-needed', why);
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

/** Why no card will be made for these biometrics (the permit refused, inadmissible or never decided), if so. */
function noCardToMake(state: CaseState): string | undefined {
  if (!state.wants('residence-permit')) return undefined;
  const { status } = state.permit;
  if (status === 'refused' || status === 'inadmissible') return `the permit was ${status}: no card will be made`;
  if (state.done('permit') && status !== 'granted') return `the permit step ended ${state.step('permit').outcome}`;
  return undefined;
}

const captureDetail = (state: CaseState): string | undefined =>
  state.embassyPrints === 'unusable' ? 'the embassy prints are unusable' : undefined;

/**
 * For a case that did not book the biometrics service: resolves true when the step must capture them after all
 * (an MVV holder whose embassy prints an IND officer found unusable); otherwise it finishes the step. Cases
 * started before this rule counted an MVV as biometrics enough, and keep doing so.
 */
async function embassyPrintsUnusable(state: CaseState): Promise<boolean> {
  if (!state.hasMvv || !state.wants('residence-permit') || !patched('biometrics-before-card')) {
    state.finish('biometrics', 'not-wanted');
    return false;
  }
  if (!(await checkedInWithApplication(state, 'biometrics'))) return false;
  const judged = await state.waitOn(
    'biometrics',
    'ind:embassy-prints',
    () => state.embassyPrints !== undefined || state.done('card'),
    'are the biometrics taken at the embassy usable for the card?',
  );
  if (!judged && state.skippedByOperator('biometrics')) return false;
  if (state.embassyPrints === 'usable') {
    state.finish('biometrics', 'embassy-prints', 'the biometrics taken at the embassy are usable');
    return false;
  }
  if (state.embassyPrints === undefined) {
    state.finish('biometrics', 'not-needed', `the card is ${state.step('card').outcome ?? 'done'}`);
    return false;
  }
  return true;
}
