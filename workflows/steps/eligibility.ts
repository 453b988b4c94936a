import { agencyFailure } from '../../domain/agency-failures';
import type { AgencyProxies } from '../agencies';
import { refusalType, skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';

const sponsorRequired = new Set(['highly-skilled-migrant', 'researcher']);

/**
 * Whether the desk can take the case: the intake rules were checked before the case started; what is left is
 * the IND's public register of recognised sponsors. Resolves false when the case must end `rejected`.
 */
export async function eligibilityStep(c: CaseState, agencies: AgencyProxies): Promise<boolean> {
  const sponsor = c.booking.sponsor;
  if (!sponsorRequired.has(c.booking.stay.purpose) || !sponsor) {
    c.setStep('eligibility', { state: 'done', outcome: 'eligible' });
    return true;
  }
  try {
    const result = await withAgency(
      c,
      'eligibility',
      'ind',
      () => agencies.ind.checkSponsorRecognised({ recognisedSponsorNumber: sponsor.recognisedSponsorNumber }),
      [agencyFailure.sponsorNotRecognised],
    );
    c.setStep('eligibility', {
      state: 'done',
      outcome: 'eligible',
      ...(result === skipped ? { detail: 'sponsor check skipped by an operator' } : {}),
    });
    return true;
  } catch (err) {
    if (refusalType(err) !== agencyFailure.sponsorNotRecognised) throw err;
    c.setStep('eligibility', {
      state: 'done',
      outcome: 'ineligible',
      detail: `sponsor ${sponsor.recognisedSponsorNumber} is not in the IND register of recognised sponsors`,
    });
    return false;
  }
}
