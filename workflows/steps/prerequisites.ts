import { condition } from '@temporalio/workflow';
import type { CaseState } from '../case-state';
import type { StepName } from '../definitions';

/**
 * What the IND desk steps (biometrics, return visa) wait for: the newcomer checked in and the IND application
 * known, or the permit step ended without one. Finishes the step as not possible when the identity was not
 * verified; resolves whether the step can go on.
 */
export async function checkedInWithApplication(state: CaseState, step: StepName): Promise<boolean> {
  state.setStep(step, { state: 'blocked', detail: 'waits for check-in and the IND application' });
  await condition(
    () =>
      (state.checkInSettled || state.done('check-in')) &&
      (state.permit.applicationNumber !== undefined || state.done('permit')),
  );
  if (state.checkInState === 'verified') return true;
  state.finish(step, 'not-possible', 'identity not verified at check-in');
  return false;
}
