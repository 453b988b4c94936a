import { agencyFailure } from '../../domain/agency-failures';
import { needsSponsor } from '../../domain/rules';
import { refusalType, skipped, withAgency } from '../agency-call';
import type { StepContext } from './step-context';

/**
 * Whether the desk can take the case: the intake rules were checked before the case started; what is left is
 * the IND's public register of recognised sponsors. Resolves false when the case must end `rejected`.
 */
export async function eligibilityStep({ state, agencies }: StepContext): Promise<boolean> {
  const sponsor = state.booking.sponsor;
  if (!needsSponsor(state.booking.stay.purpose) || !sponsor) {
    state.setStep('eligibility', { state: 'done', outcome: 'eligible' });
    return true;
  }
  try {
    const result = await withAgency(
      state,
      'eligibility',
      'ind',
      () => agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: sponsor.recognisedSponsorNumber }),
      [agencyFailure.sponsorNotRecognised],
    );
    state.setStep('eligibility', {
      state: 'done',
      outcome: 'eligible',
      ...(result === skipped ? { detail: 'sponsor check skipped by an operator' } : {}),
    });
    return true;
  } catch (err) {
    if (refusalType(err) !== agencyFailure.sponsorNotRecognised) throw err;
    state.setStep('eligibility', {
      state: 'done',
      outcome: 'ineligible',
      detail: `sponsor ${sponsor.recognisedSponsorNumber} is not in the IND register of recognised sponsors`,
    });
    return false;
  }
}
